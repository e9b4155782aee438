import numpy as np
import pytest
import scipy.linalg
import torch

from inferlab.eval.frechet import frechet_distance


def test_identical_samples_give_zero():
    x = np.random.default_rng(0).normal(size=(500, 6))
    assert frechet_distance(x, x) == pytest.approx(0.0, abs=1e-8)
    assert frechet_distance(torch.tensor(x), x) == pytest.approx(0.0, abs=1e-8)


def test_diagonal_gaussians_match_closed_form():
    # N(m1, diag(s1^2)) vs N(m2, diag(s2^2)): d^2 = |m1 - m2|^2 + sum (s1 - s2)^2
    rng = np.random.default_rng(1)
    m1, m2 = np.array([0.0, 1.0, -1.0]), np.array([2.0, 1.0, 0.0])
    s1, s2 = np.array([1.0, 2.0, 0.5]), np.array([3.0, 1.0, 0.5])
    a = m1 + s1 * rng.normal(size=(100_000, 3))
    b = m2 + s2 * rng.normal(size=(100_000, 3))
    expected = ((m1 - m2) ** 2).sum() + ((s1 - s2) ** 2).sum()  # 5 + 5 = 10
    assert frechet_distance(a, b) == pytest.approx(expected, rel=0.02)


def test_full_covariances_match_sqrtm_reference():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(400, 5)) @ rng.normal(size=(5, 5))
    b = rng.normal(size=(400, 5)) @ rng.normal(size=(5, 5)) + 0.3
    sa, sb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    ref = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(sa + sb - 2 * scipy.linalg.sqrtm(sa @ sb).real)
    assert frechet_distance(a, b) == pytest.approx(ref, rel=1e-6)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-6)


def test_singular_covariance_stays_finite_and_nonnegative():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(10, 50)), rng.normal(size=(10, 50)) + 1.0  # N < D: rank-deficient covariances
    d = frechet_distance(a, b)
    assert np.isfinite(d) and d > 40  # mean shift alone contributes about 50


def test_mismatched_dims_raise():
    with pytest.raises(ValueError, match="dimensions differ"):
        frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
