import numpy as np
import pytest
import torch

from inferlab.eval import mmd
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


@pytest.mark.parametrize("m, n, rows", [(23, 41, 8), (41, 23, 8), (30, 30, 7), (5, 9, 1024)])
def test_blockwise_symmetric_sums_match_the_full_kernel_matrix(monkeypatch, m, n, rows):
    """Row blocks that straddle the x/y boundary, more or fewer x than y: the same value as the whole matrix."""
    monkeypatch.setattr(mmd, "ROWS_PER_BLOCK", rows)
    gen = torch.Generator().manual_seed(m * n)
    x, y = torch.randn(m, 3, generator=gen), torch.randn(n, 3, generator=gen) + 0.5
    z = torch.cat([x, y]).double()
    d2 = torch.cdist(z, z).square()
    off = d2[~torch.eye(m + n, dtype=torch.bool)].sqrt()
    median = off.median().item()
    k = sum(torch.exp(-d2 / (2 * (s * median) ** 2)) for s in mmd.MEDIAN_SCALES)
    expected = ((k[:m, :m].sum() - k[:m, :m].trace()) / (m * (m - 1)) + (k[m:, m:].sum() - k[m:, m:].trace())
                / (n * (n - 1)) - 2 * k[:m, m:].mean())
    assert mmd.mmd_rbf(x, y) == pytest.approx(float(expected), rel=1e-10, abs=1e-14)
