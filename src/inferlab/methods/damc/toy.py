"""The DAMC toy (official toy_example.py): a multi-modal 2-D latent pushed through a fixed random MLP generator.

    z ~ pinwheel,   x = G*(z) + 0.25 eps,   G*: 2 -> 128 -> 128 -> 128 -> 2 (ReLU), W ~ N(0, 0.2^2), b ~ N(0, 0.1^2).

G* is drawn once from a fixed seed, so every run sees the same task; the points follow the run's seed.
"""

from __future__ import annotations

import numpy as np
import torch

from inferlab.data.base import TensorDataset
from inferlab.data.toy2d import load_toy2d

TOY_SPEC = "toy:pinwheel-mlp"
NOISE_STD = 0.25
_GENERATOR_SEED = 0
_WIDTHS = (2, 128, 128, 128, 2)


def true_generator(z: torch.Tensor) -> torch.Tensor:
    """G*(z) for z (N, 2): the fixed random ReLU MLP."""
    gen = torch.Generator().manual_seed(_GENERATOR_SEED)
    h = z
    for i, (a, b) in enumerate(zip(_WIDTHS[:-1], _WIDTHS[1:])):
        w, bias = 0.2 * torch.randn(a, b, generator=gen), 0.1 * torch.randn(b, generator=gen)
        h = h @ w + bias
        if i < len(_WIDTHS) - 2:
            h = torch.relu(h)
    return h


def load_toy(n: int, seed: int) -> TensorDataset:
    """n points x (N, 2) with their pinwheel arm as label; latent and noise drawn from `seed`."""
    latent = load_toy2d("pinwheel", n, seed)
    noise = torch.from_numpy(np.random.default_rng([seed, 1]).standard_normal((n, 2)).astype(np.float32))
    return TensorDataset(TOY_SPEC, true_generator(latent.x) + NOISE_STD * noise, latent.y)


def toy_histogram(lims: tuple[float, float, float, float], bins: int = 200, n: int = 200_000) -> np.ndarray:
    """The data density on a bins x bins grid over `lims` (rows = y), from n draws, for plots."""
    x = load_toy(n, seed=12345).x.numpy()
    hist, _, _ = np.histogram2d(x[:, 1], x[:, 0], bins=bins, range=[lims[2:], lims[:2]], density=True)
    return hist
