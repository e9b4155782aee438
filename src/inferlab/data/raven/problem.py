"""Draw one RPM problem: rules per component, then the 3x3 matrix of panels row by row.

A panel holds one `Component` per layout: the occupied slots and, per slot, the levels of Type, Size, Color
and Angle ("maps" over all slots, so changing which slots are occupied keeps every attribute defined).
When an attribute carries a non-Constant rule, or the layout is uniform, every slot of a panel shares one
value. Constant on a non-uniform layout keeps each slot's own value along the row.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from inferlab.data.raven.grammar import ANGLE_VALUES, ENTITY_ATTRS, UNIFORM_PROBABILITY, Configuration, Layout
from inferlab.data.raven.rules import Rule, feasible, integer_rows, layout_feasible, position_rows, sample_rule


@dataclass(frozen=True)
class Component:
    """One component of one panel: occupied slots and per-slot attribute levels."""

    slots: tuple[int, ...]
    type: tuple[int, ...]
    size: tuple[int, ...]
    color: tuple[int, ...]
    angle: tuple[int, ...]

    def levels(self, attr: str) -> tuple[int, ...]:
        return getattr(self, attr.lower())

    def with_levels(self, attr: str, levels: tuple[int, ...]) -> Component:
        return replace(self, **{attr.lower(): levels})


Panel = tuple[Component, ...]


@dataclass(frozen=True)
class Problem:
    """A drawn problem: `context` (8 panels), `candidates` (8 panels), `target` (index of the answer)."""

    config: Configuration
    rules: tuple[tuple[Rule, ...], ...]  # per component: (Number/Position, Type, Size, Color)
    uniform: tuple[bool, ...]
    context: tuple[Panel, ...]
    candidates: tuple[Panel, ...]
    target: int

    @property
    def answer(self) -> Panel:
        return self.candidates[self.target]


def sample_rules(layout: Layout, rng: np.random.Generator) -> tuple[Rule, ...]:
    """One feasible rule per attribute group for `layout` (infeasible draws are redrawn, like the official prune)."""
    rules = []
    for group in range(4):
        while True:
            rule = sample_rule(group, rng)
            ok = layout_feasible(rule, layout.n_slots) if group == 0 else feasible(rule, *layout.level_range(rule.attr))
            if ok:
                rules.append(rule)
                break
    return tuple(rules)


def _attribute_maps(rule: Rule, layout: Layout, uniform: bool, rng: np.random.Generator) -> list[list[tuple[int, ...]]]:
    """Per row and column, the slot map of one entity attribute under `rule`."""
    n = layout.n_slots
    lo, hi = layout.level_range(rule.attr)
    if rule.name == "Constant" and not uniform:
        return [[tuple(int(v) for v in rng.integers(lo, hi + 1, size=n))] * 3 for _ in range(3)]
    return [[(level,) * n for level in row] for row in integer_rows(rule, lo, hi, rng)]


def _angle_map(n: int, uniform: bool, rng: np.random.Generator) -> tuple[int, ...]:
    """One row's angle levels per slot: noise, drawn when the row starts and kept along it (the official rules copy
    entities from column to column); a uniform layout's entities are copies of one entity, so they share one."""
    if uniform:
        return (int(rng.integers(len(ANGLE_VALUES))),) * n
    return tuple(int(v) for v in rng.integers(0, len(ANGLE_VALUES), size=n))


def component_rows(rules: tuple[Rule, ...], layout: Layout, uniform: bool,
                   rng: np.random.Generator) -> list[list[Component]]:
    """A 3x3 grid of one component's states obeying `rules`; angles are noise, one draw per row (`_angle_map`)."""
    slots = position_rows(rules[0], layout.n_slots, rng)
    maps = {r.attr: _attribute_maps(r, layout, uniform, rng) for r in rules[1:]}
    angles = [_angle_map(layout.n_slots, uniform, rng) for _ in range(3)]
    return [[Component(slots[r][c], *(maps[a][r][c] for a in ENTITY_ATTRS), angles[r])
             for c in range(3)] for r in range(3)]


def draw_matrix(config: Configuration, rng: np.random.Generator):
    """Rules, uniformity flags and the nine panels (row-major) of a fresh matrix."""
    rules = tuple(sample_rules(lay, rng) for lay in config.layouts)
    uniform = tuple(bool(rng.random() < UNIFORM_PROBABILITY) for _ in config.layouts)
    grids = [component_rows(r, lay, u, rng) for r, lay, u in zip(rules, config.layouts, uniform)]
    panels = tuple(tuple(g[r][c] for g in grids) for r in range(3) for c in range(3))
    return rules, uniform, panels
