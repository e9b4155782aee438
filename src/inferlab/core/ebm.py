"""Latent-space energy-based prior (Pang et al. 2020, eq. 2):

    p_alpha(z) = exp(f_alpha(z)) p_0(z) / Z(alpha),   p_0 = N(0, sigma^2 I).

We write the learned part as an energy E_alpha(z) = -f_alpha(z), so the full prior energy is
E_alpha(z) + |z|^2 / (2 sigma^2) and Langevin descends it.
"""

from __future__ import annotations

import torch
from torch import nn

from inferlab.core.nets import MLP


class LatentEBMPrior(nn.Module):
    """Energy MLP over z tilting a N(0, sigma^2 I) reference."""

    def __init__(self, *, latent_dim: int, hidden: int, layers: int = 3, sigma: float = 1.0, activation: str = "gelu"):
        super().__init__()
        self.latent_dim, self.sigma = latent_dim, sigma
        self.net = MLP(latent_dim, hidden, 1, layers=layers, activation=activation)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """E_alpha(z) = -f_alpha(z), one value per sample."""  # (B,)
        return self.net(z).squeeze(-1)

    def energy(self, z: torch.Tensor) -> torch.Tensor:
        """-log p_alpha(z) + const = E_alpha(z) + |z|^2 / (2 sigma^2)."""
        return self(z) + reference_energy(z, self.sigma)

    def sample_reference(self, n: int, device: torch.device | str) -> torch.Tensor:
        """Draw from p_0 = N(0, sigma^2 I), where prior chains start."""
        return self.sigma * torch.randn(n, self.latent_dim, device=device)


def reference_energy(z: torch.Tensor, sigma: float) -> torch.Tensor:
    """-log N(z; 0, sigma^2 I) + const = |z|^2 / (2 sigma^2), per sample."""
    return z.pow(2).flatten(1).sum(1) / (2 * sigma**2)


def contrastive_prior_loss(energy_pos: torch.Tensor, energy_neg: torch.Tensor) -> torch.Tensor:
    """Maximum-likelihood surrogate for the prior (Pang et al. 2020, eq. 8):

        grad_alpha L = E_posterior[grad f_alpha(z)] - E_prior[grad f_alpha(z)],

    written as a loss to minimise: mean E_alpha(z_posterior) - mean E_alpha(z_prior).
    """
    return energy_pos.mean() - energy_neg.mean()
