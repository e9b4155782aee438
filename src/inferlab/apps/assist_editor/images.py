"""The editor's PNG of a rendered Frame in one view mode, with the selected node outlined.

Depth and panoptic colours are the ones of `methods/assist/images.py` (the batch renderer's PNGs), so the editor
and `inferlab assist render` show the same maps.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from inferlab.methods.assist.images import depth_image, panoptic_image, to_uint8
from inferlab.methods.assist.render import Frame

MODES = ("rgb", "depth", "panoptic")
HIGHLIGHT = np.array([255, 220, 0], dtype=np.uint8)


def outline(mask: np.ndarray) -> np.ndarray:
    """Pixels of `mask` with a 4-neighbour outside it, grown by one pixel (a 2-3 px border)."""
    padded = np.pad(mask, 1)
    inner = padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:] & mask
    edge = mask & ~inner
    grown = np.pad(edge, 1)
    return edge | grown[:-2, 1:-1] | grown[2:, 1:-1] | grown[1:-1, :-2] | grown[1:-1, 2:]


def frame_image(frame: Frame, mode: str, selected: int | None, *, max_depth: float) -> np.ndarray:
    """(H, W, 3) uint8 view of one mode (depth: near bright, black at `max_depth` and for the sky), the selected
    node outlined in yellow."""
    if mode == "rgb":
        image = to_uint8(frame.rgb)
    elif mode == "depth":
        image = to_uint8(depth_image(frame.depth, max_depth))
    else:
        image = to_uint8(panoptic_image(frame.instance))
    if selected is not None:
        image[outline(frame.instance == selected)] = HIGHLIGHT
    return image


def png_bytes(image: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()
