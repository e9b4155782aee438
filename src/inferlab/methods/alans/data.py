"""ALANS's systematic-generalisation splits, drawn in-run with the RAVEN generator (data/raven), I-RAVEN answers.

Scaled down: every panel holds one object in one slot (a center_single-like component), placed in the left
half ("left" layout) or the right half ("right" layout) of the panel. Splits (see README):
  train / iid      left layout; no held-out (attribute, rule) pair; every Progression has |step| = 1
  systematicity    left layout; >= 1 held-out (attribute, rule) pair (HELD_OUT); |step| = 1
  productivity     left layout; no held-out pair; >= 1 Progression with |step| = 2 (the operator applied twice)
  localism         right layout; the training rule distribution (train on one component, test on another)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from inferlab.data.raven.generate import generate_problem
from inferlab.data.raven.grammar import Configuration, Layout
from inferlab.data.raven.render import render_panels

LAYOUTS = {
    "left": Configuration("left_single", "Singleton", (Layout("Grid", "Left_Single", ((0.5, 0.25, 0.5, 0.5),)),)),
    "right": Configuration("right_single", "Singleton", (Layout("Grid", "Right_Single", ((0.5, 0.75, 0.5, 0.5),)),)),
}
HELD_OUT = (("Type", "Progression"), ("Size", "Arithmetic"), ("Color", "Distribute_Three"))
"""(attribute, rule) pairs never seen in training; the systematicity split needs at least one of them."""
ATTRS = ("Type", "Size", "Color")
N_VALUES = {"Type": 5, "Size": 6, "Color": 10}
"""Values per attribute: Type levels 1..5 (index = level - 1), Size levels 0..5, Color levels 0..9."""
SPLITS = ("iid", "systematicity", "productivity", "localism")


def _pairs(rules) -> set:
    return {(r.attr, r.name) for r in rules[0][1:]}


def _big_step(rules) -> bool:
    return any(r.name == "Progression" and abs(r.value) == 2 for r in rules[0][1:])


ACCEPT = {
    "train": lambda rules: not (_pairs(rules) & set(HELD_OUT)) and not _big_step(rules),
    "systematicity": lambda rules: bool(_pairs(rules) & set(HELD_OUT)) and not _big_step(rules),
    "productivity": lambda rules: not (_pairs(rules) & set(HELD_OUT)) and _big_step(rules),
}
SPLIT_SPEC = {"train": ("left", "train"), "iid": ("left", "train"), "systematicity": ("left", "systematicity"),
              "productivity": ("left", "productivity"), "localism": ("right", "train")}

# rule -> operator group of the backend (see model.OPERATORS): the auxiliary rule loss's target
_OPERATOR_GROUP = {"Constant": 0, "Progression": 0, "Distribute_Three": 3}


def operator_group(rule) -> int:
    """0 unary (Constant, Progression), 1 binary left-to-right (Arithmetic +), 2 binary right-to-left
    (Arithmetic -), 3 ternary (Distribute_Three)."""
    if rule.name == "Arithmetic":
        return 1 if rule.value > 0 else 2
    return _OPERATOR_GROUP[rule.name]


def problem_attributes(panels) -> np.ndarray:
    """(n_panels, 3) value indices (Type - 1, Size, Color) of each panel's single object."""
    return np.array([[c.type[c.slots[0]] - 1, c.size[c.slots[0]], c.color[c.slots[0]]]
                     for c in (p[0] for p in panels)], np.int64)


@lru_cache(maxsize=5)
def make_split(split: str, n: int, size: int, seed: int) -> dict[str, torch.Tensor]:
    """`n` problems of `split`: images (n, 16, size, size) uint8 (8 context panels, 8 candidates), attrs (n, 16, 3)
    value indices, groups (n, 3) operator group of the Type/Size/Color rules, target (n,), crop (4,) the slot box.
    Seeded per split; cached in-process (one task's five splits: the training split is ~200 MB at 3000 x 64 px)."""
    layout, accept = SPLIT_SPEC[split]
    rng = np.random.default_rng([seed, list(SPLIT_SPEC).index(split)])
    images = np.empty((n, 16, size, size), np.uint8)
    attrs = np.empty((n, 16, 3), np.int64)
    groups = np.empty((n, 3), np.int64)
    target = np.empty(n, np.int64)
    for i in range(n):
        prob = generate_problem(LAYOUTS[layout], rng, "iraven", accept=ACCEPT[accept])
        panels = prob.context + prob.candidates
        images[i] = render_panels(panels, prob.config, size)
        attrs[i] = problem_attributes(panels)
        groups[i] = [operator_group(r) for r in prob.rules[0][1:]]
        target[i] = prob.target
    return {"images": torch.from_numpy(images), "attrs": torch.from_numpy(attrs),
            "groups": torch.from_numpy(groups), "target": torch.from_numpy(target),
            "crop": torch.tensor(crop_box(layout, size))}


def crop_box(layout: str, size: int) -> tuple[int, int, int, int]:
    """(top, left, height, width) in pixels of the layout's single slot: the object CNN's per-position crop."""
    row, col, h, w = LAYOUTS[layout].layouts[0].slots[0]
    return round((row - h / 2) * size), round((col - w / 2) * size), round(h * size), round(w * size)
