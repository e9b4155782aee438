"""The official heuristic solver (solver.py), whose choice every official file stores as `predict`: each candidate
scores the number of rules that the third row, completed by it, obeys; ties are broken at random."""

from __future__ import annotations

import numpy as np

from inferlab.data.raven.problem import Component, Problem
from inferlab.data.raven.rules import Rule, row_holds


def _shared(comp: Component, attr: str) -> int | None:
    """The level every occupied slot shows (the count for Number), or None when they differ."""
    if attr == "Number":
        return len(comp.slots)
    levels = {comp.levels(attr)[s] for s in comp.slots}
    return levels.pop() if len(levels) == 1 else None


def _shown(comp: Component, attr: str) -> tuple:
    return tuple((s, comp.levels(attr)[s]) for s in comp.slots)


def _position_holds(rule: Rule, row: list[Component], first_row: list[Component], n_slots: int) -> bool:
    a, b, c = (set(comp.slots) for comp in row)
    if rule.name == "Constant":
        return a == b == c
    if rule.name == "Progression":
        return {(s + rule.value) % n_slots for s in a} == b and {(s + rule.value) % n_slots for s in b} == c
    if rule.name == "Arithmetic":
        return c == (a | b if rule.value > 0 else a - b)
    return sorted(map(sorted, (a, b, c))) == sorted(sorted(comp.slots) for comp in first_row)


def rule_holds(rule: Rule, row: list[Component], first_row: list[Component], n_slots: int) -> bool:
    """Whether a row of one component's states (the third row, completed by a candidate) obeys `rule`."""
    if rule.attr in ("Position", "Number/Position"):
        return _position_holds(rule, row, first_row, n_slots)
    if rule.name == "Constant" and rule.attr != "Number":
        return _shown(row[0], rule.attr) == _shown(row[1], rule.attr) == _shown(row[2], rule.attr)
    values = [_shared(comp, rule.attr) for comp in row]
    if None in values:
        return False
    if rule.name == "Distribute_Three":
        return sorted(values) == sorted(_shared(comp, rule.attr) for comp in first_row)
    return row_holds(rule, *values)


def solve(problem: Problem, rng: np.random.Generator) -> int:
    """The index of a candidate satisfying the most rules on the third row (official `solve`)."""
    satisfied = np.zeros(8, np.int64)
    for k, candidate in enumerate(problem.candidates):
        for c, (comp_rules, layout) in enumerate(zip(problem.rules, problem.config.layouts)):
            row = [problem.context[6][c], problem.context[7][c], candidate[c]]
            first_row = [problem.context[i][c] for i in range(3)]
            satisfied[k] += sum(rule_holds(r, row, first_row, layout.n_slots) for r in comp_rules)
    best = np.flatnonzero(satisfied == satisfied.max())
    return int(best[int(rng.integers(len(best)))])
