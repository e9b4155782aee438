import numpy as np
import pytest

from inferlab.data.toy2d_ldebm import ldebm_toy_centers, load_ldebm_toy
from inferlab.errors import UserError


def test_pinwheel10_has_ten_arms_at_the_official_scale():
    data = load_ldebm_toy("pinwheel10", 5000, seed=0)
    assert data.x.shape == (5000, 2) and sorted(set(data.y.tolist())) == list(range(10))
    radius = data.x.norm(dim=1).median().item()
    assert 6.0 < radius < 11.0  # radial feature ~1 (+ exp spiral), x2 in the generator, x4 in sample_data
    x = data.x.numpy()
    angles = np.arctan2(x[:, 1], x[:, 0])
    assert len(np.unique(np.round(angles[data.y.numpy() == 0], 0))) < 5  # one arm spans a narrow angle range


def test_gaussian_toys_use_the_official_centres_and_noise():
    data = load_ldebm_toy("16gaussians", 8000, seed=1)
    centers = ldebm_toy_centers("16gaussians")
    assert centers.shape == (16, 2) and np.abs(centers).max() == pytest.approx(16 / 1.414)
    resid = data.x.numpy() - centers[data.y.numpy()]
    assert resid.std() == pytest.approx(2 / 1.414, rel=0.05)
    assert ldebm_toy_centers("8gaussians").shape == (8, 2)
    with pytest.raises(UserError, match="LDEBM toy set"):
        load_ldebm_toy("moons", 10, seed=0)
