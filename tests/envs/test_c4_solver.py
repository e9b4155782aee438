import numpy as np
import pytest

from inferlab.envs.c4_solver import (
    CELLS, WIN_SCORE, EpsilonOpponent, Position, Searcher, has_four, solve, winning_cells,
)


def _brute_force(pos: Position) -> int:
    """Game value for the player to move by plain minimax over every continuation (no pruning, no table)."""
    if pos.is_full():
        return 0
    best = -1
    for c in pos.legal_moves():
        if pos.is_winning_move(c):
            return 1
        best = max(best, -_brute_force(pos.play(c)))
    return best


def test_bit_layout_and_win_check():
    assert has_four(0b1111)  # column 0, four stacked
    assert not has_four(0b111 | 1 << 4)  # gap
    assert has_four(sum(1 << (7 * c) for c in range(4)))  # bottom row, columns 0..3
    assert has_four(sum(1 << (8 * c) for c in range(4)))  # rising diagonal
    assert not has_four(1 << 5 | 1 << 7 | 1 << 14 | 1 << 21)  # would wrap through the sentinel row
    pos = Position.from_moves([0, 6, 0, 6, 0])  # three in column 0 for the first player
    assert winning_cells(pos.opponent, pos.mask) == 1 << 3


def test_planes_are_from_the_mover_view_top_row_first():
    pos = Position.from_moves([3, 3, 4])
    planes = pos.planes()
    assert planes.shape == (2, 6, 7) and planes.dtype == np.int8
    assert planes[1, 5, 3] == 1 and planes[1, 5, 4] == 1  # the first player (not to move) on the bottom row
    assert planes[0, 4, 3] == 1 and planes[0].sum() == 1


def test_immediate_win_is_taken():
    pos = Position.from_moves([0, 1, 0, 1, 0, 2])  # the first player has three in column 0
    col, score = Searcher().best_move(pos, 3)
    assert col == 0 and score == WIN_SCORE + CELLS - pos.moves


def test_must_block():
    pos = Position.from_moves([0, 6, 1, 6, 2])  # the first player threatens column 3 on the bottom row
    for depth in (1, 2, 4):
        assert Searcher().best_move(pos, depth)[0] == 3


def test_sees_a_double_threat_win():
    pos = Position.from_moves([2, 2, 3, 3])  # the first player: 2 and 3 on the bottom; playing 4 makes two threats
    col, score = Searcher().best_move(pos, 5)
    assert col in (1, 4) and score > WIN_SCORE


@pytest.mark.parametrize("seed", [0, 1])
def test_exact_solver_matches_brute_force_on_endgames(endgames, seed):
    values = []
    searcher = Searcher()
    for pos in endgames(8, 25, seed):
        value = solve(pos, searcher=searcher)
        assert value == _brute_force(pos)
        values.append(value)
    assert len(set(values)) >= 2  # the sample covers more than one outcome


def test_won_lost_drawn_endgames_all_occur_and_agree(endgames):
    seen = {}
    for pos in endgames(6, 60, 7):
        seen.setdefault(_brute_force(pos), pos)
    assert set(seen) == {-1, 0, 1}
    for value, pos in seen.items():
        assert solve(pos) == value


def test_solver_refuses_early_positions():
    with pytest.raises(ValueError, match="empty cells"):
        solve(Position())


def test_table_reused_after_depth_limited_searches_stays_exact(endgames):
    searcher = Searcher()
    for pos in endgames(10, 4, 5):
        for depth in (2, 3, 5):
            searcher.best_move(pos, depth)
        assert solve(pos, searcher=searcher) == _brute_force(pos)


def test_epsilon_opponent_is_deterministic_under_a_seed_and_legal():
    pos = Position.from_moves([3, 3, 3, 3, 3, 3])  # column 3 full
    moves = []
    for _ in range(2):
        opp, rng = EpsilonOpponent(depth=2, eps=0.5), np.random.default_rng(11)
        moves.append([opp.act(pos, rng) for _ in range(30)])
    assert moves[0] == moves[1]
    assert 3 not in moves[0] and len(set(moves[0])) > 1
    greedy = EpsilonOpponent(depth=2, eps=0.0)
    assert len({greedy.act(pos, np.random.default_rng(s)) for s in range(5)}) == 1  # eps=0: no randomness
