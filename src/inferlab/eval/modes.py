"""Mode coverage and sample quality for 2D Gaussian mixtures (the GAN mode-collapse benchmark)."""

from __future__ import annotations

import math

import numpy as np
import torch

Array = np.ndarray | torch.Tensor

HQ_STDS = 3.0
"""A sample is high-quality when it lies within this many standard deviations of its nearest mode."""

COVER_FRACTION = 0.01
"""Default coverage rule: a mode needs >= this fraction of its expected count (N / K) of high-quality samples."""


def mode_stats(samples: Array, centers: Array, std: float, min_count: int | None = None) -> dict[str, int | float]:
    """Modes covered and high-quality ratio of `samples` (N, 2) for a mixture with `centers` (K, 2), isotropic `std`.

    Following VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018): each sample is assigned to its nearest
    center; it is high-quality (hq) when ||x - c_nearest|| <= 3 std, and hq_ratio = #hq / N.
    A mode is covered when it holds at least `min_count` hq samples. Default
    min_count = max(1, ceil(0.01 * N / K)), i.e. 1% of the count a perfect sampler puts on each mode, so a single
    stray sample does not count as coverage; pass min_count=1 for the lenient "at least one hq sample" rule.
    """
    x = torch.as_tensor(samples).detach().cpu().to(torch.float64)  # (N, 2)
    c = torch.as_tensor(centers).detach().cpu().to(torch.float64)  # (K, 2)
    if x.dim() != 2 or c.dim() != 2 or x.shape[1] != c.shape[1] or x.shape[0] == 0:
        raise ValueError(f"samples (N, D) and centers (K, D) must agree, got {tuple(x.shape)} and {tuple(c.shape)}")
    n, k = x.shape[0], c.shape[0]
    if min_count is None:
        min_count = max(1, math.ceil(COVER_FRACTION * n / k))
    dist, nearest = torch.cdist(x, c).min(dim=1)  # (N,), (N,)
    hq = dist <= HQ_STDS * std
    counts = torch.bincount(nearest[hq], minlength=k)  # (K,)
    return {"modes_covered": int((counts >= min_count).sum()), "hq_ratio": float(hq.double().mean())}
