import numpy as np
import pytest
import torch

from inferlab.eval.mmd import mmd_rbf


def test_same_distribution_near_zero_and_shift_clearly_larger():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(400, 2)), rng.normal(size=(400, 2))
    same = mmd_rbf(x, y)
    shifted = mmd_rbf(x, y + 1.5)
    assert abs(same) < 0.01
    assert shifted > 0.2
    assert shifted > 20 * abs(same)


def test_grows_with_shift_and_accepts_images_and_bandwidths():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 1, 4, 4, generator=g)
    y = torch.randn(200, 1, 4, 4, generator=g)
    small, big = mmd_rbf(x, y + 0.3, bandwidths=[4.0]), mmd_rbf(x, y + 1.0, bandwidths=[4.0])
    assert 0 < small < big


def test_identical_sets_with_fixed_bandwidth_match_hand_computation():
    x = np.array([[0.0], [1.0]])
    y = np.array([[0.0], [3.0]])
    k = lambda a, b: np.exp(-((a - b) ** 2) / 2)  # noqa: E731  h = 1
    expected = k(0, 1) + k(0, 3) - 2 * (k(0, 0) + k(0, 3) + k(1, 0) + k(1, 3)) / 4
    assert mmd_rbf(x, y, bandwidths=[1.0]) == pytest.approx(expected)
