"""ALANS backend math: closed-form operator induction, expectation representations, decode(encode) round trip,
the scene inference of the multi-object frontend, Number/Position operators on synthetic matrices."""

import itertools

import pytest
import torch

from inferlab.methods.alans.backend import (IntegerBackend, PositionBackend, expected_rep, induce_and_execute,
                                            solve_left, solve_middle, value_space)
from inferlab.methods.alans.data import ATTRS, N_VALUES
from inferlab.methods.alans.model import ALANS
from inferlab.methods.alans.perception import number_probs, shared_value_probs
from inferlab.methods.alans.scoring import ANSWER_OBJECTIVES


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
    for shared in (False, True):
        back = IntegerBackend(("Number", *ATTRS), d=3, shared=shared)
        for a in ("Number", *ATTRS):
            values = torch.arange(N_VALUES[a])
            assert torch.equal(back.decode(a, back.encode(a, values)), values)
    assert torch.equal(back.space("Type"), back.space("Color")[:N_VALUES["Type"]])  # shared: the first K powers


def test_scene_inference_matches_enumerating_occupied_sets():
    exist = torch.rand(3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    probs = torch.softmax(_rand(3, 4, 5, seed=1), -1)
    shared, counts = torch.zeros(3, 5, dtype=torch.float64), torch.zeros(3, 9, dtype=torch.float64)
    for bits in itertools.product((0, 1), repeat=4):
        occ = torch.tensor(bits, dtype=torch.bool)
        if not occ.any():
            continue
        p_set = torch.where(occ, exist, 1 - exist).prod(-1)
        shared += p_set[:, None] * probs[:, occ].prod(1)
        counts[:, occ.sum() - 1] += p_set
    nonempty = 1 - (1 - exist).prod(-1, keepdim=True)
    assert torch.allclose(shared_value_probs(exist, probs), shared / nonempty)
    assert torch.allclose(number_probs(exist, 9), counts / nonempty)


def _slot_probs(sets: list[set], n: int) -> torch.Tensor:
    """Occupied slot sets -> one-hot per-slot exist distributions (1, len(sets), n, 2)."""
    e = torch.tensor([[float(s in occ) for s in range(n)] for occ in sets])
    return torch.stack([1 - e, e], -1)[None]


def test_position_operators_recover_a_progression_of_the_occupied_set():
    """Position Progression +1 on a 2x2 grid: the slot-wise unary operator fits exactly and predicts the answer."""
    back = PositionBackend(d=3, reg=1e-6)
    rows = [[{0}, {1}, {2}], [{0, 2}, {1, 3}, {2, 0}], [{1, 2}, {2, 3}]]  # answer {3, 0}
    out = back(_slot_probs([s for row in rows for s in row], 4))
    assert out["op_probs"][0].argmax() == 0  # unary
    assert out["slot_probs"][0, :, 1].round().tolist() == [1.0, 0.0, 0.0, 1.0]


def test_number_operators_recover_a_progression_of_counts():
    """Number Progression +1 (1, 2, 3 | 2, 3, 4 | 1, 2, ?): the unary operator on M^k Z fits and predicts 3."""
    back = IntegerBackend(("Number",), d=3, reg=1e-6)
    counts = [1, 2, 3, 2, 3, 4, 1, 2]
    probs = torch.nn.functional.one_hot(torch.tensor(counts) - 1, 9).float()[None]
    out = back("Number", probs)
    assert out["op_probs"][0].argmax() == 0 and out["value_probs"][0].argmax() == 2
    assert back.decode("Number", out["pred"])[0] == 2


@pytest.mark.parametrize("answer", ANSWER_OBJECTIVES)
def test_component_scores_the_answer_of_a_number_progression_and_selects_the_number_branch(answer):
    model = ALANS(channels=4, answer=answer)
    model.position.reg = model.ints.reg = 1e-6
    sets = [{0}, {1, 3}, {0, 2, 3}, {2}, {0, 3}, {0, 1, 2}, {3}, {1, 2}]  # counts 1,2,3 per row, random positions
    candidates = [{0, 1, 3}, {1}, {0, 1}, {0, 1, 2, 3}, {2}, {1, 3}, {0, 2}, {3}]  # only candidate 0 has 3 entities
    exist = _slot_probs(sets + candidates, 4)[..., 1]  # (1, 16, 4)
    values = {a: torch.nn.functional.one_hot(torch.full((1, 16, 4), 2), N_VALUES[a]).float() for a in ATTRS}
    out = model.component(exist, values)
    assert out["score"].argmax() == 0
    assert out["select"][0, 1] > out["select"][0, 0]  # Number fits better than Position
    decoded = model.decode({"components": [out]})[0]
    assert not decoded["by_position"][0] and decoded["slots"][0].sum() == 3


def test_model_scores_eight_candidates_for_several_components():
    out = ALANS(channels=4)(torch.rand(2, 16, 5, 1, 16, 16) * 2 - 1, (4, 1))
    assert out["scores"].shape == (2, 8) and torch.isfinite(out["scores"]).all()
    assert "select" in out["components"][0] and "select" not in out["components"][1]
