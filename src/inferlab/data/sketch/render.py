"""Rendering one object instance as a "photo" (filled, coloured, textured, on a cluttered background) and as a
"sketch" (white contour lines on black, as the canvas the sender draws on). Both are drawn at twice the output
size and pooled down: the photo by averaging (anti-aliasing), the sketch by max-pooling its 2-pixel contour.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.colors import hsv_to_rgb
from matplotlib.path import Path

from inferlab.data.sketch.categories import Part


@dataclass(frozen=True)
class Pose:
    """Where an instance sits in the image: scale of the unit disc (fraction of the half side), rotation in
    radians, axis stretches and centre offset (fractions of the half side)."""

    scale: float
    angle: float
    stretch: tuple[float, float]
    offset: tuple[float, float]

    @staticmethod
    def draw(rng: np.random.Generator, max_angle: float) -> "Pose":
        return Pose(float(rng.uniform(0.62, 0.85)), float(rng.uniform(-max_angle, max_angle)),
                    (float(rng.uniform(0.85, 1.15)), float(rng.uniform(0.85, 1.15))),
                    (float(rng.uniform(-0.1, 0.1)), float(rng.uniform(-0.1, 0.1))))


CANONICAL = Pose(0.85, 0.0, (1.0, 1.0), (0.0, 0.0))


def _grid(size: int) -> np.ndarray:
    """(size*size, 2) pixel centres in [-1, 1] coordinates, y pointing up, row-major from the top row."""
    c = (np.arange(size) + 0.5) / size * 2 - 1
    xx, yy = np.meshgrid(c, -c)
    return np.stack([xx.ravel(), yy.ravel()], axis=1)


def shape_mask(parts: list[Part], pose: Pose, size: int) -> np.ndarray:
    """Boolean (size, size) mask of the posed object: added parts united, cut-out parts removed, in order."""
    ca, sa = np.cos(pose.angle), np.sin(pose.angle)
    rot = np.array([[ca, -sa], [sa, ca]])
    grid, mask = _grid(size), np.zeros(size * size, dtype=bool)
    for verts, sign in parts:
        v = (verts * np.asarray(pose.stretch)) @ rot.T * pose.scale + np.asarray(pose.offset)
        inside = Path(v).contains_points(grid)
        mask = mask | inside if sign > 0 else mask & ~inside
    return mask.reshape(size, size)


def _pool(img: np.ndarray, how: str) -> np.ndarray:
    h, w = img.shape[:2]
    blocks = img.reshape(h // 2, 2, w // 2, 2, *img.shape[2:])
    return blocks.mean(axis=(1, 3)) if how == "mean" else blocks.max(axis=(1, 3))


def contour(mask: np.ndarray, thickness: int = 2) -> np.ndarray:
    """Pixels of `mask` within `thickness` 4-neighbour steps of its outside (outer outline and hole edges)."""
    inner = mask.copy()
    for _ in range(thickness):
        p = np.pad(inner, 1, constant_values=False)
        inner = inner & p[:-2, 1:-1] & p[2:, 1:-1] & p[1:-1, :-2] & p[1:-1, 2:]
    return mask & ~inner


def render_sketch(parts: list[Part], pose: Pose, size: int) -> np.ndarray:
    """(size, size) float32 sketch: 1 on the object's contour, 0 elsewhere."""
    return _pool(contour(shape_mask(parts, pose, 2 * size)).astype(np.float32), "max")


def render_photo(parts: list[Part], pose: Pose, size: int, rng: np.random.Generator) -> np.ndarray:
    """(3, size, size) float32 photo in [0, 1]: textured background with clutter blobs, the object filled with a
    random hue, stripes of random frequency and direction, and pixel noise."""
    s2 = 2 * size
    grid = _grid(s2).reshape(s2, s2, 2)
    bg = hsv_to_rgb([rng.uniform(), rng.uniform(0.1, 0.5), rng.uniform(0.15, 0.55)])
    img = np.broadcast_to(bg, (s2, s2, 3)).copy()
    for _ in range(int(rng.integers(2, 5))):  # clutter: soft-coloured ellipses
        centre, radii = rng.uniform(-1, 1, 2), rng.uniform(0.08, 0.3, 2)
        blob = (((grid - centre) / radii) ** 2).sum(-1) <= 1
        img[blob] = 0.6 * img[blob] + 0.4 * hsv_to_rgb([rng.uniform(), rng.uniform(0.2, 0.6), rng.uniform(0.2, 0.8)])
    mask = shape_mask(parts, pose, s2)
    colour = hsv_to_rgb([rng.uniform(), rng.uniform(0.5, 1.0), rng.uniform(0.65, 1.0)])
    direction, freq = rng.uniform(0, np.pi), rng.uniform(4, 14)
    stripes = 0.5 + 0.5 * np.sin(freq * (grid[..., 0] * np.cos(direction) + grid[..., 1] * np.sin(direction)))
    texture = colour * (1 - rng.uniform(0.1, 0.35) * stripes[..., None])
    img[mask] = texture[mask]
    img = img + rng.normal(0, 0.03, img.shape)
    return np.clip(_pool(img, "mean"), 0, 1).transpose(2, 0, 1).astype(np.float32)
