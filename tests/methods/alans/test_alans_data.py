"""ALANS's in-run splits: crops per slot of each split's configuration, labels and rule groups."""

import torch

from inferlab.data.raven.problem import Component
from inferlab.data.raven.rules import Rule
from inferlab.methods.alans.data import INCONSISTENT, make_split, rule_groups


def test_splits_have_one_crop_per_slot_of_their_configuration():
    shapes = {}
    for split in ("train", "systematicity", "productivity", "localism"):
        s = make_split(split, 3, 48, 12, 32, 5)
        shapes[split] = (tuple(s["crops"].shape), s["n_slots"])
        assert s["panels"].shape == (3, 16, 32, 32) and s["target"].max() < 8
        occupied = s["exist"].bool()
        assert (s["attrs"][occupied] >= 0).all() and (s["attrs"][~occupied] == -1).all()
        blank = s["crops"].float().mean((-2, -1)) > 254.5  # a slot without an entity crops to white
        assert torch.equal(blank, ~occupied)
    assert shapes["train"] == ((3, 16, 4, 12, 12), (4,)) and shapes["systematicity"][1] == (4,)
    assert shapes["productivity"] == ((3, 16, 9, 12, 12), (9,))
    assert shapes["localism"] == ((3, 16, 2, 12, 12), (1, 1))


def test_rule_groups_follow_the_operators_and_mark_inconsistent_attributes():
    rules = ((Rule("Progression", "Position", 1), Rule("Constant", "Type"), Rule("Arithmetic", "Size", -1),
              Rule("Distribute_Three", "Color")),)
    two = Component((0, 1), (1, 2, 3, 4), (2, 2, 2, 2), (0, 0, 0, 0), (0, 0, 0, 0))  # two entities, two types
    groups = rule_groups(rules, [(two,)] * 8, (4,))
    assert groups.tolist() == [[0, -1, INCONSISTENT, 2, 3]]
    one_slot = rule_groups(rules, [(two,)] * 8, (1,))
    assert one_slot[0, :2].tolist() == [-1, -1]  # one slot: no Number/Position reasoning
