"""Exact ray-casting renderer: nearest analytic hit over all objects and the background, Lambertian shading.

Outputs per pixel (all (H, W) or (H, W, 3) numpy arrays):
  rgb       float32 in [0, 1]: albedo * (AMBIENT + (1 - AMBIENT) * max(0, n . LIGHT_DIR)); no shadows, so a
            surface point has the same colour from every view.
  depth     float32 distance along the (unit) ray from the camera centre to the hit, i.e. Euclidean range,
            not z-depth (z-depth = depth * |d_cam_z| with the camera-frame unit direction); inf for sky.
  instance  int32 instance id of the object hit, 0 for background (ground, walls, sky).
  class_id  int32 CLASS_NAMES index + 1 of the object hit, 0 for background.
`render` casts one ray through each pixel centre (aliased: a far checkerboard is point-sampled);
`render_supersampled` averages the colour of factor x factor rays per pixel, as a camera integrates over its pixel.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inferlab.data.scenes3d.cameras import Intrinsics, camera_rays
from inferlab.data.scenes3d.primitives import INTERSECTORS
from inferlab.data.scenes3d.scene import PALETTE, Background, Scene

LIGHT_DIR = np.array([0.4, 0.3, 0.866]) / np.linalg.norm([0.4, 0.3, 0.866])  # towards the light, world frame
AMBIENT = 0.35


@dataclass(frozen=True)
class Render:
    rgb: np.ndarray  # (H, W, 3) float32
    depth: np.ndarray  # (H, W) float32
    instance: np.ndarray  # (H, W) int32
    class_id: np.ndarray  # (H, W) int32


def _background(bg: Background, o: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nearest one-sided background plane: t (N,), albedo (N, 3), normal (N, 3); sky where t is inf."""
    n = len(o)
    t = np.full(n, np.inf)
    albedo = np.broadcast_to(np.array(bg.sky_colour), (n, 3)).copy()
    normal = np.zeros((n, 3))
    planes = [(2, 0.0, None)]  # (axis, offset, height limit): ground z = 0 facing +z
    if bg.walls:
        planes += [(0, -bg.wall_distance, bg.wall_height), (1, -bg.wall_distance, bg.wall_height)]
    for axis, offset, z_max in planes:
        with np.errstate(divide="ignore", invalid="ignore"):
            tp = (offset - o[:, axis]) / d[:, axis]
        p = o + np.where(np.isfinite(tp), tp, 0.0)[:, None] * d
        ok = (d[:, axis] < 0) & (tp > 0) & (tp < t)  # front-facing: the ray travels against the +axis normal
        if z_max is not None:
            ok &= (p[:, 2] >= 0) & (p[:, 2] <= z_max)
        t = np.where(ok, tp, t)
        normal[ok] = np.eye(3)[axis]
        if z_max is None:
            cells = np.floor(p[:, 0] / bg.checker_size) + np.floor(p[:, 1] / bg.checker_size)
            colours = np.array([PALETTE[c] for c in bg.ground_colours])
            albedo[ok] = colours[(cells[ok] % 2).astype(int)]
        else:
            albedo[ok] = PALETTE[bg.wall_colour]
    return t, albedo, normal


def render_rays(scene: Scene, origins: np.ndarray, dirs: np.ndarray) -> Render:
    """Render rays of any leading shape (..., 3); directions should be unit length for depth to be a distance."""
    shape = origins.shape[:-1]
    o, d = origins.reshape(-1, 3).astype(np.float64), dirs.reshape(-1, 3).astype(np.float64)
    t, albedo, normal = _background(scene.background, o, d)
    instance = np.zeros(len(o), dtype=np.int32)
    class_id = np.zeros(len(o), dtype=np.int32)
    for obj in scene.objects:
        to_unit = np.linalg.inv(obj.unit_to_world)  # world -> unit-primitive frame (affine)
        lin = to_unit[:3, :3]
        t_obj, n_unit = INTERSECTORS[obj.class_name](o @ lin.T + to_unit[:3, 3], d @ lin.T)
        closer = t_obj < t
        t = np.where(closer, t_obj, t)
        normal[closer] = n_unit[closer] @ lin  # normals transform by the inverse transpose: lin^T n
        albedo[closer] = PALETTE[obj.colour_name]
        instance[closer] = obj.instance_id
        class_id[closer] = obj.class_id
    norm = np.linalg.norm(normal, axis=1, keepdims=True)
    normal = np.divide(normal, norm, out=np.zeros_like(normal), where=norm > 0)
    facing = np.einsum("ni,ni->n", normal, d) > 0
    normal[facing] *= -1  # shade the side the ray sees
    lambert = np.clip(normal @ LIGHT_DIR, 0.0, 1.0)
    shade = np.where(np.isfinite(t), AMBIENT + (1 - AMBIENT) * lambert, 1.0)  # sky is unshaded
    rgb = np.clip(albedo * shade[:, None], 0.0, 1.0)
    return Render(
        rgb=rgb.reshape(*shape, 3).astype(np.float32), depth=t.reshape(shape).astype(np.float32),
        instance=instance.reshape(shape), class_id=class_id.reshape(shape),
    )


def render(scene: Scene, intr: Intrinsics, c2w: np.ndarray) -> Render:
    """One view: rays through every pixel centre of `intr` from the camera pose `c2w` (see cameras.py)."""
    return render_rays(scene, *camera_rays(intr, c2w))


def render_supersampled(scene: Scene, intr: Intrinsics, c2w: np.ndarray, factor: int) -> Render:
    """One view whose pixel colour is the mean over a regular factor x factor grid of rays inside the pixel (a box
    filter: C_pixel = (1 / factor^2) sum_{i, j} C(ray through (x + (i + 1/2) / factor, y + (j + 1/2) / factor))).
    depth, instance and class_id stay those of the pixel-centre ray, as in `render`. factor 1 is `render`."""
    centre = render(scene, intr, c2w)
    if factor == 1:
        return centre
    fine_intr = Intrinsics(intr.width * factor, intr.height * factor, intr.fx * factor, intr.fy * factor,
                           intr.cx * factor, intr.cy * factor)
    fine = render(scene, fine_intr, c2w).rgb.reshape(intr.height, factor, intr.width, factor, 3)
    return Render(rgb=fine.mean(axis=(1, 3)).astype(np.float32), depth=centre.depth, instance=centre.instance,
                  class_id=centre.class_id)
