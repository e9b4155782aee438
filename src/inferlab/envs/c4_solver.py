"""Connect Four on bitboards: positions, a fast win check, alpha-beta negamax and an epsilon-greedy opponent.

Bit layout (the standard 7 x (6 + 1) one, as in Pascal Pons' solver): column c owns bits 7c .. 7c+5, bottom row
first; bit 7c+6 is an always-empty sentinel so that shifts never carry a line from one column into the next.
A position is two ints: `current` (the stones of the player to move) and `mask` (all stones); `current + mask`
is a unique key for the transposition table.

Scores are from the view of the player to move. A win with `k` stones on the board after the winning move scores
`WIN_SCORE + 43 - k` (a faster win scores higher), a loss the negative of that, a draw 0; a depth-limited search
scores unfinished leaves with a threat heuristic whose size stays far below WIN_SCORE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

ROWS, COLS = 6, 7
CELLS = ROWS * COLS
WIN_SCORE = 1000
CENTRE_ORDER = (3, 2, 4, 1, 5, 0, 6)  # move ordering: centre columns first
BOTTOM = tuple(1 << (7 * c) for c in range(COLS))
TOP = tuple(1 << (7 * c + ROWS - 1) for c in range(COLS))
COLUMN = tuple(((1 << ROWS) - 1) << (7 * c) for c in range(COLS))
BOARD = sum(COLUMN)
_CENTRE = COLUMN[3]
_EXACT, _LOWER, _UPPER = 0, 1, 2
_TT_LIMIT = 2_000_000  # entries; the table is cleared when it grows past this


def has_four(stones: int) -> bool:
    """True if `stones` holds four in a row: vertical (shift 1), horizontal (7) or either diagonal (6, 8)."""
    for s in (1, 7, 6, 8):
        m = stones & (stones >> s)
        if m & (m >> (2 * s)):
            return True
    return False


def winning_cells(stones: int, mask: int) -> int:
    """Empty cells (as bits) where `stones` would complete four in a row, playable now or not."""
    r = (stones << 1) & (stones << 2) & (stones << 3)  # vertical: only upwards
    for s in (7, 6, 8):  # horizontal and the two diagonals: the gap may be at any of the four places
        p = (stones << s) & (stones << 2 * s)
        r |= p & (stones << 3 * s)
        r |= p & (stones >> s)
        p = (stones >> s) & (stones >> 2 * s)
        r |= p & (stones << s)
        r |= p & (stones >> 3 * s)
    return r & (BOARD ^ mask)


@dataclass(frozen=True)
class Position:
    """A Connect Four position: `current` = stones of the player to move, `mask` = all stones, `moves` played."""

    current: int = 0
    mask: int = 0
    moves: int = 0

    @classmethod
    def from_moves(cls, columns: Iterable[int]) -> Position:
        """Play the given columns (0-based) from the empty board; raises ValueError on a full column or a win."""
        pos = cls()
        for i, col in enumerate(columns):
            if not pos.can_play(col):
                raise ValueError(f"move {i} (column {col}) is not playable")
            if pos.is_winning_move(col):
                raise ValueError(f"move {i} (column {col}) ends the game; give a position that is still open")
            pos = pos.play(col)
        return pos

    def can_play(self, col: int) -> bool:
        return 0 <= col < COLS and not self.mask & TOP[col]

    def legal_moves(self) -> list[int]:
        """Playable columns in ascending order."""
        return [c for c in range(COLS) if not self.mask & TOP[c]]

    def play(self, col: int) -> Position:
        """The position after the player to move drops a stone in `col` (which must be playable)."""
        return Position(self.current ^ self.mask, self.mask | (self.mask + BOTTOM[col]), self.moves + 1)

    def is_winning_move(self, col: int) -> bool:
        """True if dropping a stone in playable column `col` wins for the player to move."""
        return has_four(self.current | ((self.mask + BOTTOM[col]) & COLUMN[col]))

    @property
    def opponent(self) -> int:
        return self.current ^ self.mask

    def is_full(self) -> bool:
        return self.moves == CELLS

    def planes(self) -> np.ndarray:
        """(2, 6, 7) int8: plane 0 the stones of the player to move, plane 1 the opponent's; row 0 is the top."""
        out = np.zeros((2, ROWS, COLS), dtype=np.int8)
        for plane, stones in enumerate((self.current, self.opponent)):
            for c in range(COLS):
                for r in range(ROWS):
                    if stones >> (7 * c + r) & 1:
                        out[plane, ROWS - 1 - r, c] = 1
        return out


def heuristic(current: int, mask: int) -> int:
    """Threat count difference (x4) plus centre-column stone difference, from the player to move's view."""
    opp = current ^ mask
    threats = winning_cells(current, mask).bit_count() - winning_cells(opp, mask).bit_count()
    return 4 * threats + (current & _CENTRE).bit_count() - (opp & _CENTRE).bit_count()


