"""Seeded HALMA spaces for each split (ours; see README): a split and a seed give the same list on every machine.

  train        N = 7, every pivot distance the agent can meet from a reachable hole is 1 or 2 (jumps of 2 and 4
               only), goal 1..5 moves away (oracle BFS).
  perceptual   the train split's spaces, drawn with held-out digit instances and colours (panel.py).
  conceptual   N = 7, goal 2..5 moves away, and every shortest way needs a jump over a pawn 3 holes away (a jump
               of 6): with pivots <= 2 only, the goal is further or out of reach.
  algorithmic  N = 9, pivots 1 or 2 only as in train, goal 6..9 moves away: longer chains than any train space.

Each split draws from its own numpy stream (SeedSequence of the seed and the split's index), and every space is
checked solvable by BFS before it is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inferlab.envs.halma.rules import Cell, Space

SPLITS = ("train", "perceptual", "conceptual", "algorithmic")
TRAIN_PIVOTS = frozenset({1, 2})
"""Pivot distances that occur in train (and algorithmic) spaces; 3 and 4 are held out for conceptual."""


@dataclass(frozen=True)
class SplitRule:
    """How one split's spaces are drawn and which ones are kept."""

    size: int
    pawns: tuple[int, int]
    """Fewest and most pawns (inclusive)."""
    moves: tuple[int, int]
    """Fewest and most moves of the oracle's shortest solution (inclusive)."""
    trial_steps: int
    """Step limit of one trial."""
    far_goal: bool
    """Start and goal in opposite quadrants of the board (so the way is long)."""
    held_out_pivot: bool
    """True: keep only spaces whose every shortest solution needs a pivot outside TRAIN_PIVOTS; False: keep only
    spaces where no pivot outside TRAIN_PIVOTS is ever visible from a reachable hole."""


RULES = {
    "train": SplitRule(7, (4, 9), (1, 5), 10, False, False),
    "conceptual": SplitRule(7, (4, 9), (2, 5), 10, False, True),
    "algorithmic": SplitRule(9, (8, 16), (6, 9), 16, True, False),
}
RULES["perceptual"] = RULES["train"]


def _draw(rng: np.random.Generator, rule: SplitRule) -> Space:
    n = rule.size
    cells = rng.permutation(n * n)
    count = int(rng.integers(rule.pawns[0], rule.pawns[1] + 1))
    as_cell: list[Cell] = [(int(i) // n, int(i) % n) for i in cells[: count + 2]]
    if rule.far_goal:  # the goal in the quadrant opposite the start's
        half = n // 2
        corner = (int(rng.integers(2)), int(rng.integers(2)))
        start, goal = ((int(rng.integers(half)) + (n - half) * c for c in corner),
                       (int(rng.integers(half)) + (n - half) * (1 - c) for c in corner))
        as_cell[:2] = [tuple(start), tuple(goal)]
    pawns = set(as_cell[2:]) - set(as_cell[:2])
    if rule.held_out_pivot:  # plant a pivot 3 holes from a hole, with the 5 other holes of the jump empty
        line, offset, vertical = int(rng.integers(n)), int(rng.integers(n - 6)), bool(rng.integers(2))
        segment = [(offset + i, line) if vertical else (line, offset + i) for i in range(7)]
        pawns = ((pawns - set(segment)) | {segment[3]}) - set(as_cell[:2])
    return Space(n, frozenset(pawns), as_cell[0], as_cell[1])


def _keep(space: Space, rule: SplitRule) -> bool:
    path = space.solution()
    if path is None or not rule.moves[0] <= len(path) <= rule.moves[1]:
        return False
    if rule.held_out_pivot:
        restricted = space.solution(max_pivot=max(TRAIN_PIVOTS))
        return restricted is None or len(restricted) > len(path)
    return space.jump_pivots() <= TRAIN_PIVOTS


def generate_split(split: str, seed: int, count: int) -> list[Space]:
    """`count` spaces of `split` from `seed` (perceptual: the train spaces of the same seed)."""
    if split not in SPLITS:
        raise ValueError(f"unknown HALMA split {split!r}; splits are {', '.join(SPLITS)}")
    stream = SPLITS.index("train" if split == "perceptual" else split)
    rng = np.random.default_rng(np.random.SeedSequence([seed, stream]))
    rule, spaces = RULES[split], []
    while len(spaces) < count:
        space = _draw(rng, rule)
        if _keep(space, rule):
            spaces.append(space)
    return spaces
