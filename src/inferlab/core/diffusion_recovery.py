"""Diffusion recovery likelihood over a few coarse noise levels (Gao et al. 2021; as LDEBM, Yu et al. 2022, runs
it in latent space).

Levels t = 0..T: z_{t+1} = a_{t+1} z_t + sigma_{t+1} eps, with z_0 already one fine step from the data and a_s the
products of sqrt(1 - beta) of a 1000-step linear beta schedule between T+1 picked fine indices. The model at level t
is the conditional (recovery) density

    p(y | z_{t+1}) ∝ exp(f(y, t) / b0 - |y - r_{t+1} z_{t+1}|^2 / (2 sigma_{t+1}^2)),   y = a'_{t+1} z_t,

with r = 1 below the top level and r = 0 at it (the top level is an EBM tilting N(0, sigma_T^2)), a' = a except
a'_T = 1, and b0 = the level's squared Langevin step size during sampling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from inferlab.core.langevin import LangevinStats, langevin_sample
from inferlab.errors import UserError

LevelDensity = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
"""f(y (B, D), t (B,) long) -> unnormalised log density (B,) at level t."""


@dataclass(frozen=True)
class RecoverySchedule:
    """Per-level coefficients, each a float64 numpy array of length T + 1 (index = level)."""

    a: np.ndarray
    """sqrt(1 - sigma^2): scale of z_t in z_{t+1}."""
    sigma: np.ndarray
    """Noise std added going from z_t to z_{t+1}."""
    a_cum: np.ndarray
    """Cumulative product of a: z_t = a_cum[t] z + sigma_cum[t] eps."""
    sigma_cum: np.ndarray
    """sqrt(1 - a_cum^2)."""
    a_prev: np.ndarray
    """a with its last entry set to 1 (the top level is not rescaled)."""
    is_recovery: np.ndarray
    """1 for levels whose density is conditioned on the noisier level, 0 for the top one."""

    @property
    def levels(self) -> int:
        """T: the number of recovery densities (and of Langevin chains per ancestral sample)."""
        return len(self.a) - 1

    def at(self, name: str, t: torch.Tensor) -> torch.Tensor:
        """Coefficient `name` at levels t (B,) as a float32 column (B, 1) on t's device."""
        values = torch.as_tensor(getattr(self, name), dtype=torch.float32, device=t.device)
        return values[t].unsqueeze(1)


