"""The encoder's pretraining losses (pretrain.thicken, pretrain.alignment_loss) on hand-checked inputs."""

import math

import torch

from inferlab.methods.sketch.pretrain import alignment_loss, thicken


def test_thicken_widens_only_the_chosen_drawings_by_one_pixel_each_side():
    images = torch.zeros(2, 1, 7, 7)
    images[:, 0, 3, 3] = 1.0
    out = thicken(images, torch.tensor([True, False]))
    assert out[0, 0, 2:5, 2:5].eq(1).all() and out[0].sum() == 9
    assert torch.equal(out[1], images[1])


def test_alignment_loss_is_the_symmetric_infonce_of_cosine_similarities():
    sketch = torch.tensor([[1.0, 0.0], [0.0, 2.0]])
    photo = torch.tensor([[3.0, 0.0], [1.0, 1.0]])
    t = 0.5
    # cosines: row 0 (sketch 0): [1, 1/sqrt2]; row 1 (sketch 1): [0, 1/sqrt2]
    c = 1 / math.sqrt(2)
    rows = -(1 / t - math.log(math.exp(1 / t) + math.exp(c / t))) - (c / t - math.log(1 + math.exp(c / t)))
    cols = -(1 / t - math.log(math.exp(1 / t) + 1)) - (c / t - math.log(math.exp(c / t) + math.exp(c / t)))
    expected = 0.5 * (rows / 2 + cols / 2)
    assert abs(alignment_loss(sketch, photo, t).item() - expected) < 1e-5


def test_alignment_loss_falls_as_each_sketch_nears_its_own_photo():
    photo = torch.eye(4)
    aligned = alignment_loss(photo.clone(), photo, 0.1)
    shuffled = alignment_loss(photo[[1, 2, 3, 0]], photo, 0.1)
    assert aligned < 0.01 < shuffled
