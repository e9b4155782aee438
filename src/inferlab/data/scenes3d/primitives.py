"""Analytic ray intersections with unit primitives, vectorised over rays.

Every primitive lives in its own "unit" frame, centred at the origin:
  sphere    x^2 + y^2 + z^2 = 1
  cube      [-1, 1]^3
  cylinder  x^2 + y^2 <= 1, |z| <= 1 (axis along +z, capped)
  cone      x^2 + y^2 <= ((1 - z) / 2)^2, |z| <= 1 (apex at z = 1, base disc of radius 1 at z = -1)
An object's local shape is the unit primitive scaled by its half-extents, so its local axis-aligned bounding
box is [-half_extents, +half_extents]. Rays are o + t d with d *not* necessarily unit length: because the
world-to-unit map is affine, the t found here is the same t as in world space.

Each function takes origins and directions (N, 3) and returns t (N,) (np.inf where the ray misses or the hit
is behind t <= T_MIN) and the outward unit-frame normal (N, 3) at the nearest hit in front of the origin.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

T_MIN = 1e-6  # hits closer than this along the ray are ignored (self-intersection guard)
CLASS_NAMES = ("sphere", "cube", "cylinder", "cone")  # class id = index + 1; 0 is the background


def _nearest_in_front(candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N, K) candidate t's (inf / nan = invalid) -> (N,) nearest t > T_MIN and its column index."""
    c = np.where(np.isfinite(candidates) & (candidates > T_MIN), candidates, np.inf)
    k = np.argmin(c, axis=1)
    return c[np.arange(len(c)), k], k


def intersect_sphere(o: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit sphere: solve |o + t d|^2 = 1, a t^2 + b t + c = 0 with a = d.d, b = 2 o.d, c = o.o - 1."""
    a = np.einsum("ni,ni->n", d, d)
    b = 2.0 * np.einsum("ni,ni->n", o, d)
    c = np.einsum("ni,ni->n", o, o) - 1.0
    disc = b * b - 4.0 * a * c
    with np.errstate(invalid="ignore"):
        root = np.sqrt(disc)  # nan where disc < 0: no hit
        t, _ = _nearest_in_front(np.stack([(-b - root) / (2 * a), (-b + root) / (2 * a)], axis=1))
    p = o + np.where(np.isfinite(t), t, 0.0)[:, None] * d
    return t, p  # the normal of the unit sphere at p is p itself


def intersect_cube(o: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cube [-1, 1]^3 by the slab method: t_near = max_i min(t1_i, t2_i), t_far = min_i max(t1_i, t2_i)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / d
        t1, t2 = (-1.0 - o) * inv, (1.0 - o) * inv  # nan only for a ray parallel to and on a face: ignored
        t_near = np.fmax.reduce(np.fmin(t1, t2), axis=1)
        t_far = np.fmin.reduce(np.fmax(t1, t2), axis=1)
    hit = t_near <= t_far
    t, _ = _nearest_in_front(np.where(hit[:, None], np.stack([t_near, t_far], axis=1), np.inf))
    p = o + np.where(np.isfinite(t), t, 0.0)[:, None] * d
    axis = np.argmax(np.abs(p), axis=1)  # the face hit is the axis where |p_i| reaches 1
    normal = np.zeros_like(p)
    rows = np.arange(len(p))
    normal[rows, axis] = np.sign(p[rows, axis])
    return t, normal


def intersect_cylinder(o: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Capped cylinder: side x^2 + y^2 = 1 with |z| <= 1, caps z = +-1 with x^2 + y^2 <= 1; nearest wins."""
    a = d[:, 0] ** 2 + d[:, 1] ** 2
    b = 2.0 * (o[:, 0] * d[:, 0] + o[:, 1] * d[:, 1])
    c = o[:, 0] ** 2 + o[:, 1] ** 2 - 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(b * b - 4.0 * a * c)
        side = np.stack([(-b - root) / (2 * a), (-b + root) / (2 * a)], axis=1)  # (N, 2)
        side_z = o[:, 2:3] + side * d[:, 2:3]
        side = np.where(np.abs(side_z) <= 1.0, side, np.inf)
        caps = np.stack([(-1.0 - o[:, 2]) / d[:, 2], (1.0 - o[:, 2]) / d[:, 2]], axis=1)  # (N, 2)
        cap_x = o[:, 0:1] + caps * d[:, 0:1]
        cap_y = o[:, 1:2] + caps * d[:, 1:2]
        caps = np.where(cap_x**2 + cap_y**2 <= 1.0, caps, np.inf)
    t, k = _nearest_in_front(np.concatenate([side, caps], axis=1))
    p = o + np.where(np.isfinite(t), t, 0.0)[:, None] * d
    normal = np.where((k < 2)[:, None], p * np.array([1.0, 1.0, 0.0]), 0.0)
    normal[:, 2] = np.where(k == 2, -1.0, np.where(k == 3, 1.0, 0.0))
    return t, normal


def intersect_cone(o: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cone: side F = x^2 + y^2 - (1 - z)^2 / 4 = 0 with |z| <= 1, base cap z = -1 with x^2 + y^2 <= 1.

    With w = 1 - o_z the side gives a t^2 + b t + c = 0, a = dx^2 + dy^2 - dz^2 / 4,
    b = 2 (ox dx + oy dy) + w dz / 2, c = ox^2 + oy^2 - w^2 / 4; the side normal is grad F = (2x, 2y, (1 - z) / 2).
    (A ray exactly parallel to the side, a = 0, is treated as missing the side: a set of measure zero.)
    """
    w = 1.0 - o[:, 2]
    a = d[:, 0] ** 2 + d[:, 1] ** 2 - d[:, 2] ** 2 / 4
    b = 2.0 * (o[:, 0] * d[:, 0] + o[:, 1] * d[:, 1]) + w * d[:, 2] / 2
    c = o[:, 0] ** 2 + o[:, 1] ** 2 - w**2 / 4
    with np.errstate(divide="ignore", invalid="ignore"):
        root = np.sqrt(b * b - 4.0 * a * c)
        side = np.stack([(-b - root) / (2 * a), (-b + root) / (2 * a)], axis=1)  # (N, 2)
        side_z = o[:, 2:3] + side * d[:, 2:3]
        side = np.where(np.abs(side_z) <= 1.0, side, np.inf)  # drops the mirrored cone above the apex
        base = (-1.0 - o[:, 2]) / d[:, 2]
        base_r2 = (o[:, 0] + base * d[:, 0]) ** 2 + (o[:, 1] + base * d[:, 1]) ** 2
        base = np.where(base_r2 <= 1.0, base, np.inf)
    t, k = _nearest_in_front(np.concatenate([side, base[:, None]], axis=1))
    p = o + np.where(np.isfinite(t), t, 0.0)[:, None] * d
    normal = np.stack([2 * p[:, 0], 2 * p[:, 1], (1.0 - p[:, 2]) / 2], axis=1)
    normal[k == 2] = [0.0, 0.0, -1.0]
    return t, normal


INTERSECTORS: dict[str, Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "sphere": intersect_sphere, "cube": intersect_cube, "cylinder": intersect_cylinder,
    "cone": intersect_cone,
}
