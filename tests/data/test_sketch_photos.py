import numpy as np
import pytest
import torch

from inferlab.data.sketch import make_sketch_data
from inferlab.data.sketch.categories import BUILDERS, DECLARED
from inferlab.errors import UserError

KW = dict(n_categories=7, n_unseen_categories=3, n_instances=4, n_seen_instances=3, size=16)


def test_data_shapes_ranges_and_seeding():
    a, b = make_sketch_data(**KW, seed=1), make_sketch_data(**KW, seed=1)
    assert a.photos.shape == (7, 4, 3, 16, 16) and a.sketches.shape == (7, 4, 1, 16, 16)
    assert torch.equal(a.photos, b.photos) and torch.equal(a.sketches, b.sketches)
    assert not torch.equal(a.photos, make_sketch_data(**KW, seed=2).photos)
    assert 0 <= a.photos.min() and a.photos.max() <= 1
    lit = a.sketches.mean(dim=(2, 3, 4))  # every sketch has a contour, and it is thin
    assert (lit > 0.02).all() and (lit < 0.5).all()


def test_splits_are_disjoint_and_word_vectors_standardised():
    d = make_sketch_data(**KW, seed=0)
    seen_c, seen_i = d.split("seen")
    assert set(seen_c).isdisjoint(d.split("unseen_category")[0])
    assert set(seen_i).isdisjoint(d.split("unseen_instance")[1])
    assert np.allclose(d.word_vectors.mean(0), 0, atol=1e-5)
    with pytest.raises(UserError, match="unknown sketch-game split"):
        d.split("test")


def test_every_category_declares_its_features():
    assert set(BUILDERS) == set(DECLARED)
