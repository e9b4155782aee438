"""A top-down latent variable model x = g(z) + noise with an energy-based or Gaussian prior on z.

    p(x | z) = N(x; g_beta(z), sigma_x^2 I),   p(z) = p_alpha(z) (LatentEBMPrior) or N(0, sigma^2 I).

Both inference (posterior) and generation (prior) are Langevin on the matching energy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch
from torch import nn

from inferlab.core.ebm import LatentEBMPrior, reference_energy
from inferlab.core.langevin import LangevinStats, langevin_sample
from inferlab.core.nets import build_decoder
from inferlab.engine.config import bounded


def squared_error(x: torch.Tensor, x_hat: torch.Tensor) -> torch.Tensor:
    """|x - x_hat|^2 summed over all dimensions, per sample."""
    return (x - x_hat).pow(2).flatten(1).sum(1)


def gaussian_nll(x: torch.Tensor, x_hat: torch.Tensor, sigma: float) -> torch.Tensor:
    """-log N(x; x_hat, sigma^2 I) + const = |x - x_hat|^2 / (2 sigma^2), per sample."""
    return squared_error(x, x_hat) / (2 * sigma**2)


class LatentVariableModel(nn.Module):
    """Generator g_beta plus a prior over z; `prior=None` means the fixed N(0, sigma^2 I) of ABP."""

    def __init__(self, *, generator: nn.Module, prior: LatentEBMPrior | None, latent_dim: int,
                 prior_sigma: float, likelihood_sigma: float):
        super().__init__()
        self.generator, self.prior = generator, prior
        self.latent_dim, self.prior_sigma, self.likelihood_sigma = latent_dim, prior_sigma, likelihood_sigma

    def prior_energy(self, z: torch.Tensor) -> torch.Tensor:
        """-log p(z) + const, per sample."""
        return self.prior.energy(z) if self.prior is not None else reference_energy(z, self.prior_sigma)

    def posterior_energy(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """-log p(x | z) - log p(z) + const, per sample (Pang et al. 2020, eq. 12)."""
        return gaussian_nll(x, self.generator(z), self.likelihood_sigma) + self.prior_energy(z)

    def reference_sample(self, n: int) -> torch.Tensor:
        """z ~ N(0, sigma^2 I): where prior and posterior chains start."""
        device = next(self.parameters()).device
        return self.prior_sigma * torch.randn(n, self.latent_dim, device=device)

    def sample_prior(self, n: int, *, steps: int, step_size: float, noise: bool = True,
                     z0: torch.Tensor | None = None, max_abs: float = 1e4) -> tuple[torch.Tensor, LangevinStats | None]:
        """z ~ p(z): exact for the Gaussian prior, short-run Langevin from z0 (default N(0, sigma^2 I)) for the EBM."""
        z0 = self.reference_sample(n) if z0 is None else z0
        if self.prior is None:
            return z0, None
        return langevin_sample(self.prior.energy, z0, steps, step_size, noise=noise, max_abs=max_abs,
                               name="prior Langevin")

    def sample_posterior(self, x: torch.Tensor, *, steps: int, step_size: float, noise: bool = True,
                         z0: torch.Tensor | None = None, max_abs: float = 1e4) -> tuple[torch.Tensor, LangevinStats]:
        """z ~ p(z | x) by short-run Langevin on -log p(x|z) - log p(z)."""
        z0 = self.reference_sample(x.shape[0]) if z0 is None else z0
        return langevin_sample(lambda z: self.posterior_energy(z, x), z0, steps, step_size, noise=noise,
                               max_abs=max_abs, name="posterior Langevin")

    @torch.no_grad()
    def generate(self, n: int, **prior_kwargs) -> torch.Tensor:
        z, _ = self.sample_prior(n, **prior_kwargs)
        return self.generator(z)


@dataclass(frozen=True)
class LatentModelConfig:
    """Generator and prior of a latent variable model (the `model` section of LEBM, DAMC and their kin)."""

    prior: Literal["ebm", "gaussian"] = "ebm"
    """ebm = the learned latent EBM prior; gaussian = fixed N(0, sigma^2 I), i.e. alternating back-propagation (ABP)."""
    latent_dim: int = bounded(8, ge=1)
    """Size of z."""
    generator: Literal["mlp", "conv"] = "mlp"
    """mlp for 8x8 digits and 2D toys; conv is the DCGAN generator of LEBM / DAMC for 32x32 images."""
    generator_width: int = bounded(256, ge=1)
    """Hidden units (mlp) or ngf (conv; the papers use 64 for SVHN)."""
    generator_layers: int = bounded(3, ge=1)
    """Linear layers of the mlp generator."""
    generator_init: Literal["default", "xavier"] = "default"
    """Weights of the conv generator's transposed convs: PyTorch's default init, or xavier_normal_ (official LEBM)."""
    energy_hidden: int = bounded(200, ge=1)
    """Hidden units of the energy MLP (the papers' ndf = 200)."""
    energy_layers: int = bounded(3, ge=1)
    """Linear layers of the energy MLP (the papers: 3)."""
    energy_activation: Literal["gelu", "lrelu", "relu", "silu"] = "gelu"
    """Activation of the energy MLP (LEBM's code: GELU; DAMC's: LeakyReLU 0.2)."""
    prior_sigma: float = bounded(1.0, gt=0)
    """sigma of the N(0, sigma^2 I) reference distribution."""
    likelihood_sigma: float = bounded(0.3, gt=0)
    """sigma_x of p(x|z) = N(g(z), sigma_x^2 I) (LEBM: 0.3; DAMC: 0.1)."""


def build_latent_model(cfg: LatentModelConfig, data_shape: tuple[int, ...]) -> LatentVariableModel:
    """g_beta (core.nets.build_decoder) with an EBM prior, or with none for the Gaussian prior."""
    prior = None
    if cfg.prior == "ebm":
        prior = LatentEBMPrior(latent_dim=cfg.latent_dim, hidden=cfg.energy_hidden, layers=cfg.energy_layers,
                               sigma=cfg.prior_sigma, activation=cfg.energy_activation)
    generator = build_decoder(cfg.generator, latent_dim=cfg.latent_dim, data_shape=data_shape,
                              width=cfg.generator_width, layers=cfg.generator_layers,
                              xavier=cfg.generator_init == "xavier")
    return LatentVariableModel(generator=generator, prior=prior, latent_dim=cfg.latent_dim,
                               prior_sigma=cfg.prior_sigma, likelihood_sigma=cfg.likelihood_sigma)
