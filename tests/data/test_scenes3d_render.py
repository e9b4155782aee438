"""Rendering ground truth: depth, cross-view instance consistency, edits, determinism."""

from __future__ import annotations

import numpy as np
import pytest

from inferlab.data.scenes3d import (
    Intrinsics, Scene, camera_rays, delete_object, duplicate_object, generate_scene, look_at, make_object,
    move_object, project, render, render_supersampled, ring_poses, scale_object, swap_objects,
)
from inferlab.errors import UserError

INTR = Intrinsics.from_fov(64, 64, 50.0)


def _centroid(mask: np.ndarray) -> np.ndarray:
    v, u = np.nonzero(mask)
    return np.array([u.mean(), v.mean()])


def _two_objects() -> Scene:
    return Scene((make_object(1, "sphere", "red", 0.4, (0.0, -1.0)), make_object(2, "cube", "blue", 0.4, (0.0, 1.0))))


def test_depth_along_central_ray() -> None:
    intr = Intrinsics.from_fov(65, 65, 40.0)  # odd size: the centre pixel's ray is the optical axis
    scene = Scene((make_object(1, "sphere", "green", 0.5, (0.0, 0.0)),))
    out = render(scene, intr, look_at(np.array([3.0, 0.0, 0.5]), np.array([0.0, 0.0, 0.5])))
    assert out.depth[32, 32] == pytest.approx(2.5, abs=1e-5)
    assert out.instance[32, 32] == 1 and out.class_id[32, 32] == 1
    assert out.instance[0, 0] == 0 and out.rgb.shape == (65, 65, 3) and 0 <= out.rgb.min() <= out.rgb.max() <= 1


def test_instances_consistent_across_views() -> None:
    scene = generate_scene(np.random.default_rng(3), n_objects=4)
    poses = ring_poses(4, radius=6.0, height=3.0)
    seen = []
    for c2w in poses[:2]:
        out = render(scene, INTR, c2w)
        origins, dirs = camera_rays(INTR, c2w)
        points = origins + out.depth[..., None] * dirs  # world hit points
        for obj in scene.objects:  # every pixel labelled k lies on object k (inside its local box)
            p = points[out.instance == obj.instance_id]
            w2l = np.linalg.inv(obj.matrix)
            local = p @ w2l[:3, :3].T + w2l[:3, 3]
            assert (np.abs(local) <= np.array(obj.half_extents) + 1e-4).all()
        seen.append(set(np.unique(out.instance)) - {0})
    assert len(seen[0] & seen[1]) >= 2


def test_delete_removes_only_that_object() -> None:
    scene = generate_scene(np.random.default_rng(1), n_objects=5)
    c2w = ring_poses(1)[0]
    before = render(scene, INTR, c2w).instance
    victim = int(np.bincount(before.ravel())[1:].argmax()) + 1  # the most visible object
    after = render(delete_object(scene, victim), INTR, c2w).instance
    assert victim not in after and victim in before
    assert (before[after != before] == victim).all()  # only its pixels changed (revealing what was behind)


def test_move_shifts_mask_in_projected_direction() -> None:
    scene = _two_objects()
    c2w = look_at(np.array([6.0, 0.0, 3.0]), np.array([0.0, 0.0, 0.3]))
    offset = np.array([0.0, 0.6, 0.0])
    moved = move_object(scene, 1, tuple(offset))
    m0 = render(scene, INTR, c2w).instance == 1
    m1 = render(moved, INTR, c2w).instance == 1
    centre = scene.get(1).position
    uv, _ = project(np.stack([centre, centre + offset]), INTR, c2w)
    expected = uv[1] - uv[0]
    shift = _centroid(m1) - _centroid(m0)
    assert expected[0] > 3  # world +y is image right for this camera
    np.testing.assert_allclose(shift, expected, atol=1.0)


