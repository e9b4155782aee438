"""Pinhole cameras, look-at poses, camera rings/paths, per-pixel world rays and projection.

Convention (the one of nerfstudio / instant-ngp `transforms.json`, i.e. OpenGL/Blender): a pose is a 4x4
camera-to-world matrix whose columns are the camera's x (right), y (up) and z (backwards) axes in world
coordinates, then its centre; the camera looks along its -z axis. Pixel (u, v) has u to the right and v down,
with pixel centres at integer + 0.5, so the camera-frame direction through it is
((u + 0.5 - cx) / fx, -(v + 0.5 - cy) / fy, -1). World up is +z.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inferlab.errors import UserError


@dataclass(frozen=True)
class Intrinsics:
    """Pinhole intrinsics in pixels: image size (width, height), focal lengths, principal point."""

    width: int
    height: int
    fx: float
    fy: float
    cx: float
    cy: float

    @classmethod
    def from_fov(cls, width: int, height: int, fov_x_deg: float) -> Intrinsics:
        """Square pixels, horizontal field of view `fov_x_deg`, principal point at the image centre."""
        if not 0 < fov_x_deg < 180:
            raise UserError(f"Horizontal field of view must be in (0, 180) degrees, got {fov_x_deg}.")
        f = 0.5 * width / np.tan(0.5 * np.radians(fov_x_deg))
        return cls(width, height, float(f), float(f), width / 2.0, height / 2.0)

    @property
    def camera_angle_x(self) -> float:
        """Horizontal field of view in radians (the `transforms.json` key of the same name)."""
        return float(2.0 * np.arctan(0.5 * self.width / self.fx))


def look_at(eye: np.ndarray, target: np.ndarray, up: np.ndarray = np.array([0.0, 0.0, 1.0])) -> np.ndarray:
    """Camera-to-world 4x4 for a camera at `eye` looking at `target` (OpenGL axes: looks along its -z)."""
    eye, target = np.asarray(eye, dtype=np.float64), np.asarray(target, dtype=np.float64)
    back = eye - target
    back /= np.linalg.norm(back)
    right = np.cross(up, back)
    if np.linalg.norm(right) < 1e-8:
        raise UserError(f"look_at: viewing direction from {eye} to {target} is parallel to up {up}; move the eye.")
    right /= np.linalg.norm(right)
    cam_up = np.cross(back, right)
    c2w = np.eye(4)
    c2w[:3, 0], c2w[:3, 1], c2w[:3, 2], c2w[:3, 3] = right, cam_up, back, eye
    return c2w


def ring_poses(n: int, *, radius: float = 6.0, height: float = 3.0, target: tuple[float, float, float] = (0, 0, 0.3),
               phase: float = 0.0) -> np.ndarray:
    """(n, 4, 4) poses on a horizontal circle of `radius` at `height`, evenly spaced from azimuth `phase`
    (radians, counter-clockwise from +x), all looking at `target`; in order, so it is also a camera path."""
    az = phase + 2 * np.pi * np.arange(n) / n
    eyes = np.stack([radius * np.cos(az), radius * np.sin(az), np.full(n, height)], axis=1)
    return np.stack([look_at(e, np.array(target, dtype=np.float64)) for e in eyes])


def hemisphere_poses(rng: np.random.Generator, n: int, *, radius: float = 6.0,
                     elevation_deg: tuple[float, float] = (15.0, 60.0),
                     target: tuple[float, float, float] = (0, 0, 0.3)) -> np.ndarray:
    """(n, 4, 4) poses at distance `radius` from `target`, azimuth uniform, elevation uniform in the range."""
    az = rng.uniform(0, 2 * np.pi, n)
    el = np.radians(rng.uniform(*elevation_deg, n))
    t = np.array(target, dtype=np.float64)
    eyes = t + radius * np.stack([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)], axis=1)
    return np.stack([look_at(e, t) for e in eyes])


def camera_rays(intr: Intrinsics, c2w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World-space ray origins and unit directions, each (H, W, 3), one ray per pixel centre."""
    v, u = np.meshgrid(np.arange(intr.height) + 0.5, np.arange(intr.width) + 0.5, indexing="ij")
    dirs_cam = np.stack([(u - intr.cx) / intr.fx, -(v - intr.cy) / intr.fy, -np.ones_like(u)], axis=-1)
    dirs = dirs_cam @ c2w[:3, :3].T  # (H, W, 3)
    dirs /= np.linalg.norm(dirs, axis=-1, keepdims=True)
    return np.broadcast_to(c2w[:3, 3], dirs.shape).copy(), dirs


def project(points: np.ndarray, intr: Intrinsics, c2w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World points (N, 3) -> pixel coordinates (N, 2) as continuous (u, v) and z-depth (N,) (> 0 in front)."""
    w2c = np.linalg.inv(c2w)
    p = points @ w2c[:3, :3].T + w2c[:3, 3]
    z = -p[:, 2]
    uv = np.stack([intr.fx * p[:, 0] / z + intr.cx, -intr.fy * p[:, 1] / z + intr.cy], axis=1)
    return uv, z
