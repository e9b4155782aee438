"""Draw panels as the official renderer does (rendering.py): each entity is drawn on its own layer in inverted grey
(fill 255 - colour, outline 255, width 2 at 160 px), with integer vertices, rotated by its angle with bilinear
interpolation (anti-aliased edges), and laid over the earlier layers (a later entity's non-zero pixels replace what
lies below); Left_Right and Up_Down then get a 1-px black divider at the middle; the panel is 255 minus the layers.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from inferlab.data.raven.grammar import ANGLE_VALUES, COLOR_VALUES, SIZE_VALUES, Configuration
from inferlab.data.raven.problem import Panel

SIDES = {1: 3, 2: 4, 3: 5, 4: 6}  # type level -> polygon sides; level 5 is a circle
OUTLINE_WIDTH = 2
"""Official DEFAULT_WIDTH at IMAGE_SIZE 160; scaled with the panel size."""


def polygon_offsets(radius: float, sides: int) -> list[tuple[int, int]]:
    """Integer vertex offsets from the centre, as the official renderer truncates them: a square is axis-aligned
    with half-side int(radius / sqrt 2); triangle, pentagon and hexagon have a vertex straight up at int(radius)."""
    if sides == 4:
        half = int(radius / 2 * math.sqrt(2))
        return [(-half, -half), (half, -half), (half, half), (-half, half)]
    r = int(radius)
    return [(int(r * math.sin(2 * math.pi * k / sides)), -int(r * math.cos(2 * math.pi * k / sides)))
            for k in range(sides)]


def entity_layer(type_level: int, radius: float, color: int, degrees: float, width: int) -> np.ndarray:
    """One entity centred in a square patch, inverted (0 background, 255 - colour fill, 255 outline), rotated by
    `degrees` counter-clockwise with bilinear interpolation: (P, P) uint8 with P = 2 * half + 1, centre at half."""
    half = int(radius) + width + 2
    patch = Image.new("L", (2 * half + 1, 2 * half + 1), 0)
    draw = ImageDraw.Draw(patch)
    fill = 255 - color
    if type_level == 5:
        r, w = int(radius), width / 2
        if fill:
            draw.ellipse((half - r, half - r, half + r, half + r), fill=fill)
        draw.ellipse((half - r - w, half - r - w, half + r + w, half + r + w), outline=255, width=width)
    else:
        points = [(half + dx, half + dy) for dx, dy in polygon_offsets(radius, SIDES[type_level])]
        if fill:
            draw.polygon(points, fill=fill)
        draw.line(points + points[:1], fill=255, width=width, joint="curve")
    if degrees:
        patch = patch.rotate(degrees, resample=Image.BILINEAR, center=(half, half))
    return np.asarray(patch, dtype=np.uint8)


def divider(structure: str, size: int) -> tuple[slice, slice] | None:
    """The pixels of the official 1-px structure line: column int(size / 2) for Left_Right, that row for Up_Down."""
    mid = int(0.5 * size)
    return {"Left_Right": (slice(None), slice(mid, mid + 1)),
            "Up_Down": (slice(mid, mid + 1), slice(None))}.get(structure)


def render_panel(panel: Panel, config: Configuration, size: int) -> np.ndarray:
    """One panel as a (size, size) uint8 image; components are drawn in order (Out before In, Left before Right)."""
    layers = np.zeros((size, size), np.uint8)
    width = max(1, round(OUTLINE_WIDTH * size / 160))
    for comp, layout in zip(panel, config.layouts):
        for s in comp.slots:
            row, col, h, w = layout.slots[s]
            cx, cy = int(col * size), int(row * size)
            radius = min(h, w) * size / 2 * SIZE_VALUES[comp.size[s]]
            patch = entity_layer(comp.type[s], radius, COLOR_VALUES[comp.color[s]], ANGLE_VALUES[comp.angle[s]],
                                 width)
            half = patch.shape[0] // 2
            top, left = cy - half, cx - half
            t0, l0 = max(top, 0), max(left, 0)
            t1, l1 = min(top + patch.shape[0], size), min(left + patch.shape[1], size)
            part = patch[t0 - top:t1 - top, l0 - left:l1 - left]
            region = layers[t0:t1, l0:l1]
            region[part > 0] = part[part > 0]
    line = divider(config.structure, size)
    if line is not None:
        layers[line] = 255
    return 255 - layers


def render_panels(panels: tuple[Panel, ...], config: Configuration, size: int) -> np.ndarray:
    """Several panels stacked: (len(panels), size, size) uint8."""
    return np.stack([render_panel(p, config, size) for p in panels])
