"""The 2-D toys of LDEBM's official synthetic_pinwheel.py / synthetic_gaussian.py, at their scale.

- "pinwheel10": 10 spiral arms (the FFJORD pinwheel generator with 10 arms, x2), times 4.
- "8gaussians": 8 centres on a circle of radius 4, std 0.5, divided by 1.414, times 4 (radius ~11.3, std ~1.41).
- "16gaussians": a 4x4 grid of centres {-4, -4/3, 4/3, 4}^2, std 0.5, divided by 1.414, times 4.

Labels are the arm / centre index, for clustering metrics only.
"""

from __future__ import annotations

import numpy as np
import torch

from inferlab.data.base import TensorDataset
from inferlab.data.toy2d import _check_n, _check_name, _pinwheel

LDEBM_TOYS = ("pinwheel10", "8gaussians", "16gaussians")
OUTPUT_SCALE = 4.0
"""Official `sample_data` multiplies every generator's points by 4."""


def ldebm_toy_centers(name: str) -> np.ndarray:
    """Centres (M, 2) of a Gaussian toy after all scaling."""
    if name == "8gaussians":
        s = 1 / np.sqrt(2)
        unit = [(1, 0), (-1, 0), (0, 1), (0, -1), (s, s), (s, -s), (-s, s), (-s, -s)]
    else:
        grid = [1, 1 - 2 / 3, -1 + 2 / 3, -1]
        unit = [(x, y) for x in grid for y in grid]
    return 4.0 * np.array(unit) / 1.414 * OUTPUT_SCALE


def load_ldebm_toy(name: str, n: int, seed: int) -> TensorDataset:
    """n points (N, 2) float32 of toy `name` (one of LDEBM_TOYS) with their arm / centre labels, drawn from `seed`."""
    _check_name(name, LDEBM_TOYS, "LDEBM toy set")
    _check_n(n)
    rng = np.random.default_rng(seed)
    if name == "pinwheel10":
        points, labels = _pinwheel(n, rng, arms=10)
        points = points * OUTPUT_SCALE
    else:
        centers = ldebm_toy_centers(name)
        labels = rng.integers(0, len(centers), size=n)
        points = centers[labels] + 0.5 / 1.414 * OUTPUT_SCALE * rng.standard_normal((n, 2))
    return TensorDataset(f"ldebm_toy:{name}", torch.from_numpy(points.astype(np.float32)),
                         torch.from_numpy(labels.astype(np.int64)))
