"""The panel: HALMA's only observation, a 32 x 32 RGB image of 4 x 4 cells of 8 x 8 pixels (ours).

    [goal up/down symbol] [|row offset|] [goal left/right symbol] [|column offset|]
    [                   ] [ up digit   ] [                      ] [                ]
    [ left digit        ] [ agent      ] [ right digit          ] [                ]
    [                   ] [ down digit ] [                      ] [                ]

A direction's digit is the distance to the nearest thing that way, in the colour of what is there: a pawn k holes
away (a jump of 2k goes over it) or the wall (the first hole off the board). The goal's offset is two digits in the
goal colour beside triangles pointing the way; a ring stands where the offset is 0 (nothing to show). Digits are
handwritten instances from scikit-learn's digits: the train style draws from data.digits' train images, the held-out
style from its test images, each glyph drawn anew at every panel; the held-out style also has its own colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from inferlab.envs.halma.rules import Cell, Space

CELL = 8
PANEL = 4 * CELL
DIRECTION_CELLS = ((1, 1), (2, 2), (3, 1), (2, 0))
"""Panel cell (row, col) of the up, right, down, left digits."""
AGENT_CELL = (2, 1)


@dataclass(frozen=True)
class PanelStyle:
    """Colours (RGB 0..255) of a split's panels, and which digit instances it draws."""

    pawn: tuple[int, int, int]
    wall: tuple[int, int, int]
    goal: tuple[int, int, int]
    agent: tuple[int, int, int]
    digit_split: str
    """'train' or 'test': the data.digits split whose instances the glyphs come from."""


STYLES = {
    "train": PanelStyle((255, 200, 40), (70, 120, 255), (60, 220, 90), (255, 255, 255), "train"),
    "held_out": PanelStyle((255, 120, 60), (40, 200, 255), (170, 255, 60), (230, 230, 230), "test"),
}
"""The train style draws every split but perceptual, which draws the held-out one."""


def _mask(rows: list[str]) -> np.ndarray:
    return np.array([[ch == "#" for ch in row] for row in rows], dtype=np.float32)


_TRIANGLE_UP = _mask(["........", "...##...", "..####..", "..####..", ".######.", ".######.", "########", "........"])
SYMBOLS = {
    "up": _TRIANGLE_UP, "down": _TRIANGLE_UP[::-1].copy(), "left": _TRIANGLE_UP.T.copy(),
    "right": _TRIANGLE_UP.T[:, ::-1].copy(),
    "ring": _mask(["..####..", ".#....#.", "#......#", "#......#", "#......#", "#......#", ".#....#.", "..####.."]),
    "agent": _mask(["...##...", "..####..", ".######.", "########", "########", ".######.", "..####..", "...##..."]),
}


@lru_cache(maxsize=2)
def digit_glyphs(digit_split: str) -> tuple[np.ndarray, ...]:
    """For each digit 0..9, its instances of `digit_split` as (M, 8, 8) float32 intensities in [0, 1]."""
    from inferlab.data.digits import load_digits

    data = load_digits(digit_split)
    images = (data.x[:, 0].numpy() + 1.0) / 2.0
    labels = data.y.numpy()
    return tuple(images[labels == d] for d in range(10))


@lru_cache(maxsize=4)
def _coloured(style: PanelStyle) -> dict[str, tuple[tuple[np.ndarray, ...], dict[str, np.ndarray]]]:
    """Role -> the style's glyphs in that role's colour, uint8 (M, 8, 8, 3) per digit, and its symbols (8, 8, 3)."""
    out = {}
    for role in ("pawn", "wall", "goal", "agent"):
        colour = np.asarray(getattr(style, role), dtype=np.float32)
        out[role] = (tuple(np.rint(g[..., None] * colour).astype(np.uint8) for g in digit_glyphs(style.digit_split)),
                     {name: np.rint(mask[..., None] * colour).astype(np.uint8) for name, mask in SYMBOLS.items()})
    return out


def panel_contents(space: Space, cell: Cell) -> dict[tuple[int, int], tuple[str, int | str]]:
    """What each panel cell shows: (role, digit or symbol name), roles pawn / wall / goal / agent."""
    contents: dict[tuple[int, int], tuple[str, int | str]] = {AGENT_CELL: ("agent", "agent")}
    for direction, where in enumerate(DIRECTION_CELLS):
        contents[where] = space.nearest(cell, direction)
    dr, dc = space.goal[0] - cell[0], space.goal[1] - cell[1]
    contents[(0, 0)] = ("goal", "ring" if dr == 0 else "up" if dr < 0 else "down")
    contents[(0, 2)] = ("goal", "ring" if dc == 0 else "left" if dc < 0 else "right")
    if dr:
        contents[(0, 1)] = ("goal", abs(dr))
    if dc:
        contents[(0, 3)] = ("goal", abs(dc))
    return contents


def render_panel(space: Space, cell: Cell, style: PanelStyle, rng: np.random.Generator) -> np.ndarray:
    """(32, 32, 3) uint8 panel of the agent at `cell`; each digit glyph is an instance drawn with `rng`."""
    panel = np.zeros((PANEL, PANEL, 3), dtype=np.uint8)
    coloured, contents = _coloured(style), panel_contents(space, cell)
    draws = iter(rng.random(len(contents)))  # one uniform per cell: which instance of its digit to draw
    for (row, col), (role, what) in contents.items():
        digits, symbols = coloured[role]
        if isinstance(what, str):
            image = symbols[what]
        else:
            if not 0 <= what <= 9:
                raise ValueError(f"panel digit {what} is not one glyph: boards larger than 9 holes do not fit")
            image = digits[what][int(next(draws) * len(digits[what]))]
        panel[row * CELL:(row + 1) * CELL, col * CELL:(col + 1) * CELL] = image
    return panel
