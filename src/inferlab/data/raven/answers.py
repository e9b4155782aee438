"""Candidate answer sets: RAVEN's (each distractor changes one attribute of the answer) and I-RAVEN's
attribute-bisection tree (Hu et al., AAAI 2021), in which every attribute value a candidate shows is shared
by exactly half of the candidates (or all), so a model that looks only at the candidates is at chance.

An attribute of a component can be changed only where the change is visible from the context (the
official `sample_attr_avail`): Number where the layout has several slots; Position unless a rule acts on
Number (positions are then free); Type/Size/Color when ruled, or Constant on a uniform layout or under
Constant Number/Position (a non-uniform Constant attribute is otherwise unseen at the answer's new slots).
"""

from __future__ import annotations

from math import comb

import numpy as np

from inferlab.data.raven.grammar import Configuration, Layout
from inferlab.data.raven.problem import Component, Panel
from inferlab.data.raven.rules import Rule, random_slots

Entry = tuple[int, str]  # (component index, attribute)


def modifiable(config: Configuration, rules: tuple[tuple[Rule, ...], ...], uniform: tuple[bool, ...],
               answer: Panel) -> list[Entry]:
    """The (component, attribute) pairs whose change a solver can detect."""
    entries: list[Entry] = []
    for i, (layout, comp_rules, uni) in enumerate(zip(config.layouts, rules, uniform)):
        layout_rule, n = comp_rules[0], len(answer[i].slots)
        if layout.n_slots > 1:
            entries.append((i, "Number"))
        if layout_rule.attr != "Number" and comb(layout.n_slots, n) > 1:
            entries.append((i, "Position"))
        for rule in comp_rules[1:]:
            lo, hi = layout.level_range(rule.attr)
            visible = rule.name != "Constant" or uni or layout.n_slots == 1 or layout_rule.name == "Constant"
            if hi > lo and visible:
                entries.append((i, rule.attr))
    return entries


def new_value(comp: Component, layout: Layout, attr: str, rng: np.random.Generator) -> tuple[int, ...]:
    """A value of `attr` different from `comp`'s: a slot set (Number, Position) or a slot map (Type/Size/Color)."""
    if attr in ("Number", "Position"):
        counts = [c for c in range(1, layout.n_slots + 1) if c != len(comp.slots)] if attr == "Number" \
            else [len(comp.slots)]
        while True:
            slots = random_slots(layout.n_slots, counts[int(rng.integers(len(counts)))], rng)
            if slots != comp.slots:
                return slots
    lo, hi = layout.level_range(attr)
    shown = comp.levels(attr)[comp.slots[0]]
    level = int(rng.choice([v for v in range(lo, hi + 1) if v != shown]))
    return (level,) * layout.n_slots


def set_value(panel: Panel, index: int, attr: str, value: tuple[int, ...]) -> Panel:
    """`panel` with component `index`'s `attr` set to `value` (see `new_value`)."""
    comp = panel[index]
    comp = Component(value, comp.type, comp.size, comp.color, comp.angle) if attr in ("Number", "Position") \
        else comp.with_levels(attr, value)
    return panel[:index] + (comp,) + panel[index + 1:]


def raven_candidates(config: Configuration, answer: Panel, entries: list[Entry],
                     rng: np.random.Generator, tries: int = 200) -> list[Panel] | None:
    """The answer and 7 distinct distractors, each the answer with one modifiable attribute changed."""
    candidates = [answer]
    for _ in range(tries):
        if len(candidates) == 8:
            return candidates
        index, attr = entries[int(rng.integers(len(entries)))]
        distractor = set_value(answer, index, attr, new_value(answer[index], config.layouts[index], attr, rng))
        if distractor not in candidates:
            candidates.append(distractor)
    return candidates if len(candidates) == 8 else None


def iraven_candidates(config: Configuration, answer: Panel, entries: list[Entry],
                      rng: np.random.Generator) -> list[Panel] | None:
    """Answer + 7 distractors from a 3-level bisection tree over 3 distinct attributes (None if fewer exist).

    Each level doubles the set: copies of all current candidates get one new value of the level's attribute.
    Number and Position of one component are never both used (a new Number also moves the entities).
    """
    chosen: list[Entry] = []
    for k in rng.permutation(len(entries)):
        index, attr = entries[int(k)]
        clash = {(index, "Position"), (index, "Number")} if attr in ("Number", "Position") else {(index, attr)}
        if not clash & set(chosen):
            chosen.append((index, attr))
        if len(chosen) == 3:
            break
    if len(chosen) < 3:
        return None
    candidates = [answer]
    for index, attr in chosen:
        value = new_value(answer[index], config.layouts[index], attr, rng)
        candidates += [set_value(c, index, attr, value) for c in candidates]
    return candidates
