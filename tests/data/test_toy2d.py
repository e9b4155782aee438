import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from inferlab.data.toy2d import TOY2D_NAMES, load_toy2d, sample_toy2d, toy2d_log_density, toy2d_modes
from inferlab.errors import UserError


@pytest.mark.parametrize("name", TOY2D_NAMES)
def test_shape_dtype_and_determinism(name):
    a = sample_toy2d(name, 257, np.random.default_rng(1))
    assert a.shape == (257, 2) and a.dtype == np.float32 and np.isfinite(a).all()
    assert np.array_equal(a, sample_toy2d(name, 257, np.random.default_rng(1)))
    assert not np.allclose(a, sample_toy2d(name, 257, np.random.default_rng(2)))
    assert np.abs(a).max() < 6  # every set lives in a box of a few units


@pytest.mark.parametrize("name,count", [("8gaussians", 8), ("25gaussians", 25)])
def test_mixture_modes_cover_and_fit(name, count):
    centers, std = toy2d_modes(name)
    assert centers.shape == (count, 2) and len(np.unique(centers, axis=0)) == count
    points = sample_toy2d(name, 4000, np.random.default_rng(0))
    dist = np.linalg.norm(points[:, None] - centers[None], axis=-1)
    assert dist.min(1).max() < 6 * std  # every point sits on a mode
    assert len(np.unique(dist.argmin(1))) == count  # every mode is hit


def test_mode_geometry_matches_literature():
    centers8, std8 = toy2d_modes("8gaussians")
    assert np.allclose(np.linalg.norm(centers8, axis=1), 2.0) and std8 == 0.02
    centers25, std25 = toy2d_modes("25gaussians")
    assert set(np.unique(centers25)) == {-4.0, -2.0, 0.0, 2.0, 4.0} and std25 == 0.05


@pytest.mark.parametrize("name", ["8gaussians", "25gaussians"])
def test_log_density_equals_explicit_mixture(name):
    centers, std = toy2d_modes(name)
    points = np.concatenate([centers[:3] + 0.01, np.array([[0.3, -0.7]])])
    expected = logsumexp([multivariate_normal(c, std**2).logpdf(points) for c in centers], axis=0) - np.log(len(centers))
    assert np.allclose(toy2d_log_density(name, points), expected, rtol=1e-6)
    grid = np.zeros((4, 3, 2))
    assert toy2d_log_density(name, grid).shape == (4, 3)


def test_load_toy2d_matches_sampler_and_labels_modes():
    ds = load_toy2d("8gaussians", 300, seed=5)
    assert ds.name == "toy2d:8gaussians" and len(ds) == 300
    assert np.array_equal(ds.x.numpy(), sample_toy2d("8gaussians", 300, np.random.default_rng(5)))
    centers, _ = toy2d_modes("8gaussians")
    nearest = np.linalg.norm(ds.x.numpy()[:, None] - centers[None], axis=-1).argmin(1)
    assert np.array_equal(ds.y.numpy(), nearest)


def test_rings_radii_and_pinwheel_arms():
    rings = load_toy2d("rings", 4000, seed=0)
    radius = np.linalg.norm(rings.x.numpy(), axis=1)
    for k in range(4):
        assert abs(np.median(radius[rings.y.numpy() == k]) - 0.75 * (k + 1)) < 0.05
    arms = load_toy2d("pinwheel", 1000, seed=0).y.numpy()
    assert np.bincount(arms).tolist() == [200] * 5
    moons = load_toy2d("moons", 100, seed=0).y.numpy()
    assert set(moons) == {0, 1}


def test_bad_inputs_raise_user_error():
    with pytest.raises(UserError, match="allowed names are: 8gaussians, 25gaussians, rings"):
        sample_toy2d("spirals", 10, np.random.default_rng(0))
    with pytest.raises(UserError, match="positive integer"):
        load_toy2d("moons", 0, seed=0)
    with pytest.raises(UserError, match="only these have modes.*8gaussians, 25gaussians"):
        toy2d_modes("rings")
