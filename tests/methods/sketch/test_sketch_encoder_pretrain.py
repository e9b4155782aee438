"""The encoder's pretraining augmentation (pretrain.thicken) on a hand-checked input."""

import torch

from inferlab.methods.sketch.pretrain import thicken


def test_thicken_widens_only_the_chosen_drawings_by_one_pixel_each_side():
    images = torch.zeros(2, 1, 7, 7)
    images[:, 0, 3, 3] = 1.0
    out = thicken(images, torch.tensor([True, False]))
    assert out[0, 0, 2:5, 2:5].eq(1).all() and out[0].sum() == 9
    assert torch.equal(out[1], images[1])
