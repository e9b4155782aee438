"""The official per-problem XML (serialize.py `dom_problem`) written beside each .npz: per panel the structure, each
component's layout (Number level, Position as the occupied slots' bboxes, Uniformity level) and its entities (bbox,
real_bbox, mask as run-length code at 160 px, Type/Size/Color/Angle levels); the rule groups; and for I-RAVEN the
attributes each candidate changes (`Modified_attributes`)."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import numpy as np

from inferlab.data.raven.grammar import ANGLE_VALUES, IMAGE_SIZE, SIZE_VALUES
from inferlab.data.raven.problem import Component, Problem
from inferlab.data.raven.render import OUTLINE_WIDTH, SIDES, entity_layer, polygon_offsets

UNIFORM_LEVEL = 3
"""Official Uniformity level of a uniform layout (UNI_VALUES = [False, False, False, True]); 0 otherwise."""


def real_bbox(bbox: tuple[float, ...], type_level: int, size_level: int, angle_level: int) -> list[float]:
    """The official `get_real_bbox`: centre row, centre column, height, width of the rotated outline, plus
    1.5 outline widths (fractions of the panel, 4 decimals)."""
    row, col, h, w = bbox
    cx, cy = int(col * IMAGE_SIZE), int(row * IMAGE_SIZE)
    radius = min(h, w) * IMAGE_SIZE / 2 * SIZE_VALUES[size_level]
    delta = OUTLINE_WIDTH * 1.5 / IMAGE_SIZE
    if type_level == 5:
        box = [cy / IMAGE_SIZE, cx / IMAGE_SIZE, 2 * radius / IMAGE_SIZE + delta, 2 * radius / IMAGE_SIZE + delta]
    else:
        theta = math.radians(ANGLE_VALUES[angle_level])
        pts = [(cx + dx * math.cos(theta) + dy * math.sin(theta), cy - dx * math.sin(theta) + dy * math.cos(theta))
               for dx, dy in polygon_offsets(radius, SIDES[type_level])]
        xs, ys = [p[0] / IMAGE_SIZE for p in pts], [p[1] / IMAGE_SIZE for p in pts]
        box = [(min(ys) + max(ys)) / 2, (min(xs) + max(xs)) / 2, max(ys) - min(ys) + delta, max(xs) - min(xs) + delta]
    return [round(float(v), 4) for v in box]


def rle(mask: np.ndarray) -> str:
    """Run-length code of a 0/1 mask, row-major: '[start, length, ...]' with 1-based starts (official rle_encode)."""
    pixels = np.concatenate([[0], mask.flatten(), [0]])
    runs = np.flatnonzero(pixels[1:] != pixels[:-1]) + 1
    runs[1::2] -= runs[::2]
    return "[" + ",".join(str(int(x)) for x in runs) + "]"


def entity_mask(bbox: tuple[float, ...], type_level: int, size_level: int, angle_level: int) -> np.ndarray:
    """The entity's silhouette at 160 px as 0/1 (official `get_mask`: the entity drawn filled black)."""
    row, col, h, w = bbox
    patch = entity_layer(type_level, min(h, w) * IMAGE_SIZE / 2 * SIZE_VALUES[size_level], 0,
                         ANGLE_VALUES[angle_level], OUTLINE_WIDTH)
    mask = np.zeros((IMAGE_SIZE + 2 * patch.shape[0],) * 2, np.uint8)
    half, cx, cy = patch.shape[0] // 2, int(col * IMAGE_SIZE) + patch.shape[0], int(row * IMAGE_SIZE) + patch.shape[0]
    mask[cy - half:cy + half + 1, cx - half:cx + half + 1] = patch > 127
    return mask[patch.shape[0]:patch.shape[0] + IMAGE_SIZE, patch.shape[0]:patch.shape[0] + IMAGE_SIZE]


def modified_attributes(answer: tuple[Component, ...], candidate: tuple[Component, ...]) -> list[tuple[int, str]]:
    """(component, attribute) pairs in which `candidate` differs from the answer: Number when the count differs,
    else Position when the slots do; Type/Size/Color when a slot both occupy shows another level."""
    changed = []
    for c, (a, b) in enumerate(zip(answer, candidate)):
        if len(a.slots) != len(b.slots):
            changed.append((c, "Number"))
        elif a.slots != b.slots:
            changed.append((c, "Position"))
        both = set(a.slots) & set(b.slots)
        changed += [(c, attr) for attr in ("Type", "Size", "Color")
                    if any(a.levels(attr)[s] != b.levels(attr)[s] for s in both)]
    return changed


def problem_xml(problem: Problem, answers: str) -> str:
    """The XML document of one problem (context panels, then candidates in file order)."""
    data = ET.Element("Data")
    panels = ET.SubElement(data, "Panels")
    config = problem.config
    for panel in problem.context + problem.candidates:
        struct = ET.SubElement(ET.SubElement(panels, "Panel"), "Struct", name=config.structure)
        for c, (comp, layout) in enumerate(zip(panel, config.layouts)):
            node = ET.SubElement(struct, "Component", id=str(c), name=layout.component)
            lay = ET.SubElement(node, "Layout", name=layout.name, Number=str(len(comp.slots) - 1),
                                Position=json.dumps([list(layout.slots[s]) for s in comp.slots]),
                                Uniformity=str(UNIFORM_LEVEL if problem.uniform[c] else 0))
            for s in comp.slots:
                bbox = layout.slots[s]
                levels = (comp.type[s], comp.size[s], comp.color[s], comp.angle[s])
                ET.SubElement(lay, "Entity", bbox=json.dumps(list(bbox)),
                              real_bbox=json.dumps(real_bbox(bbox, levels[0], levels[1], levels[3])),
                              mask=rle(entity_mask(bbox, levels[0], levels[1], levels[3])),
                              **{k: str(v) for k, v in zip(("Type", "Size", "Color", "Angle"), levels)})
    rules = ET.SubElement(data, "Rules")
    for c, comp_rules in enumerate(problem.rules):
        group = ET.SubElement(rules, "Rule_Group", id=str(c))
        for rule in comp_rules:
            ET.SubElement(group, "Rule", name=rule.name, attr=rule.attr)
    if answers == "iraven":
        modified = ET.SubElement(data, "Modified_attributes")
        for k, candidate in enumerate(problem.candidates):
            node = ET.SubElement(modified, "Candidate", id=str(k))
            for c, attr in modified_attributes(problem.answer, candidate):
                ET.SubElement(node, "Attribute", component_id=str(c), name=attr)
    return ET.tostring(data, encoding="unicode")
