"""Procedural Textured Multi-dSprites-style images: a textured background and 1..K textured sprites of several
shape classes, with the exact union-of-sprites foreground mask. One shape class can be held out of training
to test foreground extraction on an unseen category."""

from __future__ import annotations

import numpy as np

from inferlab.data.foreground.base import ForegroundData, from_arrays, held_out_splits
from inferlab.errors import UserError

SHAPES = ("square", "circle", "triangle", "diamond", "star", "cross")


def shape_mask(shape: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Boolean mask of `shape` of unit radius on coordinates (u, v) centred on the sprite (rotated already)."""
    if shape == "square":
        return (np.abs(u) <= 0.8) & (np.abs(v) <= 0.8)
    if shape == "circle":
        return u**2 + v**2 <= 1.0
    if shape == "triangle":
        return (v <= 0.8) & (v >= 1.6 * np.abs(u) - 0.9)
    if shape == "diamond":
        return np.abs(u) + np.abs(v) <= 1.0
    if shape == "star":
        angle, radius = np.arctan2(v, u), np.hypot(u, v)
        return radius <= 0.55 + 0.45 * np.cos(5 * angle) ** 2
    if shape == "cross":
        return ((np.abs(u) <= 0.33) & (np.abs(v) <= 1.0)) | ((np.abs(v) <= 0.33) & (np.abs(u) <= 1.0))
    raise UserError(f"Unknown sprite shape {shape!r}; shapes: {', '.join(SHAPES)}.")


MIN_PERIOD_PX = 6
"""Shortest texture period in pixels: finer patterns alias into noise, so small images get coarser textures."""
MIN_SPRITE_RADIUS_PX = 3.0
"""Smallest sprite radius in pixels, so that a sprite keeps its shape at small image sizes."""


def texture(rng: np.random.Generator, size: int) -> np.ndarray:
    """A (size, size, 3) texture in [0, 1]: two random colours mixed by stripes, checks or smooth noise. Frequencies
    are per image (stripes 3-8 cycles, checks 3-7 cells, noise waves up to 5 cycles) and capped so that no period
    is shorter than MIN_PERIOD_PX pixels: the caps only bind below 48 px."""
    y, x = np.mgrid[0:size, 0:size] / size
    max_cycles = size / MIN_PERIOD_PX
    kind = rng.integers(3)
    if kind == 0:  # stripes at a random angle and frequency
        top = min(8.0, max_cycles)
        theta, freq = rng.uniform(0, np.pi), rng.uniform(min(3.0, top / 2), top)
        mix = 0.5 + 0.5 * np.sin(2 * np.pi * freq * (x * np.cos(theta) + y * np.sin(theta)))
    elif kind == 1:  # checks (a period is two cells)
        cells = rng.integers(min(3, int(2 * max_cycles)), min(7, int(2 * max_cycles)) + 1)
        mix = ((np.floor(x * cells) + np.floor(y * cells)) % 2).astype(np.float64)
    else:  # smooth noise: a sum of a few random plane waves
        top = min(5.0, max_cycles / 2)
        mix = np.zeros((size, size))
        for _ in range(4):
            fx, fy, phase = rng.uniform(-top, top), rng.uniform(-top, top), rng.uniform(0, 2 * np.pi)
            mix += np.sin(2 * np.pi * (fx * x + fy * y) + phase)
        mix = (mix - mix.min()) / (mix.max() - mix.min() + 1e-8)
    a, b = rng.uniform(0, 1, 3), rng.uniform(0, 1, 3)
    return mix[..., None] * a + (1 - mix[..., None]) * b


def render_image(rng: np.random.Generator, size: int, shapes: tuple[str, ...], max_objects: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """One (size, size, 3) image in [0, 1] and its (size, size) boolean foreground mask."""
    image = texture(rng, size)
    mask = np.zeros((size, size), dtype=bool)
    y, x = (np.mgrid[0:size, 0:size] + 0.5) / size
    low = max(0.12, MIN_SPRITE_RADIUS_PX / size)  # radius as a fraction of the side: 0.12-0.25 from 25 px up
    for _ in range(rng.integers(1, max_objects + 1)):
        shape = shapes[rng.integers(len(shapes))]
        radius, angle = rng.uniform(low, max(0.25, low + 0.1)), rng.uniform(0, 2 * np.pi)
        cx, cy = rng.uniform(radius, 1 - radius, 2)
        du, dv = (x - cx) / radius, (y - cy) / radius
        u, v = du * np.cos(angle) + dv * np.sin(angle), -du * np.sin(angle) + dv * np.cos(angle)
        sprite = shape_mask(shape, u, v)
        image[sprite] = texture(rng, size)[sprite]
        mask |= sprite
    return image, mask


def textured_sprites(n: int, size: int, rng: np.random.Generator, shapes: tuple[str, ...] = SHAPES,
                     max_objects: int = 4, name: str = "textured") -> ForegroundData:
    """n images whose sprites are drawn from `shapes`, with exact masks."""
    images, masks = zip(*(render_image(rng, size, shapes, max_objects) for _ in range(n)))
    return from_arrays(name, images, masks)


def textured_splits(*, n_train: int, n_test: int, n_unseen: int, size: int, seed: int, held_out: str,
                    max_objects: int) -> dict[str, ForegroundData]:
    """train / test (seen shapes, disjoint images) / unseen (held-out shape only), each from its own seeded stream."""
    return held_out_splits(lambda n, rng, shapes, name: textured_sprites(n, size, rng, shapes, max_objects, name),
                           SHAPES, held_out, name="textured", n_train=n_train, n_test=n_test, n_unseen=n_unseen,
                           seed=seed, salt=16)
