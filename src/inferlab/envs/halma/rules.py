"""HALMA's rules on the true state (ours where the paper is silent; see envs/halma/README.md).

A space is an N x N board of holes; some hold pawns; the agent stands in a hole. A move is a direction (4) and an
option: up to 3 primitives from {EOS, +1, +2, x2}; everything after the first EOS is EOS. The option is arithmetic
on a counter that starts at 0 and evaluates to a distance d. The move goes d holes in the direction and is valid
only as a Super Halma move: d = 1 into an empty hole, or d = 2k over exactly one pawn k holes away (the holes
between agent and pawn and between pawn and landing empty, the landing hole empty and on the board). An invalid move
leaves the agent where it was.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import product

import numpy as np

DIRECTIONS = ((-1, 0), (0, 1), (1, 0), (0, -1))
"""Row, column steps of the 4 directions: up, right, down, left (action index 0..3)."""
DIRECTION_NAMES = ("up", "right", "down", "left")
EOS, PLUS1, PLUS2, TIMES2 = 0, 1, 2, 3
PRIMITIVE_NAMES = ("EOS", "+1", "+2", "x2")
OPTION_SLOTS = 3

Cell = tuple[int, int]


def normalise_option(primitives: tuple[int, ...]) -> tuple[int, ...]:
    """The option with every slot after the first EOS set to EOS (the action space's normal form)."""
    out, ended = [], False
    for p in primitives:
        ended = ended or p == EOS
        out.append(EOS if ended else int(p))
    return tuple(out)


def option_value(primitives: tuple[int, ...]) -> int:
    """The distance d an option evaluates to: a counter from 0, +1 / +2 / x2 in order, stopped at the first EOS."""
    d = 0
    for p in primitives:
        if p == EOS:
            break
        d = d + 1 if p == PLUS1 else d + 2 if p == PLUS2 else d * 2
    return d


def option_text(primitives: tuple[int, ...]) -> str:
    """e.g. '+1 +2 x2' (EOS slots dropped; 'EOS' for an option that starts with it)."""
    words = [PRIMITIVE_NAMES[p] for p in normalise_option(primitives) if p != EOS]
    return " ".join(words) or "EOS"


ALL_OPTIONS = sorted({normalise_option(o) for o in product(range(4), repeat=OPTION_SLOTS)})
"""The distinct options in normal form (40 of them)."""
OPTION_FOR_DISTANCE = {}
for _o in sorted(ALL_OPTIONS, key=lambda o: (sum(p != EOS for p in o), o)):
    OPTION_FOR_DISTANCE.setdefault(option_value(_o), _o)
REACHABLE_DISTANCES = sorted(d for d in OPTION_FOR_DISTANCE if d > 0)
"""Distances some option makes: 1..6 and 8."""


@dataclass(frozen=True)
class Space:
    """One HALMA space: board size, pawn holes, start hole, goal hole (the goal camp is one hole, ours)."""

    size: int
    pawns: frozenset[Cell]
    start: Cell
    goal: Cell

    def on_board(self, cell: Cell) -> bool:
        return 0 <= cell[0] < self.size and 0 <= cell[1] < self.size

    def empty(self, cell: Cell) -> bool:
        return self.on_board(cell) and cell not in self.pawns

    def landing(self, cell: Cell, direction: int, distance: int) -> Cell | None:
        """Where a move of `distance` holes in `direction` from `cell` lands, or None if it is not a valid Super
        Halma move (see the module docstring)."""
        dr, dc = DIRECTIONS[direction]
        along = [(cell[0] + i * dr, cell[1] + i * dc) for i in range(1, distance + 1)]
        if distance == 1:
            return along[0] if self.empty(along[0]) else None
        if distance < 2 or distance % 2:
            return None
        k = distance // 2
        pivot_ok = self.on_board(along[k - 1]) and along[k - 1] in self.pawns
        clear = all(self.empty(c) for i, c in enumerate(along) if i != k - 1)
        return along[-1] if pivot_ok and clear else None

    def nearest(self, cell: Cell, direction: int) -> tuple[str, int]:
        """('pawn', k) for the nearest pawn k holes away in `direction`, else ('wall', w): the first hole off the
        board is w holes away (w = 1 at the edge)."""
        dr, dc = DIRECTIONS[direction]
        for i in range(1, 2 * self.size):
            c = (cell[0] + i * dr, cell[1] + i * dc)
            if not self.on_board(c):
                return "wall", i
            if c in self.pawns:
                return "pawn", i
        raise AssertionError("unreachable: every ray leaves the board")

    def moves(self, cell: Cell, max_pivot: int | None = None) -> list[tuple[int, int, Cell]]:
        """Every valid (direction, distance, landing) from `cell` (the same moves `landing` allows, found in one
        walk per direction); `max_pivot` limits jumps to pivots <= it."""
        out, longest = [], max(REACHABLE_DISTANCES) // 2 if max_pivot is None else max_pivot
        for direction, (dr, dc) in enumerate(DIRECTIONS):
            kind, k = self.nearest(cell, direction)
            if k > 1:
                out.append((direction, 1, (cell[0] + dr, cell[1] + dc)))
            if kind == "pawn" and k <= longest and all(self.empty((cell[0] + i * dr, cell[1] + i * dc))
                                                       for i in range(k + 1, 2 * k + 1)):
                out.append((direction, 2 * k, (cell[0] + 2 * k * dr, cell[1] + 2 * k * dc)))
        return out

    def solution(self, max_pivot: int | None = None, start: Cell | None = None) -> list[tuple[int, int]] | None:
        """A shortest list of (direction, distance) moves from `start` (default: the space's) to the goal by BFS,
        or None if there is none."""
        start = self.start if start is None else start
        parent: dict[Cell, tuple[Cell, int, int] | None] = {start: None}
        queue = deque([start])
        while queue:
            cell = queue.popleft()
            if cell == self.goal:
                path = []
                while parent[cell] is not None:
                    prev, direction, d = parent[cell]
                    path.append((direction, d))
                    cell = prev
                return path[::-1]
            for direction, d, land in self.moves(cell, max_pivot):
                if land not in parent:
                    parent[land] = (cell, direction, d)
                    queue.append(land)
        return None

    def reachable(self) -> set[Cell]:
        """Every hole the agent can reach from the start."""
        seen, queue = {self.start}, deque([self.start])
        while queue:
            for _, _, land in self.moves(queue.popleft()):
                if land not in seen:
                    seen.add(land)
                    queue.append(land)
        return seen

    def jump_pivots(self) -> set[int]:
        """Every pivot distance k of a jump the agent can make (a valid move of 2k) from a hole it can reach."""
        return {d // 2 for cell in self.reachable() for _, d, _ in self.moves(cell) if d > 1}

    def to_json(self) -> dict:
        return {"size": self.size, "pawns": sorted(list(p) for p in self.pawns), "start": list(self.start),
                "goal": list(self.goal)}

    @staticmethod
    def from_json(obj: dict) -> "Space":
        return Space(int(obj["size"]), frozenset(tuple(p) for p in obj["pawns"]), tuple(obj["start"]),
                     tuple(obj["goal"]))


def space_digest(spaces: list[Space]) -> str:
    """A machine-independent fingerprint of a list of spaces (sha256 of their canonical JSON)."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps([s.to_json() for s in spaces], sort_keys=True).encode()).hexdigest()


def pawn_mask(space: Space) -> np.ndarray:
    """(N, N) bool: which holes hold a pawn (for figures and the play page)."""
    mask = np.zeros((space.size, space.size), dtype=bool)
    for r, c in space.pawns:
        mask[r, c] = True
    return mask