def recovery_schedule(levels: int = 6, beta_start: float = 1e-4, beta_end: float = 0.02,
                      fine_steps: int = 1000) -> RecoverySchedule:
    """T = `levels` coarse levels from a linear beta schedule over `fine_steps` (official LDEBM `_get_sigma_schedule`):
    fine indices k * (fine_steps // (2 (T - 1))) for k < T, then fine_steps - 1; a_i multiplies sqrt(1 - beta) over
    the fine steps between consecutive picked indices."""
    if levels < 2 or fine_steps < 2 * (levels - 1):
        raise UserError(f"diffusion levels={levels} with {fine_steps} fine steps: need levels >= 2 and "
                        "fine_steps >= 2 (levels - 1).")
    sqrt_alphas = np.sqrt(1.0 - np.linspace(beta_start, beta_end, fine_steps, dtype=np.float64))
    idx = [k * (fine_steps // ((levels - 1) * 2)) for k in range(levels)] + [fine_steps - 1]
    a = np.array([np.prod(sqrt_alphas[: idx[0] + 1])]
                 + [np.prod(sqrt_alphas[idx[i - 1] + 1: idx[i] + 1]) for i in range(1, len(idx))])
    a_cum = np.cumprod(a)
    a_prev = a.copy()
    a_prev[-1] = 1.0
    is_recovery = np.ones(levels + 1)
    is_recovery[-1] = 0.0
    return RecoverySchedule(a=a, sigma=np.sqrt(1 - a**2), a_cum=a_cum, sigma_cum=np.sqrt(1 - a_cum**2),
                            a_prev=a_prev, is_recovery=is_recovery)


def diffuse(z: torch.Tensor, t: torch.Tensor, sched: RecoverySchedule) -> torch.Tensor:
    """z_t ~ q(z_t | z) = N(a_cum[t] z, sigma_cum[t]^2 I) for levels t (B,)."""
    return sched.at("a_cum", t) * z + sched.at("sigma_cum", t) * torch.randn_like(z)


def diffuse_step(z_t: torch.Tensor, t_next: torch.Tensor, sched: RecoverySchedule) -> torch.Tensor:
    """z_{t+1} ~ q(z_{t+1} | z_t) = N(a[t+1] z_t, sigma[t+1]^2 I), `t_next` = t + 1 (B,)."""
    return sched.at("a", t_next) * z_t + sched.at("sigma", t_next) * torch.randn_like(z_t)


def level_weight(t: torch.Tensor, sched: RecoverySchedule) -> torch.Tensor:
    """Loss weight of level t (B,): sigma_1 / sigma_{t+1} (official `loss_scale`)."""
    return float(sched.sigma[1]) / sched.at("sigma", t + 1).squeeze(1)


def recovery_log_prob(f: LevelDensity, y: torch.Tensor, t: torch.Tensor, z_next: torch.Tensor, b0: torch.Tensor,
                      sched: RecoverySchedule) -> torch.Tensor:
    """log p(y | z_{t+1}) + log Z = f(y, t) / b0 - r_{t+1} |y - z_{t+1}|^2 / (2 sigma_{t+1}^2), per sample; at the top
    level (r = 0) the Gaussian term is |y|^2 / (2 sigma_T^2), the N(0, sigma_T^2) reference."""
    sigma, r = sched.at("sigma", t + 1), sched.at("is_recovery", t + 1)
    return f(y, t) / b0.view(-1) - ((y - z_next * r) ** 2 / (2 * sigma**2)).sum(1)


def recovery_langevin(f: LevelDensity, z_next: torch.Tensor, t: torch.Tensor, sched: RecoverySchedule, *,
                      steps: int, step_size: float, noise: bool = True,
                      max_abs: float = 1e4) -> tuple[torch.Tensor, LangevinStats]:
    """z_t ~ p(z_t | z_{t+1}) by Langevin on y = a'_{t+1} z_t started at y = z_{t+1} (official `_p_sample_langevin`).

    Per-sample step s_t^2 = (sigma_cum[t] / sigma_cum[0]) * step_size * sigma_{t+1}^2, and f enters divided by
    b0 = s_t^2, so y <- y + (1/2) grad f + (s_t^2/2) grad[-|y - r z_{t+1}|^2 / (2 sigma^2)] + s_t eps. Returns
    z_t = y / a'_{t+1}."""
    s2 = sched.at("sigma_cum", t) / float(sched.sigma_cum[0]) * step_size * sched.at("sigma", t + 1) ** 2  # (B, 1)
    y, stats = langevin_sample(lambda y: -recovery_log_prob(f, y, t, z_next, s2, sched), z_next, steps, s2.sqrt(),
                               noise=noise, max_abs=max_abs, name=f"recovery Langevin (level {int(t.max())})")
    return y / sched.at("a_prev", t + 1), stats


def ancestral_sample(f: LevelDensity, noise: torch.Tensor, sched: RecoverySchedule, *, steps: int, step_size: float,
                     max_abs: float = 1e4) -> torch.Tensor:
    """z_0 from z_T = noise ~ N(0, I): recovery Langevin at levels T-1, ..., 0 (official `p_sample_progressive`)."""
    z = noise
    for level in range(sched.levels - 1, -1, -1):
        t = torch.full((z.shape[0],), level, dtype=torch.long, device=z.device)
        z, _ = recovery_langevin(f, z, t, sched, steps=steps, step_size=step_size, max_abs=max_abs)
    return z.detach()


def recovery_contrastive_loss(f: LevelDensity, z_pos: torch.Tensor, z_neg: torch.Tensor, t: torch.Tensor,
                              sched: RecoverySchedule) -> torch.Tensor:
    """Recovery-likelihood gradient as a loss: mean_b w_t [f(a' z_neg, t) - f(a' z_pos, t)], w_t = sigma_1 /
    sigma_{t+1}; z_pos the diffused posterior sample at level t, z_neg its recovery-Langevin sample."""
    a = sched.at("a_prev", t + 1)
    return (level_weight(t, sched) * (f(a * z_neg, t) - f(a * z_pos, t))).mean()


def log_gaussian(z: torch.Tensor, mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """log N(z; mean, exp(log_var)) summed over the last dimension (per sample)."""
    return (-(z - mean) ** 2 / (2 * log_var.exp()) - 0.5 * log_var - 0.5 * np.log(2 * np.pi)).sum(-1)


def recovery_log_prior_bound(f: LevelDensity, z: torch.Tensor, sched: RecoverySchedule) -> torch.Tensor:
    """Estimate of log p(z) per sample along one diffusion path (official `_prior_lb`):

        sum_{t=1}^{T} [ log p~(a'_t z_{t-1} | z_t) - log mean_batch exp(log p~(a'_t z_{t-1} | z~_t) - log q(z_{t-1}|z))
                        - log q(z~_t | z_{t-1}) ] + log N(z_T; 0, I),

    z_t ~ q(z_t | z) drawn independently per level, z~_t ~ q(z~_t | z_{t-1}); p~ with b0 = 1. The inner log-mean-exp
    over the batch is an importance-sampled log partition function with the diffusion marginal as proposal."""
    levels = sched.levels
    ones = torch.ones(z.shape[0], dtype=torch.long, device=z.device)
    one_step = [diffuse(z, ones * t, sched) for t in range(levels + 1)]
    inc = [one_step[0]] + [diffuse_step(one_step[t - 1], ones * t, sched) for t in range(1, levels + 1)]
    b0 = torch.ones(z.shape[0], device=z.device)
    total = torch.zeros(z.shape[0], dtype=torch.float64, device=z.device)
    for level in range(1, levels + 1):
        t, prev = ones * (level - 1), one_step[level - 1]
        y = sched.at("a_prev", ones * level) * prev
        log_q_prev = log_gaussian(prev.double(), z.double() * float(sched.a_cum[level - 1]),
                                  torch.full_like(prev, 2 * np.log(sched.sigma_cum[level - 1]), dtype=torch.float64))
        log_ratio = recovery_log_prob(f, y, t, inc[level], b0, sched).double() - log_q_prev
        log_z = torch.logsumexp(log_ratio, 0) - np.log(len(log_ratio))
        log_q_inc = log_gaussian(inc[level].double(), prev.double() * float(sched.a[level]),
                                 torch.full_like(prev, 2 * np.log(sched.sigma[level]), dtype=torch.float64))
        total = total + recovery_log_prob(f, y, t, one_step[level], b0, sched).double() - log_z - log_q_inc
    return total + log_gaussian(one_step[-1].double(), torch.zeros_like(z, dtype=torch.float64),
                                torch.zeros_like(z, dtype=torch.float64))
