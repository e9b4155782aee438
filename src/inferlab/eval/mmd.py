"""Maximum mean discrepancy with a sum of RBF kernels (Gretton et al. 2012)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

Array = np.ndarray | torch.Tensor

MEDIAN_SCALES = (0.5, 1.0, 2.0)
"""Default bandwidths are the median pairwise distance of the pooled samples times these factors."""

ROWS_PER_BLOCK = 1024
"""Kernel rows computed at a time."""


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
    Memory is O((m + n)^2) for the squared distances; pass a few thousand samples at most.
    """
    xs, ys = _flat64(x, "x"), _flat64(y, "y")
    if xs.shape[1] != ys.shape[1]:
        raise ValueError(f"sample dimensions differ: {xs.shape[1]} vs {ys.shape[1]}")
    m, n = xs.shape[0], ys.shape[0]
    z = torch.cat([xs, ys])  # (m + n, D)
    d2 = torch.cdist(z, z).square()  # (m + n, m + n)
    if bandwidths is None:
        median = _off_diagonal_median(d2) ** 0.5  # sqrt is monotone: the median distance without a sqrt per pair
        bandwidths = [s * median for s in MEDIAN_SCALES] if median > 0 else [1.0]

    def kernel(sq: torch.Tensor) -> torch.Tensor:
        return sum(torch.exp(-sq / (2.0 * h * h)) for h in bandwidths)

    # k is symmetric: per block of rows [a, b) its diagonal block k[a:b, a:b] in full, and the columns right of it
    # (b onwards) once, each entry there standing for itself and its mirror image below the diagonal.
    size, s_xx, s_xy, s_yy = m + n, 0.0, 0.0, 0.0
    for a in range(0, size, ROWS_PER_BLOCK):
        b = min(a + ROWS_PER_BLOCK, size)
        k = kernel(d2[a:b, a:])  # (b - a, size - a)
        diag, right = k[:, : b - a], k[:, b - a:]
        rx, cx = min(max(m - a, 0), b - a), max(m - b, 0)  # rows of the block in x; right-hand columns in x
        s_xx += float(diag[:rx, :rx].sum()) + 2 * float(right[:rx, :cx].sum())
        s_xy += float(diag[:rx, rx:].sum()) + float(right[:rx, cx:].sum())
        s_yy += float(diag[rx:, rx:].sum()) + 2 * float(right[rx:, cx:].sum())
    k_diag = kernel(d2.diagonal())  # (m + n,)
    term_xx = (s_xx - float(k_diag[:m].sum())) / (m * (m - 1))
    term_yy = (s_yy - float(k_diag[m:].sum())) / (n * (n - 1))
    return term_xx + term_yy - 2.0 * s_xy / (m * n)


def _off_diagonal_median(a: torch.Tensor) -> float:
    """Lower median (torch.median's convention) of the off-diagonal entries of a square matrix, without a mask:
    dropping the first entry of the flattened matrix and viewing the rest as (N - 1, N + 1) puts the diagonal in
    the last column."""
    size = a.shape[0]
    off = a.flatten()[1:].view(size - 1, size + 1)[:, :-1].flatten()
    return float(off.kthvalue((off.numel() + 1) // 2).values)