class Searcher:
    """Alpha-beta negamax with centre-first move ordering and a transposition table kept across searches.

    `depth` counts plies; a depth that reaches the end of the game makes the search exact. `nodes` counts calls.
    """

    def __init__(self) -> None:
        self.table: dict[int, tuple[int, int, int, int]] = {}  # key -> (depth, value, flag, best column)
        self.nodes = 0

    def best_move(self, pos: Position, depth: int) -> tuple[int, int]:
        """(column, score) of the best move for the player to move, searching `depth` >= 1 plies."""
        if len(self.table) > _TT_LIMIT:
            self.table.clear()
        legal = [c for c in CENTRE_ORDER if pos.can_play(c)]
        if not legal:
            raise ValueError("the board is full; there is no move to search")
        for c in legal:
            if pos.is_winning_move(c):
                return c, WIN_SCORE + CELLS - pos.moves
        alpha, beta = -(WIN_SCORE + CELLS + 1), WIN_SCORE + CELLS + 1
        best_col, best = legal[0], alpha
        for c in legal:
            child = pos.play(c)
            val = -self._negamax(child.current, child.mask, child.moves, depth - 1, -beta, -alpha)
            if val > best:
                best_col, best = c, val
                alpha = max(alpha, val)
        return best_col, best

    def _negamax(self, current: int, mask: int, moves: int, depth: int, alpha: int, beta: int) -> int:
        self.nodes += 1
        if moves == CELLS:
            return 0
        legal = [c for c in CENTRE_ORDER if not mask & TOP[c]]
        for c in legal:  # an immediate win ends the search
            if has_four(current | ((mask + BOTTOM[c]) & COLUMN[c])):
                return WIN_SCORE + CELLS - moves
        opp = current ^ mask
        threats = [c for c in legal if has_four(opp | ((mask + BOTTOM[c]) & COLUMN[c]))]
        if len(threats) > 1:  # two immediate threats cannot both be blocked: lost on the next move
            return -(WIN_SCORE + CELLS - moves - 1)
        if threats:
            legal = threats  # the only move that does not lose at once
        if depth <= 0:
            return heuristic(current, mask)
        key = current + mask
        entry = self.table.get(key)
        alpha0 = alpha
        if entry is not None:
            e_depth, e_val, e_flag, e_col = entry
            if e_depth >= depth:
                if e_flag == _EXACT:
                    return e_val
                if e_flag == _LOWER:
                    alpha = max(alpha, e_val)
                else:
                    beta = min(beta, e_val)
                if alpha >= beta:
                    return e_val
            if e_col in legal:  # the previous best move first
                legal = [e_col] + [c for c in legal if c != e_col]
        best, best_col = -(WIN_SCORE + CELLS + 1), legal[0]
        for c in legal:
            val = -self._negamax(opp, mask | (mask + BOTTOM[c]), moves + 1, depth - 1, -beta, -alpha)
            if val > best:
                best, best_col = val, c
                if val > alpha:
                    alpha = val
                    if alpha >= beta:
                        break
        flag = _UPPER if best <= alpha0 else _LOWER if best >= beta else _EXACT
        self.table[key] = (depth, best, flag, best_col)
        return best


def solve(pos: Position, *, max_empty: int = 20, searcher: Searcher | None = None) -> int:
    """Game-theoretic value for the player to move: +1 win, 0 draw, -1 loss, by an exact (full-depth) search.

    Only for endgames: raises ValueError when more than `max_empty` cells are empty, as a full search from an
    early position would not finish in reasonable time in Python.
    """
    empty = CELLS - pos.moves
    if empty > max_empty:
        raise ValueError(f"{empty} empty cells; the exact solver takes positions with at most {max_empty}")
    if empty == 0:
        return 0
    _, score = (searcher or Searcher()).best_move(pos, empty)
    return int(np.sign(score))


class EpsilonOpponent:
    """Plays the search move with probability 1 - eps and a uniformly random legal move with probability eps.

    The search is `depth` plies deep, or exact once at most `exact_empty` cells are empty.
    """

    def __init__(self, *, depth: int = 4, eps: float = 0.0, exact_empty: int = 14) -> None:
        if depth < 1 or not 0.0 <= eps <= 1.0:
            raise ValueError(f"need depth >= 1 and 0 <= eps <= 1, got depth={depth}, eps={eps}")
        self.depth, self.eps, self.exact_empty = depth, eps, exact_empty
        self.searcher = Searcher()

    def act(self, pos: Position, rng: np.random.Generator) -> int:
        """A column for the player to move in `pos` (which must have a legal move)."""
        legal = pos.legal_moves()
        if rng.random() < self.eps:
            return int(legal[rng.integers(len(legal))])
        empty = CELLS - pos.moves
        depth = empty if empty <= self.exact_empty else self.depth
        return self.searcher.best_move(pos, depth)[0]
