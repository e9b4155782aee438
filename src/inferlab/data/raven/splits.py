"""Systematic-generalisation splits of RAVEN after ALANS (Zhang et al., ECCV 2022, Sec. 4 and its supplement):
one training distribution, and per split a test distribution that differs from it in one controlled way.

ALANS follows Hupkes et al.'s "Compositionality decomposed" (2020):
  systematicity  the training set holds only a subset of the instances of each relation type (rule x attribute);
                 the test set holds the other instances. Here every rule keeps several attributes in training and
                 every attribute several rules; the pairs in HELD_OUT never occur in training, and every test
                 problem carries at least one of them.
  productivity   the test structure is larger than any seen: train on the 2x2 grid (distribute_four, at most 4
                 entities), test on the 3x3 grid (distribute_nine, up to 9 entities, so Number values 5..9 and a
                 9-slot Position space are new).
  localism       the same relations, applied locally to other components: train on the single-component 2x2 grid,
                 test on the two-component Left-Right configuration, where each component holds one entity in a box
                 of the same size as a grid cell, with its own rules.
The training distribution is shared by the three splits (distribute_four, no held-out pair), so one trained model
is tested on all of them; "iid" is a fresh draw of the training distribution. See methods/alans/README.md for how
this relates to the paper's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from inferlab.errors import UserError

HELD_OUT = (("Type", "Progression"), ("Size", "Arithmetic"), ("Color", "Distribute_Three"))
"""(attribute, rule) pairs never drawn in training; the systematicity test needs at least one per problem."""


def held_out_pairs(rules) -> set[tuple[str, str]]:
    """The HELD_OUT pairs carried by a problem's rules (per component: Number/Position, Type, Size, Color)."""
    return {(r.attr, r.name) for comp in rules for r in comp[1:]} & set(HELD_OUT)


def _without_held_out(rules) -> bool:
    return not held_out_pairs(rules)


def _with_held_out(rules) -> bool:
    return bool(held_out_pairs(rules))


@dataclass(frozen=True)
class SplitPart:
    """One side of a split: the configuration and the predicate its rules must satisfy."""

    config: str
    accept: Callable[[tuple], bool]


TRAIN = SplitPart("distribute_four", _without_held_out)
SPLITS: dict[str, SplitPart] = {
    "iid": TRAIN,
    "systematicity": SplitPart("distribute_four", _with_held_out),
    "productivity": SplitPart("distribute_nine", _without_held_out),
    "localism": SplitPart("left_center_single_right_center_single", _without_held_out),
}
SPLIT_NAMES = tuple(SPLITS)


def split_part(split: str, part: str) -> SplitPart:
    """The training ('train', 'val') or test ('test') side of `split`."""
    if split not in SPLITS:
        raise UserError(f"Unknown RAVEN split {split!r}; allowed: {', '.join(SPLIT_NAMES)}.")
    return TRAIN if part in ("train", "val") else SPLITS[split]
