"""Candidate answer sets: RAVEN's (each distractor changes one attribute of the answer) and I-RAVEN's
attribute-bisection tree (Hu et al., AAAI 2021), in which every value of an attribute is shown by equally
many candidates, so a model that looks only at the candidates is at chance.

An attribute of a component can be changed only where the change is visible from the context (the
official `sample_attr_avail`): Number where the layout has several slots; Position unless a rule acts on
Number (positions are then free); Type/Size/Color when ruled, or Constant on a uniform layout or under
Constant Number/Position. (The official list also allows a non-uniform Constant attribute under Position
Progression/Distribute_Three; with our per-slot Constant the answer's new slots are unseen, so we do not.)

Values are changed as the official generators change them. RAVEN (`sample_new`): every entity of the component
draws its own new Type/Size/Color level, so a distractor usually mixes entities; a new Number puts fresh entities
(every attribute drawn anew) at a new slot set. I-RAVEN (`sample_new_value`): one new level shared by the entities
when the attribute is ruled or the layout uniform, one per entity otherwise; a new Number keeps the entities'
attributes at a new slot set, and Number and Position of one component may both split the tree.
"""

from __future__ import annotations

from math import comb

import numpy as np

from inferlab.data.raven.grammar import ANGLE_VALUES, Configuration, Layout
from inferlab.data.raven.problem import Component, Panel
from inferlab.data.raven.rules import Rule, random_slots

Entry = tuple[int, str, bool]  # (component index, attribute, one shared value: ruled or uniform)


def modifiable(config: Configuration, rules: tuple[tuple[Rule, ...], ...], uniform: tuple[bool, ...],
               answer: Panel) -> list[Entry]:
    """The (component, attribute, shared) entries whose change a solver can detect."""
    entries: list[Entry] = []
    for i, (layout, comp_rules, uni) in enumerate(zip(config.layouts, rules, uniform)):
        layout_rule, n = comp_rules[0], len(answer[i].slots)
        if layout.n_slots > 1:
            entries.append((i, "Number", True))
        if layout_rule.attr != "Number" and comb(layout.n_slots, n) > 1:
            entries.append((i, "Position", True))
        for rule in comp_rules[1:]:
            lo, hi = layout.level_range(rule.attr)
            visible = rule.name != "Constant" or uni or layout.n_slots == 1 or layout_rule.name == "Constant"
            if hi > lo and visible:
                entries.append((i, rule.attr, uni or rule.name != "Constant"))
    return entries


def value_key(comp: Component, attr: str):
    """What must differ between two values of `attr`: the count (Number), the slot set, or the levels shown."""
    if attr == "Number":
        return len(comp.slots)
    if attr == "Position":
        return comp.slots
    levels = comp.levels(attr)
    return tuple(levels[s] for s in comp.slots)


def visible(panel: Panel) -> tuple:
    """What a panel shows: per component the occupied slots and their Type, Size, Color and Angle levels."""
    return tuple((c.slots, tuple((c.type[s], c.size[s], c.color[s], c.angle[s]) for s in c.slots)) for c in panel)


def _other_level(lo: int, hi: int, level: int, rng: np.random.Generator) -> int:
    choices = [v for v in range(lo, hi + 1) if v != level]
    return int(choices[int(rng.integers(len(choices)))])


def new_value(comp: Component, layout: Layout, attr: str, used: set, rng: np.random.Generator, *,
              shared: bool = True, tries: int = 50) -> tuple[int, ...] | None:
    """A value of `attr` whose key (see `value_key`) is not in `used`: a slot set for Number/Position, a slot map
    for Type/Size/Color (one level for all slots when `shared`, else a level per slot that differs from that
    slot's current one); None when none is found."""
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
    if shared:
        levels = [v for v in range(lo, hi + 1) if (v,) * len(comp.slots) not in used]
        return (int(rng.choice(levels)),) * layout.n_slots if levels else None
    current = comp.levels(attr)
    for _ in range(tries):
        value = tuple(_other_level(lo, hi, current[s], rng) for s in range(layout.n_slots))
        if tuple(value[s] for s in comp.slots) not in used:
            return value
    return None


