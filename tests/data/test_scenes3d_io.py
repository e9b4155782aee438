"""Scene-graph JSON and transforms.json round trips; bad posed-image folders raise UserError."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from inferlab.data.scenes3d import (
    Intrinsics, Scene, generate_scene, hemisphere_poses, load_instance, load_transforms, render, write_transforms,
)
from inferlab.errors import UserError


def test_scene_json_round_trip() -> None:
    scene = generate_scene(np.random.default_rng(5), n_objects=4, walls=True)
    again = Scene.from_json(scene.to_json())
    assert again == scene
    assert again.get(2).local_aabb.shape == (2, 3)
    bad = json.loads(scene.to_json())
    bad["objects"][0]["colour_name"] = "mauve"
    with pytest.raises(UserError, match="Unknown colour name of object 0: 'mauve'; allowed: red"):
        Scene.from_dict(bad)
    bad["objects"][0]["colour_name"] = "red"
    bad["objects"][1]["half_extents"] = [0.3, -1, 0.3]
    with pytest.raises(UserError, match="half_extents must be 3 positive numbers"):
        Scene.from_dict(bad)
    del bad["objects"][0]["transform"]
    with pytest.raises(UserError, match="Bad scene description"):
        Scene.from_dict(bad)


@pytest.fixture
def written(tmp_path: Path) -> tuple[Path, Scene, Intrinsics, np.ndarray]:
    scene = generate_scene(np.random.default_rng(2), n_objects=3)
    intr = Intrinsics.from_fov(32, 24, 60.0)
    poses = hemisphere_poses(np.random.default_rng(0), 3)
    write_transforms(tmp_path / "views", scene, intr, poses)
    return tmp_path / "views", scene, intr, poses


def test_transforms_round_trip(written: tuple[Path, Scene, Intrinsics, np.ndarray]) -> None:
    folder, scene, intr, poses = written
    data = load_transforms(folder)
    assert data.images.shape == (3, 24, 32, 3) and data.poses.shape == (3, 4, 4)
    assert data.intrinsics == intr
    np.testing.assert_allclose(data.poses.numpy(), poses, atol=1e-6)
    meta = json.loads((folder / "transforms.json").read_text())
    for i, frame in enumerate(meta["frames"]):
        out = render(scene, intr, poses[i])
        np.testing.assert_allclose(data.images[i].numpy(), out.rgb, atol=0.5 / 255 + 1e-6)
        np.testing.assert_array_equal(np.load(folder / frame["depth_file_path"]), out.depth)
        np.testing.assert_array_equal(load_instance(folder / frame["instance_file_path"]), out.instance)
    assert Scene.from_json((folder / "scene.json").read_text()) == scene


def test_camera_angle_x_only_and_extensionless_paths(written: tuple[Path, Scene, Intrinsics, np.ndarray]) -> None:
    folder, _, intr, _ = written
    meta = json.loads((folder / "transforms.json").read_text())
    blender = {"camera_angle_x": meta["camera_angle_x"],
               "frames": [{"file_path": f["file_path"][:-4], "transform_matrix": f["transform_matrix"]}
                          for f in meta["frames"]]}
    (folder / "blender.json").write_text(json.dumps(blender))
    data = load_transforms(folder / "blender.json")
    assert data.intrinsics.fx == pytest.approx(intr.fx) and data.intrinsics.cx == 16.0


def _edit(folder: Path, change: Callable[[dict], object]) -> Path:
    meta = json.loads((folder / "transforms.json").read_text())
    change(meta)
    (folder / "transforms.json").write_text(json.dumps(meta))
    return folder


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m["frames"][1].pop("transform_matrix"), "frame 1 lacks transform_matrix"),
    (lambda m: m["frames"][0].update(file_path="images/nope.png"), "nope.png does not exist"),
    (lambda m: m["frames"][2].update(transform_matrix=np.eye(3).tolist()), "frame 2: 'transform_matrix' must"),
    (lambda m: m["frames"][0].update(transform_matrix=[[0] * 4] * 4), "invertible rotation"),
    (lambda m: [m.pop(k) for k in ("fl_x", "camera_angle_x")], "has no camera intrinsics"),
    (lambda m: m.update(w=40), "is 32x24 .w x h. but the intrinsics say 40x24"),
    (lambda m: m.update(frames=[]), "non-empty list 'frames'"),
])
def test_bad_transforms_raise_user_error(
    written: tuple[Path, Scene, Intrinsics, np.ndarray], change: Callable[[dict], object], message: str
) -> None:
    with pytest.raises(UserError, match=message):
        load_transforms(_edit(written[0], change))


def test_missing_or_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="give a transforms.json file or the folder"):
        load_transforms(tmp_path)
    (tmp_path / "transforms.json").write_text("{not json")
    with pytest.raises(UserError, match="is not valid JSON"):
        load_transforms(tmp_path)
    (tmp_path / "bad.png").write_bytes(b"not a png")
    (tmp_path / "transforms.json").write_text(json.dumps(
        {"camera_angle_x": 1.0, "frames": [{"file_path": "bad.png", "transform_matrix": np.eye(4).tolist()}]}))
    with pytest.raises(UserError, match="cannot read image"):
        load_transforms(tmp_path)
