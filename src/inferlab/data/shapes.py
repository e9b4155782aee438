"""Procedural coloured shapes: one bright, randomly rotated shape per image on a dark background.

All images are rasterised at once with numpy broadcasting (10k 32x32 images in well under a second).
Each shape fits inside a circle of radius `r` (in pixels) around its centre, and the centre is drawn so
that this circle stays inside the image, so no shape is ever cut off.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from matplotlib.colors import hsv_to_rgb

from inferlab.data.base import TensorDataset
from inferlab.errors import UserError

SHAPE_NAMES = ("circle", "square", "triangle", "cross", "star")


def _circle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return u**2 + v**2 <= 1.0


def _square(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.maximum(np.abs(u), np.abs(v)) <= 2**-0.5  # corners on the unit circle


def _triangle(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Equilateral triangle with vertices (0, 1), (+-sqrt(3)/2, -1/2)."""
    s3 = np.sqrt(3.0)
    return (v >= -0.5) & (s3 * u + v <= 1.0) & (-s3 * u + v <= 1.0)


def _cross(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    au, av = np.abs(u), np.abs(v)
    return ((au <= 0.3) & (av <= 0.95)) | ((av <= 0.3) & (au <= 0.95))


def _star(u: np.ndarray, v: np.ndarray, inner: float = 0.45) -> np.ndarray:
    """Five-pointed star, outer radius 1: fold the angle into one half-spike, then one edge test."""
    sector = 2 * np.pi / 5
    a = np.mod(np.arctan2(v, u), sector)
    a = np.minimum(a, sector - a)  # in [0, pi/5]: 0 = towards a tip, pi/5 = towards an inner corner
    r = np.hypot(u, v)
    px, py = r * np.cos(a), r * np.sin(a)
    dx, dy = inner * np.cos(sector / 2) - 1.0, inner * np.sin(sector / 2)  # edge from tip (1,0) to inner corner
    return dx * py - dy * (px - 1.0) >= 0.0  # same side of the edge as the origin


_MASKS: tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], ...] = (_circle, _square, _triangle, _cross, _star)


def make_shapes(n: int, rng: np.random.Generator, size: int = 32) -> TensorDataset:
    """`n` RGB images (n, 3, size, size) float32 in [-1, 1]; y = index into SHAPE_NAMES.

    Per image: shape class uniform; radius 20-40% of `size`; rotation uniform; colour with random hue,
    saturation 0.6-1, value 0.7-1; background a dark colour with every channel in [0, 0.15].
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise UserError(f"Number of shape images n={n!r} is not allowed; n must be a positive integer.")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 8:
        raise UserError(f"Shape image size={size!r} is not allowed; size must be an integer >= 8 (pixels).")
    labels = rng.integers(0, len(SHAPE_NAMES), size=n)
    radius = rng.uniform(0.2, 0.4, size=n) * size
    cx, cy = rng.uniform(radius, size - radius), rng.uniform(radius, size - radius)
    angle = rng.uniform(0.0, 2 * np.pi, size=n)
    hsv = np.stack([rng.uniform(0, 1, n), rng.uniform(0.6, 1, n), rng.uniform(0.7, 1, n)], axis=1)
    colour = hsv_to_rgb(hsv).astype(np.float32)  # (n, 3)
    background = rng.uniform(0.0, 0.15, size=(n, 3)).astype(np.float32)

    centres = np.arange(size, dtype=np.float32) + 0.5  # pixel centres
    dx = ((centres[None, None, :] - cx[:, None, None]) / radius[:, None, None]).astype(np.float32)  # (n, 1, W)
    dy = ((centres[None, :, None] - cy[:, None, None]) / radius[:, None, None]).astype(np.float32)  # (n, H, 1)
    cos, sin = np.cos(angle, dtype=np.float32)[:, None, None], np.sin(angle, dtype=np.float32)[:, None, None]
    u, v = cos * dx + sin * dy, cos * dy - sin * dx  # (n, H, W) shape-frame coordinates, unit = radius

    mask = np.empty((n, size, size), dtype=bool)
    for k, inside in enumerate(_MASKS):
        sel = labels == k
        mask[sel] = inside(u[sel], v[sel])
    images = np.where(mask[:, None], colour[:, :, None, None], background[:, :, None, None])  # (n, 3, H, W)
    x = torch.from_numpy(images * 2.0 - 1.0)
    return TensorDataset("shapes", x, torch.from_numpy(labels.astype(np.int64)))
