"""The presets on generated data name a held-out class and an object count their generator accepts."""

from dataclasses import replace

import pytest

from inferlab.methods.drc import load_splits
from inferlab.methods.drc.config import PRESETS

GENERATED = [name for name, make in PRESETS.items() if make().data.name in ("textured", "objects3d")]


def test_the_tiny_and_the_generated_paper_presets_are_checked():
    assert {"tiny", "paper_textured", "paper_clevr"} <= set(GENERATED)


@pytest.mark.parametrize("name", GENERATED)
def test_generated_preset_builds_its_splits(name):
    cfg = PRESETS[name]()
    small = replace(cfg, data=replace(cfg.data, image_size=8, n_train=2, n_test=1, n_unseen=1))
    splits = load_splits(small, seed=0)
    assert set(splits) == {"train", "test", "unseen"}
    assert splits["unseen"].images.shape == (1, 3, 8, 8)
