"""ALANS backend math: closed-form operator induction, expectation representations, decode(encode) round trip;
the split generator's guarantees."""

import torch

from inferlab.data.raven.rules import Rule
from inferlab.methods.alans.data import ACCEPT, ATTRS, HELD_OUT, N_VALUES, make_split
from inferlab.methods.alans.model import (ALANS, AlgebraicBackend, expected_rep, induce_and_execute, solve_left,
                                          solve_middle, value_space)


def _rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_least_squares_recovers_a_left_operator_exactly():
    h = _rand(4, 3, 3)
    xs = [_rand(4, 3, 3, seed=i + 1) for i in range(5)]
    found = solve_left(xs, [h @ x for x in xs], reg=0.0)
    assert torch.allclose(found, h, atol=1e-9)


def test_least_squares_recovers_a_middle_operator_exactly():
    h = _rand(4, 3, 3)
    lefts, rights = [_rand(4, 3, 3, seed=i + 1) for i in range(2)], [_rand(4, 3, 3, seed=i + 9) for i in range(2)]
    found = solve_middle(lefts, rights, [a @ h @ b for a, b in zip(lefts, rights)], reg=0.0)
    assert torch.allclose(found, h, atol=1e-8)


def test_progression_is_fit_exactly_by_the_unary_operator_and_predicts_the_answer():
    m = torch.linalg.qr(_rand(3, 3))[0]
    space = value_space(m, torch.eye(3, dtype=torch.float64) + 0.1 * _rand(3, 3, seed=5), 10)
    rows = [(0, 1, 2), (3, 4, 5), (1, 2, 3)]  # Progression +1, answer = value 3
    t = torch.stack([space[v] for row in rows for v in row][:8])[None]  # (1, 8, d, d)
    residual, pred = induce_and_execute(t, reg=1e-9)
    assert residual[0, 0] < 1e-6  # unary fits
    assert torch.allclose(pred[0, 0], space[3], atol=1e-4)
    # arithmetic c = a + b: M^c Z = (M^a Z) H (M^b Z) with H = Z^-1: the binary operator fits too
    arith = [(1, 2, 3), (2, 2, 4), (0, 3, 3)]
    t = torch.stack([space[v] for row in arith for v in row][:8])[None]
    residual, pred = induce_and_execute(t, reg=1e-9)
    assert residual[0, 1] < 1e-6 and torch.allclose(pred[0, 1], space[3], atol=1e-4)


def test_panel_representation_is_the_expectation_under_the_frontend_probabilities():
    space = _rand(6, 3, 3)
    probs = torch.softmax(_rand(2, 8, 6, seed=3), -1)
    rep = expected_rep(probs, space)
    manual = sum(probs[..., k, None, None] * space[k] for k in range(6))
    assert torch.allclose(rep, manual)
    assert torch.allclose(expected_rep(torch.eye(6, dtype=torch.float64), space), space)  # one-hot -> M(k)


def test_decode_inverts_encode_for_every_value():
    back = AlgebraicBackend(d=3)
    for a in ATTRS:
        values = torch.arange(N_VALUES[a])
        assert torch.equal(back.decode(a, back.encode(a, values)), values)


def test_model_scores_eight_candidates():
    out = ALANS(channels=4)(torch.rand(2, 16, 1, 32, 32) * 2 - 1)
    assert out["scores"].shape == (2, 8) and torch.isfinite(out["scores"]).all()


def test_splits_follow_their_definitions():
    train = make_split("train", 20, 32, 7)
    assert train["images"].shape == (20, 16, 32, 32) and train["crop"].tolist() == [8, 0, 16, 16]
    assert make_split("localism", 5, 32, 7)["crop"].tolist() == [8, 16, 16, 16]
    answers = train["attrs"][torch.arange(20), 8 + train["target"]]
    assert answers.shape == (20, 3)
    held = (Rule("Constant", "Number/Position"), Rule(HELD_OUT[0][1], HELD_OUT[0][0], 1),
            Rule("Constant", "Size"), Rule("Constant", "Color"))
    assert not ACCEPT["train"]((held,)) and ACCEPT["systematicity"]((held,))
    step2 = (Rule("Constant", "Number/Position"), Rule("Constant", "Type"), Rule("Progression", "Size", -2),
             Rule("Constant", "Color"))
    assert not ACCEPT["train"]((step2,)) and ACCEPT["productivity"]((step2,))
