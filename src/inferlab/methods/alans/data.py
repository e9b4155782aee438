"""ALANS's data: the RAVEN generator's systematic-generalisation splits (data/raven/splits.py), drawn in-run with
I-RAVEN answer sets, rendered, cut into per-position crops for the object CNN, with ground truth for the auxiliary
rule loss and the optional attribute loss.

Training draws the shared training side (distribute_four, no held-out (attribute, rule) pair); the test splits are
iid (the same distribution), systematicity (held-out pairs), productivity (distribute_nine) and localism (the two
components of left_center_single_right_center_single).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
import torch.nn.functional as F

from inferlab.data.raven.generate import generate_problem
from inferlab.data.raven.grammar import CONFIGURATIONS, MAX_SLOTS, Configuration
from inferlab.data.raven.render import divider, render_panels
from inferlab.data.raven.splits import SPLITS, TRAIN

ATTRS = ("Type", "Size", "Color")
N_VALUES = {"Type": 5, "Size": 6, "Color": 10, "Number": MAX_SLOTS}
"""Values per attribute: Type levels 1..5 (index = level - 1), Size levels 0..5, Color levels 0..9, Number 1..9
(index = count - 1)."""
SPLIT_NAMES = tuple(SPLITS)
"""The test splits; 'train' and 'val' (an iid validation draw for model and learning-rate selection) come from the
training side."""
STREAMS = {"train": 0, **{name: 1 + i for i, name in enumerate(SPLIT_NAMES)}, "val": 1 + len(SPLIT_NAMES)}
"""Random stream of each split (with the seed): train, val and the test splits never share draws."""
INCONSISTENT = 4
"""Rule-group index of an attribute whose context entities disagree (Constant on a non-uniform layout): the
official code's extra 'inconsistent' action, which leaves the attribute out of the answer score."""
GROUP_COLUMNS = ("Position", "Number", *ATTRS)
"""Columns of `groups`: per component, the operator group of each attribute's rule, -1 where not supervised."""


def int_group(rule) -> int:
    """Integer attributes (Number, Type, Size, Color): 0 unary (Constant, Progression), 1 binary left-to-right
    (Arithmetic +), 2 binary right-to-left (Arithmetic -), 3 ternary (Distribute_Three)."""
    if rule.name == "Arithmetic":
        return 1 if rule.value > 0 else 2
    return 3 if rule.name == "Distribute_Three" else 0


def position_group(rule) -> int:
    """Position (slot-wise logic backend): 0 unary (Constant, Progression: a shift of the occupied slots),
    1 binary (Arithmetic: union / difference), 2 ternary (Distribute_Three)."""
    return {"Constant": 0, "Progression": 0, "Arithmetic": 1, "Distribute_Three": 2}[rule.name]


def rule_groups(rules, context, n_slots: tuple[int, ...]) -> np.ndarray:
    """(C, 5) operator groups [Position, Number, Type, Size, Color] of one problem (see GROUP_COLUMNS)."""
    out = np.full((len(rules), len(GROUP_COLUMNS)), -1, np.int64)
    for c, (comp_rules, n) in enumerate(zip(rules, n_slots)):
        layout = comp_rules[0]
        if n > 1:  # one slot: Number and Position are constant and not reasoned about (as in the official code)
            if layout.attr in ("Position", "Number/Position"):
                out[c, 0] = position_group(layout)
            if layout.attr in ("Number", "Number/Position"):
                out[c, 1] = int_group(layout)
        for rule in comp_rules[1:]:
            consistent = all(len({comp.levels(rule.attr)[s] for s in comp.slots}) == 1
                             for comp in (panel[c] for panel in context))
            out[c, 2 + ATTRS.index(rule.attr)] = int_group(rule) if consistent else INCONSISTENT
    return out


def panel_labels(panels, n_total: int) -> tuple[np.ndarray, np.ndarray]:
    """exist (P, n_total) 0/1 per slot of all components, attrs (P, n_total, 3) value indices (-1 where empty)."""
    exist = np.zeros((len(panels), n_total), np.int64)
    attrs = np.full((len(panels), n_total, 3), -1, np.int64)
    for p, panel in enumerate(panels):
        offset = 0
        for comp in panel:
            for s in comp.slots:
                exist[p, offset + s] = 1
                attrs[p, offset + s] = (comp.type[s] - 1, comp.size[s], comp.color[s])
            offset += len(comp.type)
    return exist, attrs


