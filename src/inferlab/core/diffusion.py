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


def per_sample(v: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """(B,) -> (B, 1, ..., 1) broadcasting against `like` (B, ...)."""
    return v.reshape(-1, *([1] * (like.dim() - 1)))


def diffuse(z0: torch.Tensor, logsnr: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """z_u = alpha_u z_0 + sigma_u eps, with one log-SNR per sample."""
    alpha, sigma = alpha_sigma(per_sample(logsnr, z0))
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


# --- EDM (Karras, Aittala, Aila & Laine 2022, "Elucidating the Design Space of Diffusion-Based Generative Models") ---
# Variance-exploding form x_sigma = x_0 + sigma n (s(t) = 1, sigma(t) = t). A `DenoiseFn` is (x_sigma, sigma (B,))
# -> D(x_sigma; sigma), the estimate of E[x_0 | x_sigma]; its score is grad log p_sigma(x) = (D - x) / sigma^2.

DenoiseFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


class EDMPrecond(torch.nn.Module):
    """Preconditioned denoiser (Karras 2022, Table 1 and eq. 7):

        D(x; sigma) = c_skip x + c_out F(c_in x, c_noise [, label]),
        c_skip = sd^2 / (sigma^2 + sd^2),  c_out = sigma sd / sqrt(sigma^2 + sd^2),
        c_in = 1 / sqrt(sigma^2 + sd^2),   c_noise = ln(sigma) / 4,

    with sd = sigma_data; `net(x, c_noise, label)` is the raw network F.
    """

    def __init__(self, net: torch.nn.Module, sigma_data: float = 0.5):
        super().__init__()
        self.net, self.sigma_data = net, sigma_data

    def forward(self, x: torch.Tensor, sigma: torch.Tensor, label: torch.Tensor | None = None) -> torch.Tensor:
        s, sd = per_sample(sigma, x), self.sigma_data
        c_skip, c_out = sd**2 / (s**2 + sd**2), s * sd / (s**2 + sd**2).sqrt()
        c_in = 1.0 / (s**2 + sd**2).sqrt()
        return c_skip * x + c_out * self.net(c_in * x, sigma.log() / 4, label)


def edm_sigma_sample(n: int, p_mean: float = -1.2, p_std: float = 1.2, device=None) -> torch.Tensor:
    """Training noise levels ln(sigma) ~ N(P_mean, P_std^2) (Karras 2022, Table 1), shape (n,)."""
    return (p_mean + p_std * torch.randn(n, device=device)).exp()


def edm_loss(denoise: DenoiseFn, x0: torch.Tensor, sigma: torch.Tensor, sigma_data: float = 0.5) -> torch.Tensor:
    """Denoising score matching with EDM weighting (Karras 2022, eq. 2 and Table 1):

        L = E lambda(sigma) |D(x_0 + sigma n; sigma) - x_0|^2,   lambda(sigma) = (sigma^2 + sd^2) / (sigma sd)^2,

    summed over dimensions and averaged over the batch; `sigma` (B,) is drawn by the caller.
    """
    weight = (sigma**2 + sigma_data**2) / (sigma * sigma_data) ** 2  # (B,)
    x = x0 + per_sample(sigma, x0) * torch.randn_like(x0)
    return (weight * (denoise(x, sigma) - x0).pow(2).flatten(1).sum(1)).mean()


def denoiser_score(denoise: DenoiseFn, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Tweedie: grad_x log p_sigma(x) = (D(x; sigma) - x) / sigma^2, with `sigma` of shape (B,)."""
    return (denoise(x, sigma) - x) / per_sample(sigma, x) ** 2


def guided(cond: DenoiseFn, uncond: DenoiseFn, scale: float) -> DenoiseFn:
    """Classifier-free guidance (Ho & Salimans 2022): D_w = D_uncond + w (D_cond - D_uncond); w = 1 is plain cond."""
    if scale == 1.0:
        return cond
    return lambda x, sigma: torch.lerp(uncond(x, sigma), cond(x, sigma), scale)


def karras_sigmas(steps: int, sigma_min: float = 0.002, sigma_max: float = 80.0, rho: float = 7.0,
                  device=None) -> torch.Tensor:
    """Noise levels of Karras 2022, eq. 5: sigma_i = (smax^(1/rho) + i/(N-1) (smin^(1/rho) - smax^(1/rho)))^rho,
    i = 0..N-1, followed by sigma_N = 0; shape (steps + 1,)."""
    ramp = torch.linspace(0, 1, steps, device=device)
    inv_max, inv_min = sigma_max ** (1 / rho), sigma_min ** (1 / rho)
    return torch.cat([(inv_max + ramp * (inv_min - inv_max)) ** rho, torch.zeros(1, device=device)])


def _ode_step(denoise: DenoiseFn, x: torch.Tensor, s_cur: torch.Tensor, s_next: torch.Tensor,
              second_order: bool) -> torch.Tensor:
    """One step of dx/dsigma = (x - D(x; sigma)) / sigma from s_cur to s_next; Heun's correction unless s_next = 0."""
    d = (x - denoise(x, s_cur.expand(x.shape[0]))) / s_cur
    x_next = x + (s_next - s_cur) * d
    if second_order and s_next > 0:
        d_next = (x_next - denoise(x_next, s_next.expand(x.shape[0]))) / s_next
        x_next = x + (s_next - s_cur) * 0.5 * (d + d_next)
    return x_next


@torch.no_grad()
def sample_euler(denoise: DenoiseFn, x: torch.Tensor, sigmas: torch.Tensor) -> torch.Tensor:
    """Euler on the probability-flow ODE (Karras 2022, Algorithm 1 without line 9); x starts at sigmas[0] noise.
    N network evaluations for N = len(sigmas) - 1."""
    for s_cur, s_next in zip(sigmas[:-1], sigmas[1:]):
        x = _ode_step(denoise, x, s_cur, s_next, second_order=False)
    return x


@torch.no_grad()
def sample_heun(denoise: DenoiseFn, x: torch.Tensor, sigmas: torch.Tensor) -> torch.Tensor:
    """Deterministic Heun sampler (Karras 2022, Algorithm 1); 2N - 1 network evaluations."""
    for s_cur, s_next in zip(sigmas[:-1], sigmas[1:]):
        x = _ode_step(denoise, x, s_cur, s_next, second_order=True)
    return x


@torch.no_grad()
def sample_edm_stochastic(denoise: DenoiseFn, x: torch.Tensor, sigmas: torch.Tensor, churn: float = 40.0,
                          s_tmin: float = 0.05, s_tmax: float = 50.0, s_noise: float = 1.003) -> torch.Tensor:
    """Stochastic sampler (Karras 2022, Algorithm 2): raise sigma_i to sigma_hat = (1 + gamma) sigma_i by adding
    noise of std sqrt(sigma_hat^2 - sigma_i^2) s_noise, gamma = min(churn / N, sqrt 2 - 1) inside [s_tmin, s_tmax],
    then one Heun step from sigma_hat to sigma_{i+1}; 2N - 1 network evaluations."""
    n = len(sigmas) - 1
    for s_cur, s_next in zip(sigmas[:-1], sigmas[1:]):
        gamma = min(churn / n, math.sqrt(2) - 1) if s_tmin <= s_cur <= s_tmax else 0.0
        s_hat = s_cur * (1 + gamma)
        x = x + (s_hat**2 - s_cur**2).sqrt() * s_noise * torch.randn_like(x)
        x = _ode_step(denoise, x, s_hat, s_next, second_order=True)
    return x


EDM_SAMPLERS = {"euler": sample_euler, "heun": sample_heun, "stochastic": sample_edm_stochastic}
"""Name -> sampler; each is (denoise, x ~ N(0, sigmas[0]^2 I), sigmas) -> x_0."""


def sampler_evaluations(name: str, steps: int) -> int:
    """Network evaluations of an EDM sampler with `steps` noise levels (the last step to 0 is a single Euler one)."""
    return steps if name == "euler" else 2 * steps - 1