def test_duplicate_scale_swap() -> None:
    scene = _two_objects()
    c2w = look_at(np.array([6.0, 0.0, 3.0]), np.array([0.0, 0.0, 0.3]))
    base = render(scene, INTR, c2w)
    dup, new_id = duplicate_object(scene, 2, (-1.5, 0.0, 0.0))
    out = render(dup, INTR, c2w)
    assert new_id == 3 and (out.class_id[out.instance == 3] == 2).all() and (out.instance == 3).sum() > 20
    bigger = render(scale_object(scene, 1, 1.5), INTR, c2w)
    assert (bigger.instance == 1).sum() > 1.8 * (base.instance == 1).sum()
    assert scale_object(scene, 1, 1.5).get(1).position[2] == pytest.approx(0.6)  # still on the ground
    swapped = render(swap_objects(scene, 1, 2), INTR, c2w)
    np.testing.assert_allclose(_centroid(swapped.instance == 1), _centroid(base.instance == 2), atol=2.0)
    np.testing.assert_allclose(_centroid(swapped.instance == 2), _centroid(base.instance == 1), atol=2.0)
    with pytest.raises(UserError, match="ids present: 1, 2"):
        delete_object(scene, 7)


def test_rotation_turns_cube_silhouette() -> None:
    scene = Scene((make_object(1, "cube", "red", 0.5, (0.0, 0.0)),))
    c2w = look_at(np.array([6.0, 0.0, 0.5]), np.array([0.0, 0.0, 0.5]))
    flat = (render(scene, INTR, c2w).instance == 1).sum()
    turned = (render(move_object(scene, 1, yaw=np.pi / 4), INTR, c2w).instance == 1).sum()
    assert turned > 1.2 * flat  # the diagonal (sqrt 2 wider) faces the camera


def test_determinism_under_seed() -> None:
    a, b = generate_scene(np.random.default_rng(7)), generate_scene(np.random.default_rng(7))
    assert a == b and a != generate_scene(np.random.default_rng(8))
    c2w = ring_poses(3)[1]
    ra, rb = render(a, INTR, c2w), render(b, INTR, c2w)
    assert np.array_equal(ra.rgb, rb.rgb) and np.array_equal(ra.instance, rb.instance)
    names = {o.class_name for o in generate_scene(np.random.default_rng(0), n_objects=8).objects}
    assert names == {"sphere", "cube", "cylinder", "cone"}


def test_overcrowded_scene_is_a_user_error() -> None:
    with pytest.raises(UserError, match="Could place only"):
        generate_scene(np.random.default_rng(0), n_objects=30, extent=1.0)


def test_supersampled_colour_is_the_mean_of_the_pixel_rays_and_labels_are_the_centre_rays() -> None:
    scene, pose = _two_objects(), ring_poses(4)[0]
    intr = Intrinsics.from_fov(16, 12, 50.0)
    centre = render(scene, intr, pose)
    assert np.array_equal(render_supersampled(scene, intr, pose, 1).rgb, centre.rgb)
    out = render_supersampled(scene, intr, pose, 3)
    assert np.array_equal(out.depth, centre.depth) and np.array_equal(out.instance, centre.instance)
    # factor 3 is odd: each pixel's 3 x 3 grid holds its centre ray, so a pixel whose 9 rays are all one colour
    # keeps the centre colour, and the mean over the image is the mean of the 3x finer render
    fine = render(scene, Intrinsics(48, 36, intr.fx * 3, intr.fy * 3, intr.cx * 3, intr.cy * 3), pose)
    blocks = fine.rgb.reshape(12, 3, 16, 3, 3)
    uniform = np.ptp(blocks, axis=(1, 3)).max(-1) == 0
    assert uniform.any() and (~uniform).any()
    assert np.allclose(out.rgb[uniform], centre.rgb[uniform], atol=1e-6)
    assert np.allclose(out.rgb, blocks.mean(axis=(1, 3)), atol=1e-6)