def slot_boxes(config: Configuration, size: int) -> list[tuple[int, int, int, int]]:
    """(top, left, height, width) in pixels of every slot of every component, in component order. A box that starts
    on the 1-px divider of Left_Right / Up_Down starts one pixel later (official crops: [:80] and [81:160])."""
    line = divider(config.structure, size)
    boxes = []
    for layout in config.layouts:
        for row, col, h, w in layout.slots:
            top, left = round((row - h / 2) * size), round((col - w / 2) * size)
            height, width = min(round(h * size), size), min(round(w * size), size)
            if line is not None and line[0].start == top:
                top, height = top + 1, height - 1
            if line is not None and line[1].start == left:
                left, width = left + 1, width - 1
            boxes.append((max(top, 0), max(left, 0), height, width))
    return boxes


def covered_boxes(config: Configuration, size: int) -> list[list[tuple[int, int, int, int]]]:
    """Per slot (as slot_boxes), the boxes of later components' slots that lie inside it: an Out entity's crop must
    not show the In entities, so they are whitened first (as the official loader does for O-IC / O-IG)."""
    boxes, owner = slot_boxes(config, size), [c for c, lay in enumerate(config.layouts) for _ in lay.slots]

    def inside(inner, outer) -> bool:
        return (inner[0] >= outer[0] and inner[1] >= outer[1] and inner[0] + inner[2] <= outer[0] + outer[2]
                and inner[1] + inner[3] <= outer[1] + outer[3])

    return [[b for b, o in zip(boxes, owner) if o > own and inside(b, box)] for box, own in zip(boxes, owner)]


def crop_slots(images: torch.Tensor, boxes: list[tuple[int, int, int, int]], crop: int,
               covered: list[list[tuple[int, int, int, int]]] | None = None) -> torch.Tensor:
    """Per-position crops, each resized to crop x crop (area averaging), with the `covered` boxes of each slot
    whitened first: (..., S, S) uint8 -> (..., n_slots, c, c)."""
    lead = images.shape[:-2]
    flat = images.reshape(-1, 1, *images.shape[-2:]).float()
    out = []
    for i, (t, l, h, w) in enumerate(boxes):
        view = flat
        if covered and covered[i]:
            view = flat.clone()
            for ct, cl, ch, cw in covered[i]:
                view[..., ct:ct + ch, cl:cl + cw] = 255.0
        out.append(F.interpolate(view[..., t:t + h, l:l + w], size=(crop, crop), mode="area"))
    return torch.stack(out, 1).round().clamp(0, 255).to(torch.uint8).reshape(*lead, len(boxes), crop, crop)


@lru_cache(maxsize=6)
def make_split(split: str, n: int, size: int, crop: int, panel: int, seed: int) -> dict:
    """`n` problems of `split` ('train', 'val' or a test split name), rendered at size x size: panels (n, 16, panel,
    panel) uint8 (the whole panels, downsampled: the WReN and SCL baselines' input and the figures), crops (n, 16,
    n_slots, crop, crop) uint8 (the object CNN's and the cnn baseline's input), boxes (n_slots, 4) (each slot's centre row,
    centre column, height, width), exist (n, 16, n_slots), attrs (n, 16, n_slots, 3), groups (n, C, 5)
    (rule_groups), target (n,), n_slots (per component), config (name). 8 context panels, then 8 candidates.
    Seeded per split; cached in-process (the ALANS and CNN variants of one bench share the draw)."""
    part = TRAIN if split in ("train", "val") else SPLITS[split]
    config = CONFIGURATIONS[part.config]
    n_slots = tuple(lay.n_slots for lay in config.layouts)
    boxes, covered, whole = slot_boxes(config, size), covered_boxes(config, size), [(0, 0, size, size)]
    rng = np.random.default_rng([seed, STREAMS[split]])
    panels = torch.empty((n, 16, panel, panel), dtype=torch.uint8)
    crops = torch.empty((n, 16, len(boxes), crop, crop), dtype=torch.uint8)
    exist = np.empty((n, 16, len(boxes)), np.int64)
    attrs = np.empty((n, 16, len(boxes), 3), np.int64)
    groups = np.empty((n, len(n_slots), len(GROUP_COLUMNS)), np.int64)
    target = np.empty(n, np.int64)
    for i in range(n):
        prob = generate_problem(config, rng, "iraven", accept=part.accept)
        drawn = prob.context + prob.candidates
        images = torch.from_numpy(render_panels(drawn, config, size))
        crops[i] = crop_slots(images, boxes, crop, covered)
        panels[i] = crop_slots(images, whole, panel)[:, 0]
        exist[i], attrs[i] = panel_labels(drawn, len(boxes))
        groups[i] = rule_groups(prob.rules, prob.context, n_slots)
        target[i] = prob.target
    centres = [slot for layout in config.layouts for slot in layout.slots]
    return {"panels": panels, "crops": crops, "boxes": torch.tensor(centres, dtype=torch.float32),
            "exist": torch.from_numpy(exist), "attrs": torch.from_numpy(attrs),
            "groups": torch.from_numpy(groups), "target": torch.from_numpy(target), "n_slots": n_slots,
            "config": config.name}
