"""RAVEN generator: every rule holds on every row, the answer is the only consistent candidate, I-RAVEN answer
sets defeat a context-blind vote, grammar constraints are met."""

from __future__ import annotations

import numpy as np
import pytest

from inferlab.data.raven import CONFIG_NAMES, CONFIGURATIONS, Rule, generate_problem
from inferlab.data.raven.io import problem_arrays

N_PER_CONFIG = 40

# ---- an independent reading of the ground truth, written from the rule definitions (rules.py docstring)

ATTR_COLUMN = {"Type": 0, "Size": 1, "Color": 2}


def _distribute(rows: list[list]) -> bool:
    """Three rows, each a permutation of one set of three distinct values, no value twice in a column."""
    first = set(map(repr, rows[0]))
    return (len(first) == 3 and all(set(map(repr, r)) == first for r in rows)
            and all(len({repr(r[c]) for r in rows}) == 3 for c in range(3)))


def _integer(rule: Rule, row: list[int]) -> bool:
    a, b, c = row
    if rule.name == "Constant":
        return a == b == c
    if rule.name == "Progression":
        return b - a == c - b == rule.value
    sign = 1 if rule.value > 0 else -1
    if rule.attr == "Size":
        return c == a + sign * (b + 1)
    return c == a + sign * b and (rule.attr != "Color" or b >= 1)


def _layout_ok(rule: Rule, rows: list[list[frozenset]], n_slots: int) -> bool:
    if rule.name == "Distribute_Three":
        key = (lambda s: len(s)) if rule.attr == "Number" else (lambda s: tuple(sorted(s)))
        return _distribute([[key(s) for s in row] for row in rows])
    for a, b, c in rows:
        if rule.name == "Constant" and not a == b == c:
            return False
        if rule.attr == "Number" and not _integer(rule, [len(a), len(b), len(c)]):
            return False
        if rule.attr == "Position" and rule.name == "Progression":
            shift = lambda s: frozenset((x + rule.value) % n_slots for x in s)  # noqa: E731
            if not (b == shift(a) and c == shift(b)):
                return False
        if rule.attr == "Position" and rule.name == "Arithmetic" and c != (a | b if rule.value > 0 else a - b):
            return False
    return True


def _entity_ok(rule: Rule, rows: list[list[dict[int, int]]], uniform: bool, lo: int, hi: int) -> bool:
    """`rows` of panels, each panel {slot: level}."""
    if any(not lo <= v <= hi for row in rows for panel in row for v in panel.values()):
        return False
    if rule.name == "Constant" and not uniform:  # each slot keeps its level along the row
        return all(len({p[s] for p in row if s in p}) == 1 for row in rows for s in set().union(*row))
    if any(len(set(p.values())) != 1 for row in rows for p in row):  # one level per panel
        return False
    levels = [[next(iter(p.values())) for p in row] for row in rows]
    return _distribute(levels) if rule.name == "Distribute_Three" else all(_integer(rule, r) for r in levels)


def rows_hold(arrays: dict, candidate: int) -> bool:
    """Whether the 8 context panels completed by candidate `candidate` (0..7) obey every stored rule."""
    config = CONFIGURATIONS[str(arrays["config"])]
    order = list(range(8)) + [8 + candidate]
    for c, layout in enumerate(config.layouts):
        rules = [Rule.decode(r) for r in arrays["rules"][c]]
        occupied, attrs = arrays["occupied"][order, c], arrays["attributes"][order, c]
        slots = [frozenset(np.flatnonzero(o).tolist()) for o in occupied]
        if not _layout_ok(rules[0], [slots[r * 3:r * 3 + 3] for r in range(3)], layout.n_slots):
            return False
        for rule in rules[1:]:
            k = ATTR_COLUMN[rule.attr]
            panels = [{s: int(attrs[p, s, k]) for s in slots[p]} for p in range(9)]
            if not _entity_ok(rule, [panels[r * 3:r * 3 + 3] for r in range(3)], bool(arrays["uniform"][c]),
                              *layout.level_range(rule.attr)):
                return False
    return True


