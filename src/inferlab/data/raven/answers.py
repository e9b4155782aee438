"""Candidate answer sets: RAVEN's (each distractor changes one attribute of the answer) and I-RAVEN's
attribute-bisection tree (Hu et al., AAAI 2021), in which every value of an attribute is shown by equally
many candidates, so a model that looks only at the candidates is at chance.

An attribute of a component can be changed only where the change is visible from the context (the
official `sample_attr_avail`): Number where the layout has several slots; Position unless a rule acts on
Number (positions are then free); Type/Size/Color when ruled, or Constant on a uniform layout or under
Constant Number/Position. (The official list also allows a non-uniform Constant attribute under Position
Progression/Distribute_Three; with our per-slot Constant the answer's new slots are unseen, so we do not.)
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


def value_key(comp: Component, attr: str):
    """What must differ between two values of `attr`: the count (Number), the slot set, or the level shown."""
    if attr == "Number":
        return len(comp.slots)
    return comp.slots if attr == "Position" else comp.levels(attr)[comp.slots[0]]


def new_value(comp: Component, layout: Layout, attr: str, used: set,
              rng: np.random.Generator) -> tuple[int, ...] | None:
    """A value of `attr` whose key (see `value_key`) is not in `used`: a slot set for Number/Position, a slot map
    for Type/Size/Color; None when every value is used."""
    if attr == "Number":
        counts = [c for c in range(1, layout.n_slots + 1) if c not in used]
        return random_slots(layout.n_slots, int(rng.choice(counts)), rng) if counts else None
    if attr == "Position":
        if comb(layout.n_slots, len(comp.slots)) <= len(used):
            return None
        while True:
            slots = random_slots(layout.n_slots, len(comp.slots), rng)
            if slots not in used:
                return slots
    lo, hi = layout.level_range(attr)
    levels = [v for v in range(lo, hi + 1) if v not in used]
    return (int(rng.choice(levels)),) * layout.n_slots if levels else None


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
        used = {value_key(answer[index], attr)}
        distractor = set_value(answer, index, attr, new_value(answer[index], config.layouts[index], attr, used, rng))
        if distractor not in candidates:
            candidates.append(distractor)
    return candidates if len(candidates) == 8 else None


_TREE_PLANS = {3: (1, 1, 1), 2: (1, 3), 1: (7,)}  # new values per level; (1 + k1)(1 + k2)... = 8 candidates


def iraven_candidates(config: Configuration, answer: Panel, entries: list[Entry],
                      rng: np.random.Generator) -> list[Panel] | None:
    """Answer + 7 distractors from I-RAVEN's tree over up to 3 distinct attributes (None if it cannot be built).

    Each level takes k new values of its attribute and adds, for each, a copy of every candidate so far with
    that value: 3 attributes split 1+1+1 (a bisection tree), 2 split 1+3, a lone attribute gets 7 new values.
    Every value then appears on equally many candidates. Number and Position of one component are never
    both used (a new Number also moves the entities).
    """
    chosen: list[Entry] = []
    for k in rng.permutation(len(entries)):
        index, attr = entries[int(k)]
        clash = {(index, "Position"), (index, "Number")} if attr in ("Number", "Position") else {(index, attr)}
        if not clash & set(chosen):
            chosen.append((index, attr))
        if len(chosen) == 3:
            break
    if not chosen:
        return None
    candidates = [answer]
    for (index, attr), n_new in zip(chosen, _TREE_PLANS[len(chosen)]):
        used = {value_key(answer[index], attr)}
        base = list(candidates)
        for _ in range(n_new):
            value = new_value(answer[index], config.layouts[index], attr, used, rng)
            if value is None:
                return None
            used.add(value_key(set_value(answer, index, attr, value)[index], attr))
            candidates += [set_value(c, index, attr, value) for c in base]
    return candidates