def set_value(panel: Panel, index: int, attr: str, value: tuple[int, ...]) -> Panel:
    """`panel` with component `index`'s `attr` set to `value` (see `new_value`)."""
    comp = panel[index]
    comp = Component(value, comp.type, comp.size, comp.color, comp.angle) if attr in ("Number", "Position") \
        else comp.with_levels(attr, value)
    return panel[:index] + (comp,) + panel[index + 1:]


def fresh_entities(panel: Panel, index: int, layout: Layout, slots: tuple[int, ...],
                   rng: np.random.Generator) -> Panel:
    """`panel` with component `index` replaced by new entities at `slots`, every attribute drawn anew in the
    layout's ranges (the official RAVEN Number distractor)."""
    n = layout.n_slots
    levels = [tuple(int(v) for v in rng.integers(lo, hi + 1, size=n)) for lo, hi in
              (layout.level_range(a) for a in ("Type", "Size", "Color"))]
    angle = tuple(int(v) for v in rng.integers(0, len(ANGLE_VALUES), size=n))
    return panel[:index] + (Component(slots, *levels, angle),) + panel[index + 1:]


def raven_candidates(config: Configuration, answer: Panel, entries: list[Entry],
                     rng: np.random.Generator, tries: int = 200) -> list[Panel] | None:
    """The answer and 7 distinct distractors, each the answer with one modifiable attribute changed (per entity)."""
    candidates, shown = [answer], {visible(answer)}
    for _ in range(tries):
        if len(candidates) == 8:
            return candidates
        index, attr, _ = entries[int(rng.integers(len(entries)))]
        layout = config.layouts[index]
        value = new_value(answer[index], layout, attr, {value_key(answer[index], attr)}, rng, shared=False)
        distractor = fresh_entities(answer, index, layout, value, rng) if attr == "Number" \
            else set_value(answer, index, attr, value)
        if visible(distractor) not in shown:
            candidates.append(distractor)
            shown.add(visible(distractor))
    return candidates if len(candidates) == 8 else None


_TREE_PLANS = {3: (1, 1, 1), 2: (1, 3), 1: (7,)}  # new values per level; (1 + k1)(1 + k2)... = 8 candidates


def _slot_sets(n_slots: int, count: int, k: int, used: set, rng: np.random.Generator) -> list[tuple[int, ...]] | None:
    """`k` distinct slot sets of `count` slots, none in `used` (None if there are not enough)."""
    if comb(n_slots, count) - len(used) < k:
        return None
    sets: list[tuple[int, ...]] = []
    while len(sets) < k:
        slots = random_slots(n_slots, count, rng)
        if slots not in used and slots not in sets:
            sets.append(slots)
    return sets


def iraven_candidates(config: Configuration, answer: Panel, entries: list[Entry],
                      rng: np.random.Generator) -> list[Panel] | None:
    """Answer + 7 distractors from I-RAVEN's tree over up to 3 distinct attributes (None if it cannot be built).

    Each level takes k new values of its attribute and adds, for each, a copy of every candidate so far with
    that value: 3 attributes split 1+1+1 (a bisection tree), 2 split 1+3, a lone attribute gets 7 new values.
    Every value then appears on equally many candidates. When Number and Position of one component are both
    drawn, Number comes last and each candidate gets its own slot set of the new count (the official
    'Position-Number' mode), so the Position split stays visible.
    """
    picks = [entries[int(k)] for k in rng.permutation(len(entries))[:3]]
    chosen = sorted(picks, key=lambda e: e[1] == "Number")  # Number last, as the official generator orders it
    if not chosen:
        return None
    candidates = [answer]
    for (index, attr, shared), n_new in zip(chosen, _TREE_PLANS[len(chosen)]):
        layout = config.layouts[index]
        with_position = attr == "Number" and (index, "Position", True) in chosen
        used = {value_key(answer[index], attr)}
        taken = {c[index].slots for c in candidates}
        base = list(candidates)
        for _ in range(n_new):
            value = new_value(answer[index], layout, attr, used, rng, shared=shared)
            if value is None:
                return None
            used.add(value_key(set_value(answer, index, attr, value)[index], attr))
            values = [value] * len(base)
            if with_position:
                values = _slot_sets(layout.n_slots, len(value), len(base), taken, rng)
                if values is None:
                    return None
                taken.update(values)
            candidates += [set_value(c, index, attr, v) for c, v in zip(base, values)]
    return candidates
