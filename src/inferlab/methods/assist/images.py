"""PNG pictures of frames: RGB, depth (near = bright, sky = black) and panoptic maps (a fixed colour per node id)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from inferlab.methods.assist.render import Frame

LABEL_WIDTH, LABEL_HEIGHT = 135, 14
"""Pixels reserved for row labels (left) and column labels (top) in `save_grid`."""


def depth_image(depth: np.ndarray, max_depth: float) -> np.ndarray:
    """(H, W) distances -> (H, W, 3) in [0, 1]: 1 - d / max_depth, clipped; inf (sky) -> 0."""
    d = np.where(np.isfinite(depth), depth, max_depth)
    return np.repeat(np.clip(1.0 - d / max_depth, 0.0, 1.0)[..., None], 3, axis=-1)


def panoptic_image(instance: np.ndarray) -> np.ndarray:
    """(H, W) node ids -> (H, W, 3): background dark grey, every other id its own hue (golden-ratio steps), the
    same colour in every view and scene; negative ids (unlabelled) white."""
    ids = np.asarray(instance)
    hue = (ids * 0.618034) % 1.0
    k = (np.stack([5.0, 3.0, 1.0]) + hue[..., None] * 6.0) % 6.0  # HSV -> RGB with s = 0.75, v = 0.95
    rgb = 0.95 - 0.95 * 0.75 * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)
    rgb[ids == 0] = 0.2
    rgb[ids < 0] = 1.0
    return rgb


def to_uint8(image: np.ndarray) -> np.ndarray:
    return np.round(np.clip(image, 0.0, 1.0) * 255).astype(np.uint8)


def save_frame_pngs(frame: Frame, folder: Path, name: str, max_depth: float) -> list[Path]:
    """folder/{rgb,depth,panoptic}_<name>.png; the panoptic PNG's colours follow `panoptic_image`, and a 16-bit
    instance_<name>.png keeps the raw ids (0 = background)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{kind}_{name}.png" for kind in ("rgb", "depth", "panoptic", "instance")]
    Image.fromarray(to_uint8(frame.rgb)).save(paths[0])
    Image.fromarray(to_uint8(depth_image(frame.depth, max_depth))).save(paths[1])
    Image.fromarray(to_uint8(panoptic_image(frame.instance))).save(paths[2])
    Image.fromarray(frame.instance.astype(np.uint16)).save(paths[3])
    return paths


def save_grid(rows: list[list[np.ndarray]], path: Path, *, row_labels: list[str] = (), col_labels: list[str] = (),
              pad: int = 2) -> Path:
    """Tiles (H, W, 3) in [0, 1], all the same size, as a grid PNG with white padding; optional labels left of the
    rows and above the columns (PIL's built-in font)."""
    h, w = rows[0][0].shape[:2]
    cols = max(len(r) for r in rows)
    left = LABEL_WIDTH if row_labels else 0
    top = LABEL_HEIGHT if col_labels else 0
    grid = np.ones((top + len(rows) * (h + pad) + pad, left + cols * (w + pad) + pad, 3))
    for i, row in enumerate(rows):
        for j, tile in enumerate(row):
            y, x = top + pad + i * (h + pad), left + pad + j * (w + pad)
            grid[y:y + h, x:x + w] = tile
    image = Image.fromarray(to_uint8(grid))
    draw = ImageDraw.Draw(image)
    for i, text in enumerate(row_labels):
        draw.text((4, top + pad + i * (h + pad) + h // 2 - 5), text, fill=(0, 0, 0))
    for j, text in enumerate(col_labels):
        draw.text((left + pad + j * (w + pad) + 4, 2), text, fill=(0, 0, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
