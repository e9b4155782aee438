"""A rendered Frame as a PNG for each view mode, with the selected node outlined."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

MODES = ("rgb", "depth", "panoptic")
HIGHLIGHT = np.array([255, 220, 0], dtype=np.uint8)
BACKGROUND_ID_COLOUR = np.array([40, 40, 40], dtype=np.uint8)


def instance_colours(ids: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 colour per node id: hue stepped by the golden ratio so neighbours differ; id 0 dark grey."""
    hue = (ids * 0.618033988749895) % 1.0
    k = (np.array([5.0, 3.0, 1.0]) + hue[..., None] * 6.0) % 6.0
    rgb = 0.9 - 0.7 * np.clip(np.minimum(k, 4.0 - k), 0.0, 1.0)  # HSV -> RGB with s = 0.78, v = 0.9
    out = (rgb * 255).astype(np.uint8)
    out[ids == 0] = BACKGROUND_ID_COLOUR
    return out


def depth_image(depth: np.ndarray) -> np.ndarray:
    """Grey levels linear in inverse depth (near = bright), spread over the frame's finite range; sky black."""
    finite = np.isfinite(depth) & (depth > 0)
    out = np.zeros(depth.shape, dtype=np.float64)
    if finite.any():
        inv = 1.0 / depth[finite]
        lo, hi = float(inv.min()), float(inv.max())
        out[finite] = 0.15 + 0.85 * (inv - lo) / max(hi - lo, 1e-9)
    return np.repeat((out * 255).round().astype(np.uint8)[..., None], 3, axis=-1)


def outline(mask: np.ndarray) -> np.ndarray:
    """Pixels of `mask` with a 4-neighbour outside it, grown by one pixel (a 2-3 px border)."""
    padded = np.pad(mask, 1)
    inner = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:] & mask
    edge = mask & ~inner
    grown = np.pad(edge, 1)
    return edge | grown[:-2, 1:-1] | grown[2:, 1:-1] | grown[1:-1, :-2] | grown[1:-1, 2:]


def frame_image(rgb: np.ndarray, depth: np.ndarray, instance: np.ndarray, mode: str,
                selected: int | None) -> np.ndarray:
    """(H, W, 3) uint8 view of one mode, selected node outlined in yellow."""
    if mode == "rgb":
        image = (np.clip(rgb, 0.0, 1.0) * 255).round().astype(np.uint8)
    elif mode == "depth":
        image = depth_image(depth)
    else:
        image = instance_colours(instance)
    if selected is not None:
        image = image.copy()
        image[outline(instance == selected)] = HIGHLIGHT
    return image


def png_bytes(image: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()
