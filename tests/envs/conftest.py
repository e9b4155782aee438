"""Seeded Connect Four positions for the solver and env tests."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from inferlab.envs.c4_solver import CELLS, Position


def _endgames(n_empty: int, count: int, seed: int) -> list[Position]:
    """Quiet positions with `n_empty` empty cells: seeded random play that never gives either side a win in one."""
    rng, found = np.random.default_rng(seed), []
    while len(found) < count:
        pos = Position()
        while pos.moves < CELLS - n_empty:
            quiet = [c for c in pos.legal_moves() if not pos.is_winning_move(c)
                     and not any(map(pos.play(c).is_winning_move, pos.play(c).legal_moves()))]
            if not quiet:
                break
            pos = pos.play(int(rng.choice(quiet)))
        if pos.moves == CELLS - n_empty:
            found.append(pos)
    return found


@pytest.fixture
def endgames() -> Callable[[int, int, int], list[Position]]:
    return _endgames
