"""The DAMC toys (after the official toy_example.py): a multi-modal 2-D latent pushed through a fixed random MLP.

    z ~ pinwheel,   x = G*(z) + 0.25 eps,   G*: 2 -> 128 -> 128 -> 128 -> 2 (ReLU), W ~ N(0, 0.2^2), b ~ N(0, 0.1^2).

G* is drawn once from a fixed seed, so every run sees the same task; the points follow the run's seed.
`load_toy` (5-arm pinwheel, fixed points) is the bench's toy on which g and the prior are learned; `official_latents`
(2-arm pinwheel) are the official toy's fixed latents, observed with fresh noise every iteration.
"""

from __future__ import annotations

import numpy as np
import torch

from torch import nn

from inferlab.data.base import TensorDataset
from inferlab.data.toy2d import load_toy2d

TOY_SPEC = "toy:pinwheel-mlp"
OFFICIAL_TOY_SPEC = "toy:official-pinwheel"
NOISE_STD = 0.25
_GENERATOR_SEED = 0
_WIDTHS = (2, 128, 128, 128, 2)


class ToyGenerator(nn.Sequential):
    """G*: the fixed random ReLU MLP 2-128-128-128-2, W ~ N(0, 0.2^2), b ~ N(0, 0.1^2), drawn from a fixed seed."""

    def __init__(self):
        gen = torch.Generator().manual_seed(_GENERATOR_SEED)
        layers: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(_WIDTHS[:-1], _WIDTHS[1:])):
            linear = nn.Linear(a, b)
            with torch.no_grad():
                linear.weight.copy_(0.2 * torch.randn(a, b, generator=gen).T)
                linear.bias.copy_(0.1 * torch.randn(b, generator=gen))
            layers += [linear, nn.ReLU()] if i < len(_WIDTHS) - 2 else [linear]
        super().__init__(*layers)


@torch.no_grad()
def true_generator(z: torch.Tensor) -> torch.Tensor:
    """G*(z) for z (N, 2)."""
    return ToyGenerator()(z)


def official_latents(n: int, seed: int) -> torch.Tensor:
    """n latents (N, 2) of the official toy's 2-arm pinwheel: radial sd 0.3 around 1, tangential sd 0.1, angle
    arm + 0.25 exp(radius), scaled by 2 (n rounded down to even)."""
    rng = np.random.default_rng([seed, 2])
    arms = np.repeat(np.arange(2), n // 2)
    radial = 1.0 + 0.3 * rng.standard_normal(len(arms))
    tangential = 0.1 * rng.standard_normal(len(arms))
    angle = np.pi * arms + 0.25 * np.exp(radial)
    cos, sin = np.cos(angle), np.sin(angle)
    points = 2 * np.stack([radial * cos + tangential * sin, -radial * sin + tangential * cos], axis=1)
    return torch.from_numpy(rng.permutation(points).astype(np.float32))


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
