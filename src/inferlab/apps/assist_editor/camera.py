"""The editor's orbit camera: azimuth / elevation / radius around a target point, world +z up."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from inferlab.data.scenes3d import Intrinsics, look_at
from inferlab.errors import UserError

ELEVATION_RANGE = (5.0, 85.0)
RADIUS_RANGE = (1.0, 30.0)


@dataclass(frozen=True)
class OrbitCamera:
    """Eye = target + radius * (cos el cos az, cos el sin az, sin el); angles in degrees, azimuth from +x."""

    azimuth: float = -70.0
    elevation: float = 35.0
    radius: float = 5.0
    target: tuple[float, float, float] = (0.0, 0.0, 0.3)
    fov_x_deg: float = 45.0
    """Radius, target and field of view of the views ASSIST scenes are trained on (methods/assist/data.py)."""

    @classmethod
    def from_meta(cls, meta: dict) -> OrbitCamera:
        """Start from the cameras the scene was trained with (store.camera_meta: fov_deg, radius, target,
        elevation_deg range -> its middle); defaults for missing keys."""
        cam = cls()
        elevations = meta.get("elevation_deg")
        return replace(cam, fov_x_deg=float(meta.get("fov_deg", cam.fov_x_deg)),
                       radius=float(meta.get("radius", cam.radius)),
                       target=tuple(float(v) for v in meta.get("target", cam.target)),
                       elevation=float(np.mean(elevations)) if elevations else cam.elevation)

    def moved(self, *, azimuth: float | None = None, elevation: float | None = None,
              radius: float | None = None) -> OrbitCamera:
        """A new camera with the given absolute values (azimuth wraps; elevation and radius must be in range)."""
        cam = replace(self, azimuth=self.azimuth if azimuth is None else float(azimuth) % 360.0,
                      elevation=self.elevation if elevation is None else float(elevation),
                      radius=self.radius if radius is None else float(radius))
        for name, (lo, hi) in (("elevation", ELEVATION_RANGE), ("radius", RADIUS_RANGE)):
            if not lo <= getattr(cam, name) <= hi:
                raise UserError(f"Camera {name} {getattr(cam, name):g} is out of range; allowed: [{lo:g}, {hi:g}].")
        return cam

    def c2w(self) -> np.ndarray:
        """4x4 camera-to-world pose (OpenGL axes, see data/scenes3d/cameras.py)."""
        az, el = np.radians(self.azimuth), np.radians(self.elevation)
        target = np.asarray(self.target, dtype=np.float64)
        eye = target + self.radius * np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
        return look_at(eye, target)

    def intrinsics(self, width: int, height: int) -> Intrinsics:
        return Intrinsics.from_fov(width, height, self.fov_x_deg)

    def to_json(self) -> dict:
        """Angles plus the view's ground-plane right/forward unit vectors (the page moves objects along them)."""
        c2w = self.c2w()
        right = np.array([c2w[0, 0], c2w[1, 0], 0.0])
        right /= np.linalg.norm(right)
        forward = np.array([-right[1], right[0], 0.0])
        return {"azimuth": self.azimuth, "elevation": self.elevation, "radius": self.radius,
                "right": [round(float(v), 6) for v in right], "forward": [round(float(v), 6) for v in forward]}
