"""RAVEN rules and the rows they generate.

A rule acts on one attribute along each row of the 3x3 matrix. Integer attributes (Number as an entity
count, Type/Size/Color as levels) share one definition, `row_holds`; Position rules act on sets of slots.
Rule options and their parameters follow the official RULE_ATTR table: Type has no Arithmetic, Number and
Position never both carry a rule (Constant on "Number/Position" keeps both).

Arithmetic, per attribute (levels unless said): Number counts c = a +/- b; Size c = a + b + 1 or a - b - 1;
Color c = a +/- b with b >= 1 (so + and - stay distinguishable, as the official generator intends);
Position: union / difference of slot sets. Distribute_Three: three distinct values, each row a cyclic shift.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

RULE_NAMES = ("Constant", "Progression", "Arithmetic", "Distribute_Three")
RULE_ATTRS = ("Number", "Position", "Number/Position", "Type", "Size", "Color")

# (name, attribute, parameter choices) per attribute group, in the official order
RULE_TABLE: tuple[tuple[tuple[str, str, tuple[int, ...]], ...], ...] = (
    (("Progression", "Number", (-2, -1, 1, 2)), ("Progression", "Position", (-2, -1, 1, 2)),
     ("Arithmetic", "Number", (1, -1)), ("Arithmetic", "Position", (1, -1)),
     ("Distribute_Three", "Number", (0,)), ("Distribute_Three", "Position", (0,)),
     ("Constant", "Number/Position", (0,))),
    (("Progression", "Type", (-2, -1, 1, 2)), ("Distribute_Three", "Type", (0,)), ("Constant", "Type", (0,))),
    (("Progression", "Size", (-2, -1, 1, 2)), ("Arithmetic", "Size", (1, -1)),
     ("Distribute_Three", "Size", (0,)), ("Constant", "Size", (0,))),
    (("Progression", "Color", (-2, -1, 1, 2)), ("Arithmetic", "Color", (1, -1)),
     ("Distribute_Three", "Color", (0,)), ("Constant", "Color", (0,))),
)


@dataclass(frozen=True)
class Rule:
    """One rule: `value` is the Progression step or the Arithmetic sign (+1 add/union, -1 subtract/difference)."""

    name: str
    attr: str
    value: int = 0

    def encode(self) -> tuple[int, int, int]:
        """(rule index, attribute index, value) as stored in the `rules` array of a problem file."""
        return RULE_NAMES.index(self.name), RULE_ATTRS.index(self.attr), self.value

    @classmethod
    def decode(cls, row) -> Rule:
        return cls(RULE_NAMES[int(row[0])], RULE_ATTRS[int(row[1])], int(row[2]))


def row_holds(rule: Rule, a: int, b: int, c: int) -> bool:
    """Whether one row (a, b, c) of an integer attribute obeys `rule` (Distribute_Three: see `rows_distribute`)."""
    if rule.name == "Constant":
        return a == b == c
    if rule.name == "Progression":
        return b - a == rule.value and c - b == rule.value
    if rule.name == "Arithmetic":
        sign = 1 if rule.value > 0 else -1
        if rule.attr == "Size":
            return c == a + sign * (b + 1)
        return c == a + sign * b and (rule.attr != "Color" or b >= 1)
    raise ValueError(f"row_holds has no single-row test for {rule.name}")


@lru_cache(maxsize=None)
def valid_rows(rule: Rule, lo: int, hi: int) -> tuple[tuple[int, int, int], ...]:
    """Every row of values in [lo, hi] that obeys a Constant/Progression/Arithmetic `rule`."""
    return tuple(t for t in itertools.product(range(lo, hi + 1), repeat=3) if row_holds(rule, *t))


def feasible(rule: Rule, lo: int, hi: int) -> bool:
    """Whether an integer `rule` can fill rows with values in [lo, hi] (the official prune step)."""
    if rule.name == "Distribute_Three":
        return hi - lo + 1 >= 3
    return len(valid_rows(rule, lo, hi)) > 0


def rows_distribute(values: list, shift: int) -> list[list]:
    """Distribute_Three: row r is `values` (three distinct items) rotated left by r * shift."""
    return [[values[(col + r * shift) % 3] for col in range(3)] for r in range(3)]


def integer_rows(rule: Rule, lo: int, hi: int, rng: np.random.Generator) -> list[list[int]]:
    """Three rows of levels in [lo, hi] obeying `rule`; rows are drawn independently except for Distribute_Three.
    Arithmetic draws its first operand uniformly over the values that start a valid row, then the second uniformly
    given it (the official order: the row's first entity is sampled in the pruned range, then the second column)."""
    if rule.name == "Distribute_Three":
        values = [int(v) for v in rng.choice(np.arange(lo, hi + 1), size=3, replace=False)]
        return rows_distribute(values, int(rng.integers(1, 3)))
    rows = valid_rows(rule, lo, hi)
    if rule.name != "Arithmetic":
        return [list(rows[int(rng.integers(len(rows)))]) for _ in range(3)]
    firsts = sorted({t[0] for t in rows})
    drawn = []
    for _ in range(3):
        first = firsts[int(rng.integers(len(firsts)))]
        given = [t for t in rows if t[0] == first]
        drawn.append(list(given[int(rng.integers(len(given)))]))
    return drawn


def random_slots(n_slots: int, count: int, rng: np.random.Generator) -> tuple[int, ...]:
    """`count` distinct slots out of `n_slots`, sorted."""
    return tuple(sorted(int(s) for s in rng.choice(n_slots, size=count, replace=False)))


def _count_bounds(rule: Rule, n_slots: int) -> tuple[int, int]:
    """Allowed entity counts of the first panels under a Position rule (official constraints)."""
    if rule.name == "Progression":
        return 1, n_slots - 2 * abs(rule.value)
    if rule.name == "Arithmetic":
        return (1, n_slots - 1) if rule.value > 0 else ((n_slots + 1) // 2, n_slots - 1)
    if rule.name == "Distribute_Three":
        return 1, n_slots - 1
    return 1, n_slots


def layout_feasible(rule: Rule, n_slots: int) -> bool:
    """Whether a Number/Position rule fits a layout with `n_slots` slots."""
    if rule.attr == "Number":
        return feasible(rule, 1, n_slots)
    if rule.attr == "Position" and rule.name == "Distribute_Three":
        lo, hi = _count_bounds(rule, n_slots)
        return n_slots >= 3 and lo <= hi
    lo, hi = _count_bounds(rule, n_slots)
    return lo <= hi and n_slots >= (2 if rule.name != "Constant" else 1)


def position_rows(rule: Rule, n_slots: int, rng: np.random.Generator) -> list[list[tuple[int, ...]]]:
    """Three rows of three slot sets (sorted tuples) obeying a Number/Position `rule`."""
    if rule.attr == "Number":
        counts = integer_rows(rule, 1, n_slots, rng)
        return [[random_slots(n_slots, c, rng) for c in row] for row in counts]
    lo, hi = _count_bounds(rule, n_slots)
    if rule.name == "Distribute_Three":
        count = int(rng.integers(lo, hi + 1))
        sets: list[tuple[int, ...]] = []
        while len(sets) < 3:
            s = random_slots(n_slots, count, rng)
            if s not in sets:
                sets.append(s)
        return rows_distribute(sets, int(rng.integers(1, 3)))
    rows = []
    for _ in range(3):
        first = random_slots(n_slots, int(rng.integers(lo, hi + 1)), rng)
        if rule.name == "Constant":
            rows.append([first] * 3)
        elif rule.name == "Progression":
            rows.append([tuple(sorted((s + k * rule.value) % n_slots for s in first)) for k in range(3)])
        else:  # Arithmetic: the second set must add (union) or remove (difference) something
            while True:
                second = random_slots(n_slots, int(rng.integers(lo, hi + 1)), rng)
                third = set(first) | set(second) if rule.value > 0 else set(first) - set(second)
                if third != set(first) and third:
                    break
            rows.append([first, second, tuple(sorted(third))])
    return rows


def sample_rule(group: int, rng: np.random.Generator) -> Rule:
    """A rule for attribute group `group` (0 Number/Position, 1 Type, 2 Size, 3 Color), uniform over the table."""
    name, attr, values = RULE_TABLE[group][int(rng.integers(len(RULE_TABLE[group])))]
    return Rule(name, attr, int(values[int(rng.integers(len(values)))]))
