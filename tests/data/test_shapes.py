import numpy as np
import pytest
import torch

from inferlab.data.shapes import SHAPE_NAMES, make_shapes
from inferlab.errors import UserError


def test_format_labels_and_determinism():
    ds = make_shapes(200, np.random.default_rng(0))
    assert ds.x.shape == (200, 3, 32, 32) and ds.x.dtype == torch.float32 and ds.y.dtype == torch.int64
    assert ds.x.min() >= -1 and ds.x.max() <= 1
    assert set(ds.y.tolist()) == set(range(len(SHAPE_NAMES)))
    assert torch.equal(ds.x, make_shapes(200, np.random.default_rng(0)).x)
    assert not torch.equal(ds.x, make_shapes(200, np.random.default_rng(1)).x)


def test_each_image_is_one_bright_shape_on_dark_background():
    ds = make_shapes(300, np.random.default_rng(3), size=24)
    assert ds.x.shape == (300, 3, 24, 24)
    pixels = (ds.x.numpy() + 1) / 2  # back to [0, 1]
    for img in pixels:
        colours = np.unique(img.reshape(3, -1).T, axis=0)
        assert len(colours) == 2  # background + shape
        brightness = np.sort(colours.max(1))
        assert brightness[0] <= 0.15 + 1e-6 and brightness[1] >= 0.7 - 1e-6


def test_shape_areas_follow_geometry():
    ds = make_shapes(2000, np.random.default_rng(0))
    pixels = ds.x.numpy()
    lit = (pixels != pixels[:, :, :1, :1]).any(1).mean((1, 2))  # fraction of non-background pixels
    area = {name: lit[ds.y.numpy() == k].mean() for k, name in enumerate(SHAPE_NAMES)}
    # area / radius^2: circle pi > square 2 > triangle 1.30, and cross 1.92 > star 1.32
    assert area["circle"] > area["square"] > area["triangle"]
    assert area["circle"] > area["cross"] > area["star"]


@pytest.mark.parametrize("kwargs,message", [({"n": 0}, "positive integer"), ({"n": 4, "size": 4}, ">= 8")])
def test_bad_inputs(kwargs, message):
    with pytest.raises(UserError, match=message):
        make_shapes(rng=np.random.default_rng(0), **kwargs)
