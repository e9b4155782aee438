"""Ray-primitive intersections against hand-computed hits, in the unit frame and through object transforms."""

from __future__ import annotations

import numpy as np
import pytest

from inferlab.data.scenes3d import (
    intersect_cone, intersect_cube, intersect_cylinder, intersect_sphere, make_object, render_rays,
)
from inferlab.data.scenes3d.scene import Background, Scene


def _rays(*pairs: tuple[tuple[float, ...], tuple[float, ...]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([p[0] for p in pairs], dtype=float), np.array([p[1] for p in pairs], dtype=float)


def test_sphere_hits() -> None:
    o, d = _rays(((0, 0, -5), (0, 0, 1)), ((0, 0, 0), (1, 0, 0)), ((0, 0, -5), (0, 0, 2)), ((0, 2, -5), (0, 0, 1)),
                 ((0, 0, 5), (0, 0, 1)))
    t, n = intersect_sphere(o, d)
    np.testing.assert_allclose(t[:3], [4.0, 1.0, 2.0])  # outside; from the centre; unnormalised d halves t
    assert np.isinf(t[3]) and np.isinf(t[4])  # passes beside; sphere behind the origin
    np.testing.assert_allclose(n[0], [0, 0, -1])
    np.testing.assert_allclose(n[1], [1, 0, 0])


def test_cube_hits() -> None:
    s3 = np.sqrt(3.0)
    o, d = _rays(((-3, 0.5, 0.2), (1, 0, 0)), ((3, 3, 3), (-1 / s3, -1 / s3, -1 / s3)), ((-3, 2, 0), (1, 0, 0)),
                 ((0, 0, 0), (0, 1, 0)), ((0.3, 0.2, 4), (0, 0, -1)))
    t, n = intersect_cube(o, d)
    np.testing.assert_allclose(t[[0, 1, 3, 4]], [2.0, 2 * s3, 1.0, 3.0])
    assert np.isinf(t[2])
    np.testing.assert_allclose(n[0], [-1, 0, 0])
    np.testing.assert_allclose(n[3], [0, 1, 0])
    np.testing.assert_allclose(n[4], [0, 0, 1])


def test_cylinder_hits() -> None:
    s2 = np.sqrt(2.0)
    o, d = _rays(((-5, 0, 0.5), (1, 0, 0)), ((0.5, 0, 5), (0, 0, -1)), ((-5, 0, 1.5), (1, 0, 0)),
                 ((-1.5, 0, 2), (1 / s2, 0, -1 / s2)), ((0, 0, 3), (1 / s2, 0, -1 / s2)))
    t, n = intersect_cylinder(o, d)
    np.testing.assert_allclose(t[[0, 1, 3]], [4.0, 4.0, s2])  # side; top cap; slanted onto the top cap
    assert np.isinf(t[2]) and np.isinf(t[4])  # above the top; slanted past the rim
    np.testing.assert_allclose(n[0], [-1, 0, 0])
    np.testing.assert_allclose(n[1], [0, 0, 1])
    np.testing.assert_allclose(n[3], [0, 0, 1])


def test_cone_hits() -> None:
    o, d = _rays(((-5, 0, 0), (1, 0, 0)), ((0.3, 0, -5), (0, 0, 1)), ((0.25, 0, 5), (0, 0, -1)),
                 ((-5, 0, 0.9), (1, 0, 0)), ((-5, 0, 1.5), (1, 0, 0)))
    t, n = intersect_cone(o, d)
    np.testing.assert_allclose(t[:4], [4.5, 4.0, 4.5, 4.95])  # side at radius 0.5; base; side from above; tip
    assert np.isinf(t[4])  # the mirrored cone above the apex is not part of the shape
    np.testing.assert_allclose(n[0] / np.linalg.norm(n[0]), np.array([-1, 0, 0.5]) / np.sqrt(1.25))
    np.testing.assert_allclose(n[1], [0, 0, -1])


@pytest.mark.parametrize(("cls", "size", "yaw", "expected"), [
    ("cube", 0.5, np.pi / 4, 6.0 - 0.5 * np.sqrt(2.0)),  # the rotated cube's corner faces the ray
    ("sphere", 0.5, 1.0, 5.5),
    ("cylinder", (0.5, 0.3), 0.7, 5.5),
    ("cone", (0.5, 0.3), 0.7, 5.75),  # at the centre height the radius is half the base radius
])
def test_transformed_object_depth(cls: str, size: object, yaw: float, expected: float) -> None:
    obj = make_object(1, cls, "red", size, (1.0, 0.0), yaw)
    z = obj.half_extents[2]
    out = render_rays(Scene((obj,), Background()), np.array([[-5.0, 0.0, z]]), np.array([[1.0, 0.0, 0.0]]))
    np.testing.assert_allclose(out.depth[0], expected, rtol=1e-6)
    assert out.instance[0] == 1 and out.class_id[0] == obj.class_id
