"""The EM distillation update (Xie et al. 2024, Algorithm 1) and its K = 0 special case, Diff-Instruct / VSD.

Student x = g_theta(z), z ~ N(0, I); at noise level sigma (EDM form, alpha_t = 1) its diffused sample is
x_t = g_theta(z) + sigma eps. The E-step draws (eps, z) from the joint of the teacher's diffused marginal and the
student's latent posterior, written in the reparametrised variables (eps, z) (paper Sec. 3.3):

    log pi(eps, z) = log p_teacher,sigma(x_t) - log p_theta,sigma(x_t) + log N(eps; 0, I) + log N(z; 0, I),
    grad_eps = sigma ds(x_t) - eps,   grad_z = J_g(z)^T ds(x_t) - z,   ds = s_teacher - s_phi = (D_T - D_phi) / sigma^2,

where the fake score s_phi (trained on student samples) stands in for the intractable student score. Langevin:
v_{k+1} = v_k + gamma_v grad_v + sqrt(2 gamma_v) n_k for v in {eps, z}. Noise cancellation (paper Sec. 3.4) removes
from eps what eps_0 and the injected n_k contribute to it: that part evolves as nu_{k+1} = (1 - gamma) nu_k +
sqrt(2 gamma) n_k, nu_0 = eps_0, so eps_k - nu_k holds only the score-difference drift. The M-step regresses
g_theta(z_K) onto x_t* = g(z_K) + sigma r, r = the eps after one more noise-free update. With cancellation
r = sum_k (1 - gamma)^(K - k) gamma sigma ds(x_t^k), whose weights total c_K = 1 - (1 - gamma)^(K + 1); the M-step
weight w(sigma) / sigma^2 = 1 / c_K makes every K move g_theta at the same scale, and at K = 0 (c_0 = gamma) the
gradient is exactly Diff-Instruct's -J^T (D_T - D_phi).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from inferlab.core.diffusion import DenoiseFn, edm_sigma_sample, per_sample

Generator = Callable[[torch.Tensor], torch.Tensor]
"""z -> x = g_theta(z) (labels, if any, already bound)."""


@dataclass(frozen=True)
class EStep:
    """Result of the E-step: the final latent z_K, the student's sample x = g(z_K) at it (with the generator's
    autograd graph when gradients are enabled: the M-step's prediction) and the M-step residual r
    (x_t* = g(z_K) + sigma r)."""

    z: torch.Tensor
    x: torch.Tensor
    residual: torch.Tensor


def score_difference(teacher: DenoiseFn, fake: DenoiseFn, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """s_teacher(x) - s_phi(x) = (D_teacher(x; sigma) - D_phi(x; sigma)) / sigma^2 (the x terms cancel)."""
    with torch.no_grad():
        return (teacher(x, sigma) - fake(x, sigma)) / per_sample(sigma, x) ** 2


def distill_sigmas(n: int, p_mean: float, p_std: float, sigma_min: float, sigma_max: float, device) -> torch.Tensor:
    """Noise levels of the distillation steps: EDM's log-normal, clipped to [sigma_min, sigma_max]; shape (n,)."""
    return edm_sigma_sample(n, p_mean, p_std, device).clamp(sigma_min, sigma_max)


def emd_estep(generator: Generator, teacher: DenoiseFn, fake: DenoiseFn, z0: torch.Tensor, eps0: torch.Tensor,
              sigma: torch.Tensor, *, steps: int, eps_step: float, z_step: float,
              noise_cancellation: bool = True) -> EStep:
    """K reparametrised Langevin steps on (eps, z), then the noise-free eps update that gives the M-step residual."""
    s = per_sample(sigma, eps0)
    eps, z, nu = eps0, z0.detach(), eps0

    for _ in range(steps):
        with torch.enable_grad():
            z_var = z.detach().requires_grad_(True)
            x = generator(z_var)
            ds = score_difference(teacher, fake, x.detach() + s * eps, sigma)  # (B, ...)
            jt_ds = torch.autograd.grad(x, z_var, ds)[0]  # J_g(z)^T ds
        n_eps = (2 * eps_step) ** 0.5 * torch.randn_like(eps)
        eps = eps + eps_step * (s * ds - eps) + n_eps
        nu = (1 - eps_step) * nu + n_eps
        z = z + z_step * (jt_ds - z) + (2 * z_step) ** 0.5 * torch.randn_like(z)
    x = generator(z)  # the final noise-free eps update needs no Jacobian; this forward is also the M-step's
    eps = eps + eps_step * (s * score_difference(teacher, fake, x.detach() + s * eps, sigma) - eps)
    return EStep(z=z, x=x, residual=eps - (1 - eps_step) * nu if noise_cancellation else eps)


def emd_mstep_loss(estep: EStep, sigma: torch.Tensor, eps_step: float, steps: int) -> torch.Tensor:
    """M-step: |sg(x_t*) - g_theta(z_K)|^2 / (2 c_K) with x_t* = g(z_K) + sigma r, c_K = 1 - (1 - gamma)^(K + 1),
    summed over dimensions and averaged over the batch (the paper's weighted regression, w(sigma) = sigma^2 / c_K).
    g_theta(z_K) is the E-step's `x`, whose graph carries the gradient to theta."""
    x = estep.x
    target = (x + per_sample(sigma, x) * estep.residual).detach()
    return 0.5 / (1 - (1 - eps_step) ** (steps + 1)) * (target - x).pow(2).flatten(1).sum(1).mean()


def diff_instruct_loss(generator: Generator, teacher: DenoiseFn, fake: DenoiseFn, z: torch.Tensor, eps: torch.Tensor,
                       sigma: torch.Tensor) -> torch.Tensor:
    """Diff-Instruct / VSD (Luo et al. 2023; Wang et al. 2023) with weight sigma^2: a surrogate whose theta-gradient
    is E J_g(z)^T (D_phi(x_t) - D_teacher(x_t)) = -E sigma^2 J^T (s_teacher - s_phi), x_t = g(z) + sigma eps."""
    x = generator(z)
    ds = score_difference(teacher, fake, x.detach() + per_sample(sigma, x) * eps, sigma)
    return -(per_sample(sigma, x) ** 2 * ds * x).flatten(1).sum(1).mean()
