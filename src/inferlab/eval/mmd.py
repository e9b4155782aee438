"""Maximum mean discrepancy with a sum of RBF kernels (Gretton et al. 2012)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

Array = np.ndarray | torch.Tensor

MEDIAN_SCALES = (0.5, 1.0, 2.0)
"""Default bandwidths are the median pairwise distance of the pooled samples times these factors."""


def _flat64(x: Array, name: str) -> torch.Tensor:
    t = torch.as_tensor(x).detach().cpu().to(torch.float64)
    t = t.reshape(t.shape[0], -1)  # (N, D): images are flattened
    if t.shape[0] < 2:
        raise ValueError(f"{name} needs at least 2 samples, got {t.shape[0]}")
    return t


def mmd_rbf(x: Array, y: Array, bandwidths: Sequence[float] | None = None) -> float:
    """Unbiased estimate of squared MMD between samples x (m, ...) and y (n, ...).

    k(u, v) = sum_h exp(-||u - v||^2 / (2 h^2))
    MMD_u^2 = 1/(m(m-1)) sum_{i!=j} k(x_i, x_j) + 1/(n(n-1)) sum_{i!=j} k(y_i, y_j) - 2/(mn) sum_{i,j} k(x_i, y_j)
    (Gretton et al. 2012, Eq. 3). Being unbiased it can be slightly negative when x and y share a distribution.
    `bandwidths` default: median pairwise distance of the pooled samples times (0.5, 1, 2).
    Memory is O((m + n)^2); pass a few thousand samples at most.
    """
    xs, ys = _flat64(x, "x"), _flat64(y, "y")
    if xs.shape[1] != ys.shape[1]:
        raise ValueError(f"sample dimensions differ: {xs.shape[1]} vs {ys.shape[1]}")
    m, n = xs.shape[0], ys.shape[0]
    z = torch.cat([xs, ys])  # (m + n, D)
    d2 = torch.cdist(z, z).square()  # (m + n, m + n)
    if bandwidths is None:
        off_diag = d2[~torch.eye(m + n, dtype=torch.bool)]
        median = off_diag.sqrt().median().item()
        bandwidths = [s * median for s in MEDIAN_SCALES] if median > 0 else [1.0]
    k = sum(torch.exp(-d2 / (2.0 * h * h)) for h in bandwidths)
    k_xx, k_yy, k_xy = k[:m, :m], k[m:, m:], k[:m, m:]
    term_xx = (k_xx.sum() - k_xx.diagonal().sum()) / (m * (m - 1))
    term_yy = (k_yy.sum() - k_yy.diagonal().sum()) / (n * (n - 1))
    return float(term_xx + term_yy - 2.0 * k_xy.mean())
