"""Variance-preserving diffusion written in log-SNR: schedules, the eps-prediction loss, the ancestral sampler.

Forward process (Kingma et al. 2021, "Variational Diffusion Models"), time u in [0, 1] with u = 0 clean:

    z_u = alpha_u z_0 + sigma_u eps,   alpha_u^2 = sigmoid(lambda_u),   sigma_u^2 = sigmoid(-lambda_u),

where lambda_u = log(alpha_u^2 / sigma_u^2) is the log signal-to-noise ratio, decreasing in u. A schedule is any
function u -> lambda_u; losses and samplers only see log-SNRs, so other schedules plug in unchanged.
A denoiser is an `EpsFn`: (z_u, lambda_u of shape (B,)) -> eps_hat, the predicted noise.
"""

from __future__ import annotations

import math
from functools import partial
from typing import Callable, Literal

import torch

Schedule = Callable[[torch.Tensor], torch.Tensor]
EpsFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def cosine_logsnr(u: torch.Tensor, logsnr_min: float = -5.1, logsnr_max: float = 9.8) -> torch.Tensor:
    """Truncated cosine schedule (Nichol & Dhariwal 2021 in log-SNR form; Salimans & Ho 2022):

        lambda(u) = -2 log tan(a u + b),   b = arctan(exp(-lambda_max / 2)),   a = arctan(exp(-lambda_min / 2)) - b,

    so lambda(0) = logsnr_max and lambda(1) = logsnr_min.
    """
    b = math.atan(math.exp(-0.5 * logsnr_max))
    a = math.atan(math.exp(-0.5 * logsnr_min)) - b
    return -2.0 * torch.log(torch.tan(a * u + b))


def cosine_schedule(logsnr_min: float = -5.1, logsnr_max: float = 9.8) -> Schedule:
    """`cosine_logsnr` with its clipping range fixed."""
    return partial(cosine_logsnr, logsnr_min=logsnr_min, logsnr_max=logsnr_max)


def alpha_sigma(logsnr: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(alpha, sigma) with alpha^2 = sigmoid(lambda), sigma^2 = sigmoid(-lambda), so alpha^2 + sigma^2 = 1."""
    return torch.sigmoid(logsnr).sqrt(), torch.sigmoid(-logsnr).sqrt()


def _per_sample(v: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """(B,) -> (B, 1, ..., 1) broadcasting against `like` (B, ...)."""
    return v.reshape(-1, *([1] * (like.dim() - 1)))


def diffuse(z0: torch.Tensor, logsnr: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """z_u = alpha_u z_0 + sigma_u eps, with one log-SNR per sample."""
    alpha, sigma = alpha_sigma(_per_sample(logsnr, z0))
    return alpha * z0 + sigma * eps


def eps_prediction_loss(eps_fn: EpsFn, z0: torch.Tensor, schedule: Schedule) -> torch.Tensor:
    """Denoising score matching with eps-prediction in continuous time (Ho et al. 2020 L_simple; Kingma 2021):

        L = E_{u ~ U(0,1), eps ~ N(0,I)} 1/2 |eps - eps_hat(alpha_u z_0 + sigma_u eps, lambda_u)|^2,

    summed over dimensions and averaged over the batch.
    """
    logsnr = schedule(torch.rand(z0.shape[0], device=z0.device))  # (B,)
    eps = torch.randn_like(z0)
    return 0.5 * (eps - eps_fn(diffuse(z0, logsnr, eps), logsnr)).pow(2).flatten(1).sum(1).mean()


@torch.no_grad()
def ddpm_ancestral_sample(eps_fn: EpsFn, z1: torch.Tensor, schedule: Schedule, steps: int,
                          variance: Literal["large", "small"] = "large") -> torch.Tensor:
    """Ancestral sampling (Ho et al. 2020, Algorithm 2, in the log-SNR form of Kingma et al. 2021, eq. 32).

    From z_1 = noise, for t = u_i, s = u_{i-1} on the grid u_i = i / (steps - 1), i = steps-1 .. 1:

        x_hat = (z_t - sigma_t eps_hat) / alpha_t,   r = exp(lambda_t - lambda_s),
        z_s = r (alpha_s / alpha_t) z_t + (1 - r) alpha_s x_hat + sqrt(v) eps,
        v = (1 - r) sigma_t^2 ("large") or (1 - r) sigma_s^2 ("small", the true posterior variance);

    the last network call (u = 0) returns x_hat without noise. `steps` network evaluations in all.
    """
    if steps < 2:
        raise ValueError(f"ancestral sampling needs steps >= 2, got {steps}")
    grid = torch.linspace(0.0, 1.0, steps, device=z1.device)
    z = z1
    for i in range(steps - 1, 0, -1):
        logsnr_t, logsnr_s = schedule(grid[i]), schedule(grid[i - 1])
        (alpha_t, sigma_t), (alpha_s, sigma_s) = alpha_sigma(logsnr_t), alpha_sigma(logsnr_s)
        x_hat = predict_x0(eps_fn, z, logsnr_t)
        r = torch.exp(logsnr_t - logsnr_s)
        var = (1 - r) * (sigma_t if variance == "large" else sigma_s) ** 2
        z = r * alpha_s / alpha_t * z + (1 - r) * alpha_s * x_hat + var.sqrt() * torch.randn_like(z)
    return predict_x0(eps_fn, z, schedule(grid[0]))


def predict_x0(eps_fn: EpsFn, z: torch.Tensor, logsnr: torch.Tensor) -> torch.Tensor:
    """x_hat = (z_u - sigma_u eps_hat(z_u, lambda_u)) / alpha_u for one shared (scalar) log-SNR."""
    alpha, sigma = alpha_sigma(logsnr)
    return (z - sigma * eps_fn(z, logsnr.expand(z.shape[0]))) / alpha
