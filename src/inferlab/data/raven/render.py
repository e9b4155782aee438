"""Draw panels: black outlines of regular polygons/circles filled with the entity's grey level, on white."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

from inferlab.data.raven.grammar import ANGLE_VALUES, COLOR_VALUES, SIZE_VALUES, Configuration
from inferlab.data.raven.problem import Panel

_SIDES = {1: 3, 2: 4, 3: 5, 4: 6}  # type level -> polygon sides; level 5 is a circle


def _polygon(cx: float, cy: float, radius: float, sides: int, degrees: float) -> list[tuple[float, float]]:
    """Vertices of a regular polygon inscribed in the circle (cx, cy, radius); upright at 0 degrees."""
    base = math.radians(degrees) - math.pi / 2 + (math.pi / sides if sides % 2 == 0 else 0.0)
    return [(cx + radius * math.cos(base + 2 * math.pi * k / sides), cy + radius * math.sin(base + 2 * math.pi * k / sides))
            for k in range(sides)]


def render_panel(panel: Panel, config: Configuration, size: int) -> np.ndarray:
    """One panel as a (size, size) uint8 image; components are drawn in order (Out before In)."""
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    width = max(1, round(2 * size / 160))  # official outline: 2 px at 160 px
    for comp, layout in zip(panel, config.layouts):
        for s in comp.slots:
            row, col, h, w = layout.slots[s]
            cx, cy = col * size, row * size
            radius = min(h, w) * size / 2 * SIZE_VALUES[comp.size[s]]
            fill = COLOR_VALUES[comp.color[s]]
            if comp.type[s] == 5:
                draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=fill, outline=0, width=width)
            else:
                points = _polygon(cx, cy, radius, _SIDES[comp.type[s]], ANGLE_VALUES[comp.angle[s]])
                draw.polygon(points, fill=fill, outline=0, width=width)
    return np.asarray(image, dtype=np.uint8)


def render_panels(panels: tuple[Panel, ...], config: Configuration, size: int) -> np.ndarray:
    """Several panels stacked: (len(panels), size, size) uint8."""
    return np.stack([render_panel(p, config, size) for p in panels])
