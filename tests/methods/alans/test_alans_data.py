"""ALANS's in-run splits: crops per slot of each split's configuration, labels and rule groups; every RAVEN
configuration through the model."""

import numpy as np
import torch

from inferlab.data.raven import CONFIGURATIONS, generate_problem
from inferlab.data.raven.problem import Component
from inferlab.data.raven.render import render_panels
from inferlab.data.raven.rules import Rule
from inferlab.methods.alans.data import INCONSISTENT, covered_boxes, crop_slots, make_split, rule_groups, slot_boxes
from inferlab.methods.alans.model import ALANS


def test_splits_have_one_crop_per_slot_of_their_configuration():
    shapes = {}
    for split in ("train", "systematicity", "productivity", "localism"):
        s = make_split(split, 3, 48, 12, 32, 5)
        shapes[split] = (tuple(s["crops"].shape), s["n_slots"])
        assert s["panels"].shape == (3, 16, 32, 32) and s["target"].max() < 8
        occupied = s["exist"].bool()
        assert (s["attrs"][occupied] >= 0).all() and (s["attrs"][~occupied] == -1).all()
        blank = s["crops"].float().mean((-2, -1)) > 250  # a slot without an entity crops to white (or a neighbour's
        # outline spills in: at 48 px the 3x3 grid's largest entities reach over their 16-px cells)
        assert torch.equal(blank, ~occupied)
    assert shapes["train"] == ((3, 16, 4, 12, 12), (4,)) and shapes["systematicity"][1] == (4,)
    assert shapes["productivity"] == ((3, 16, 9, 12, 12), (9,))
    assert shapes["localism"] == ((3, 16, 2, 12, 12), (1, 1))


def test_validation_draw_is_iid_with_training_but_its_own_stream():
    train, val = make_split("train", 3, 48, 12, 32, 5), make_split("val", 3, 48, 12, 32, 5)
    assert val["config"] == train["config"] and val["crops"].shape == train["crops"].shape
    assert not torch.equal(val["crops"], train["crops"])


def test_crops_skip_the_divider():
    """Left_Right at 160 px: the official crops are [40:120, :80] and [40:120, 81:160] (column 80 is the divider)."""
    boxes = slot_boxes(CONFIGURATIONS["left_center_single_right_center_single"], 160)
    assert boxes == [(40, 0, 80, 80), (40, 81, 80, 79)]
    assert slot_boxes(CONFIGURATIONS["up_center_single_down_center_single"], 160)[1] == (81, 40, 79, 80)


def test_rule_groups_follow_the_operators_and_mark_inconsistent_attributes():
    rules = ((Rule("Progression", "Position", 1), Rule("Constant", "Type"), Rule("Arithmetic", "Size", -1),
              Rule("Distribute_Three", "Color")),)
    two = Component((0, 1), (1, 2, 3, 4), (2, 2, 2, 2), (0, 0, 0, 0), (0, 0, 0, 0))  # two entities, two types
    groups = rule_groups(rules, [(two,)] * 8, (4,))
    assert groups.tolist() == [[0, -1, INCONSISTENT, 2, 3]]
    one_slot = rule_groups(rules, [(two,)] * 8, (1,))
    assert one_slot[0, :2].tolist() == [-1, -1]  # one slot: no Number/Position reasoning


def test_every_configuration_runs_through_the_model():
    """Crops of every RAVEN configuration (one per slot of every component) go through ALANS per component."""
    model = ALANS(channels=4).eval()
    for name, config in CONFIGURATIONS.items():
        problem = generate_problem(name, np.random.default_rng(0), "iraven")
        images = torch.from_numpy(render_panels(problem.context + problem.candidates, config, 48))
        crops = crop_slots(images, slot_boxes(config, 48), 12, covered_boxes(config, 48))  # (16, S, 12, 12)
        n_slots = tuple(lay.n_slots for lay in config.layouts)
        assert crops.shape == (16, sum(n_slots), 12, 12), name
        with torch.no_grad():
            out = model(crops[None, :, :, None].float() / 127.5 - 1, n_slots)
        assert out["scores"].shape == (1, 8) and torch.isfinite(out["scores"]).all(), name
        assert len(model.decode(out)) == len(n_slots)


def test_out_crops_do_not_show_in_entities():
    config = CONFIGURATIONS["in_distribute_four_out_center_single"]
    covered = covered_boxes(config, 96)
    assert len(covered[0]) == 4 and all(not c for c in covered[1:])  # the Out slot covers the four In slots
    assert not any(covered_boxes(CONFIGURATIONS["left_center_single_right_center_single"], 96))
    images = torch.zeros(1, 96, 96, dtype=torch.uint8)  # black everywhere
    crops = crop_slots(images, slot_boxes(config, 96), 24, covered)
    out_crop, in_crop = crops[0, 0].float(), crops[0, 1].float()
    assert out_crop.mean() > 0 and out_crop.mean() < 255 and in_crop.max() == 0  # In region whitened in Out only