def vote_scores(arrays: dict) -> np.ndarray:
    """Context-blind odd-one-out vote: per candidate, how many candidates share each of its attribute values."""
    features = []
    for k in range(8, 16):
        feats = []
        for c in range(arrays["occupied"].shape[1]):
            slots = tuple(np.flatnonzero(arrays["occupied"][k, c]).tolist())
            feats += [("n", c, len(slots)), ("pos", c, slots)]
            feats += [(a, c, tuple(arrays["attributes"][k, c, :, i].tolist())) for a, i in ATTR_COLUMN.items()]
        features.append(feats)
    return np.array([sum(sum(f in other for other in features) for f in feats) for feats in features])


# ---- tests


def _arrays(config: str, answers: str, n: int, seed: int = 0, size: int = 32):
    return [problem_arrays(generate_problem(config, np.random.default_rng([seed, i]), answers), size, answers)
            for i in range(n)]


@pytest.mark.parametrize("answers", ["raven", "iraven"])
@pytest.mark.parametrize("config", CONFIG_NAMES)
def test_rules_hold_and_answer_is_unique(config, answers):
    for arrays in _arrays(config, answers, N_PER_CONFIG):
        consistent = [rows_hold(arrays, k) for k in range(8)]
        assert consistent == [k == int(arrays["target"]) for k in range(8)], (config, arrays["rules"].tolist())


def test_every_rule_and_attribute_is_drawn():
    seen = set()
    for config in ("distribute_nine", "in_distribute_four_out_center_single"):
        for arrays in _arrays(config, "raven", 150, seed=1):
            seen |= {(int(r[0]), int(r[1])) for comp in arrays["rules"] for r in comp}
    # (rule, attribute) pairs of the official table: 7 on Number/Position, 3 on Type, 4 on Size, 4 on Color
    assert len(seen) == 18 and (2, 3) not in seen  # never Arithmetic on Type


def test_official_constraints():
    for arrays in _arrays("in_center_single_out_center_single", "raven", 60, seed=2):
        out = arrays["attributes"][:, 0, 0]  # the Out entity: size levels 3..5, always white
        assert (out[:, 1] >= 3).all() and (out[:, 2] == 0).all()
    for arrays in _arrays("center_single", "raven", 60, seed=3):
        assert (arrays["occupied"].sum(-1) == 1).all() and (arrays["rules"][0, 0, :2] == [0, 2]).all()
        assert (arrays["attributes"][:, 0, 0, 0] >= 1).all()  # type "none" never drawn


def test_context_blind_vote_is_at_chance_on_iraven_only():
    rng = np.random.default_rng(0)
    accuracy = {}
    for answers in ("raven", "iraven"):
        hits = []
        for config in CONFIG_NAMES:
            for arrays in _arrays(config, answers, 30, seed=4):
                scores = vote_scores(arrays)
                if answers == "iraven":  # every candidate looks (nearly) equally typical; Position-Number trees
                    assert scores.max() - scores.min() <= 0.1 * scores.max()  # give each its own slot set
                best = np.flatnonzero(scores == scores.max())
                hits.append(int(rng.choice(best)) == int(arrays["target"]))
        accuracy[answers] = float(np.mean(hits))
    assert accuracy["raven"] > 0.6
    assert 0.05 < accuracy["iraven"] < 0.22


def test_generation_is_seeded():
    a = problem_arrays(generate_problem("distribute_four", np.random.default_rng(7)), 32, "raven")
    b = problem_arrays(generate_problem("distribute_four", np.random.default_rng(7)), 32, "raven")
    c = problem_arrays(generate_problem("distribute_four", np.random.default_rng(8)), 32, "raven")
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["image"], c["image"])
