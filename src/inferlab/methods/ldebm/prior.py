"""The three latent priors LDEBM's bench compares, behind one interface.

Each gives, for a posterior sample z ~ q(z|x) (with gradient to the encoder):
  posterior  the prior's share of KL(q || p) as the encoder sees it, -E_q log p(z) + const (prior frozen);
  contrastive  the prior's own maximum-likelihood loss (gradient to the prior only);
  logits  class logits of p(y|z) for the information bottleneck and the pseudo-label loss (None for N(0, I)).
`gaussian_kl` says whether the encoder's own term is the analytic KL to N(0, I) (SVEBM-IB) or the entropy term
(LDEBM, whose prior term carries the Gaussian part; the VAE, by the same estimator).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from inferlab.core.coupling_prior import SymbolVectorCoupling
from inferlab.core.diffusion_recovery import (RecoverySchedule, ancestral_sample, diffuse, diffuse_step,
                                              level_weight, recovery_contrastive_loss, recovery_langevin,
                                              recovery_log_prior_bound)
from inferlab.core.langevin import langevin_sample
from inferlab.core.optim import eval_mode, frozen


@dataclass
class PriorTerms:
    posterior: torch.Tensor
    contrastive: torch.Tensor
    logits: torch.Tensor | None


def _levels(n: int, level: int, device: torch.device) -> torch.Tensor:
    return torch.full((n,), level, dtype=torch.long, device=device)


class DiffusionPrior(nn.Module):
    """LDEBM: f(z, t) over T levels learned by diffusion recovery likelihood (official modules/ldebm.py LEBM)."""

    gaussian_kl = False

    def __init__(self, net: SymbolVectorCoupling, sched: RecoverySchedule, *, steps: int, step_size: float,
                 max_abs: float):
        super().__init__()
        self.net, self.sched = net, sched
        self.steps, self.step_size, self.max_abs = steps, step_size, max_abs

    def f(self, y: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        return self.net.log_density(y, t)

    def _chain(self, z_next: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Negative sample of level t; f in eval mode (spectral norms frozen during the chain)."""
        with eval_mode(self.net):
            z, _ = recovery_langevin(self.f, z_next.detach(), t, self.sched, steps=self.steps, step_size=self.step_size,
                                     max_abs=self.max_abs)
        return z.detach()

    def terms(self, z: torch.Tensor) -> PriorTerms:
        """Official `sample_latent_training_pairs` + `get_prior_loss` + `get_ebm_loss`: a level t ~ U{0..T-2} per
        sample plus the top level T-1, each weighted by sigma_1 / sigma_{t+1}."""
        s, n, dev = self.sched, z.shape[0], z.device
        top = _levels(n, s.levels - 1, dev)
        t = torch.randint(0, s.levels - 1, (n,), device=dev)
        z_pos = diffuse(z, t, s)
        z_neg0 = diffuse_step(z_pos, t + 1, s)
        z_top = diffuse(z, top, s)
        z_top_next = diffuse_step(z_top, top + 1, s)
        with frozen(self.net):
            w_top = level_weight(top, s)
            posterior = (-(level_weight(t, s) * self.f(s.at("a_prev", t + 1) * z_pos, t)).mean()
                         - (w_top * self.f(z_top, top)).mean()
                         + (w_top * 0.5 * z_top.pow(2).sum(1)).mean())
        z_neg, z_top_neg = self._chain(z_neg0, t), self._chain(z_top_next, top)
        contrastive = (recovery_contrastive_loss(self.f, z_pos.detach(), z_neg, t, s)
                       + recovery_contrastive_loss(self.f, z_top.detach(), z_top_neg, top, s))
        return PriorTerms(posterior, contrastive, self.classify(diffuse(z, _levels(n, 0, dev), s)))

    def classify(self, z0: torch.Tensor) -> torch.Tensor:
        """Logits of p(y | z_0) = softmax f(a'_1 z_0, 0) (official IB / cls input)."""
        t0 = _levels(z0.shape[0], 0, z0.device)
        return self.net(self.sched.at("a_prev", t0 + 1) * z0, t0)

    def sample(self, n: int, device: torch.device) -> torch.Tensor:
        noise = torch.randn(n, self.net.latent_dim, device=device)
        return ancestral_sample(self.f, noise, self.sched, steps=self.steps, step_size=self.step_size,
                                max_abs=self.max_abs)

    def log_prob(self, z: torch.Tensor) -> torch.Tensor:
        return recovery_log_prior_bound(self.f, z, self.sched)


class SVEBMPrior(nn.Module):
    """SVEBM-IB (Pang & Wu 2021, official bpucla/ibebm): p(z) ∝ exp(LSE f(z)) N(0, I) with f an MLP z -> K logits,
    learned with short-run Langevin from N(0, I). Its encoder term is the analytic KL to N(0, I) (`gaussian_kl`)
    plus -f(z), as the official `zkl - prob_pos`."""

    gaussian_kl = True

    def __init__(self, net: nn.Module, latent_dim: int, *, steps: int, step_size: float, max_abs: float,
                 partition_samples: int):
        super().__init__()
        self.net, self.latent_dim = net, latent_dim
        self.steps, self.step_size, self.max_abs = steps, step_size, max_abs
        self.partition_samples = partition_samples

    def f(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z).logsumexp(-1)

    def energy(self, z: torch.Tensor) -> torch.Tensor:
        """-log p(z) + log Z = -LSE f(z) + |z|^2 / 2."""
        return -self.f(z) + 0.5 * z.pow(2).sum(1)

    def sample(self, n: int, device: torch.device) -> torch.Tensor:
        z0 = torch.randn(n, self.latent_dim, device=device)
        z, _ = langevin_sample(self.energy, z0, self.steps, self.step_size, max_abs=self.max_abs,
                               name="SVEBM prior Langevin")
        return z.detach()

    def terms(self, z: torch.Tensor) -> PriorTerms:
        with frozen(self.net):
            posterior = -self.f(z).mean()
        z_neg = self.sample(z.shape[0], z.device)
        contrastive = self.f(z_neg).mean() - self.f(z.detach()).mean()
        return PriorTerms(posterior, contrastive, self.classify(z))

    def classify(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)

    def log_prob(self, z: torch.Tensor) -> torch.Tensor:
        """LSE f(z) + log N(z; 0, I) - log Z, log Z = log E_{N(0, I)} exp(LSE f) from `partition_samples` draws."""
        ref = torch.randn(self.partition_samples, z.shape[1], device=z.device)
        log_z = torch.logsumexp(self.f(ref).double(), 0) - math.log(self.partition_samples)
        log_normal = -0.5 * z.pow(2).sum(1) - 0.5 * z.shape[1] * np.log(2 * np.pi)
        return self.f(z).double() + log_normal.double() - log_z


class GaussianPrior(nn.Module):
    """p(z) = N(0, I): the VAE."""

    gaussian_kl = False

    def __init__(self, latent_dim: int):
        super().__init__()
        self.latent_dim = latent_dim

    def terms(self, z: torch.Tensor) -> PriorTerms:
        return PriorTerms(0.5 * z.pow(2).sum(1).mean(), torch.zeros((), device=z.device), None)

    def classify(self, z: torch.Tensor) -> None:
        return None

    def sample(self, n: int, device: torch.device) -> torch.Tensor:
        return torch.randn(n, self.latent_dim, device=device)

    def log_prob(self, z: torch.Tensor) -> torch.Tensor:
        return (-0.5 * z.pow(2).sum(1) - 0.5 * z.shape[1] * np.log(2 * np.pi)).double()
