"""LanMDP's maximum-likelihood objective from state-only sequences (Qin et al. 2023, eq. 7-9), pure functions.

The policy is learned by importance sampling the latent action: a_i ~ p_alpha(a | context), i = 1..K, weighted by
how well each explains the observed next state, w_i ∝ p_beta(s_{t+1} | s_t, a_i). The gradient of log p(s_{t+1} |
context) is E_posterior[grad f] - E_prior[grad f] ≈ mean_i (w_i - 1) grad f(a_i) with self-normalised w (mean 1).
"""

from __future__ import annotations

import math

import torch

from inferlab.core.importance import self_normalised_weights


def gaussian_log_prob(residual: torch.Tensor, sigma: float) -> torch.Tensor:
    """log N(residual; 0, sigma I) over the last dim (official: MultivariateNormal with covariance sigma * I)."""
    d = residual.shape[-1]
    return -0.5 * residual.pow(2).sum(-1) / sigma - 0.5 * d * math.log(2 * math.pi * sigma)


def one_sigma_floor(state_dim: int, sigma: float) -> float:
    """Floor on log p_beta for MuJoCo: the log-density of a residual one standard deviation off in every entry,
    -d/2 log(2 pi sigma) - d/2 for covariance sigma I. The official `thr` (mujoco/main.py) writes
    -d/2 log(2 pi) - d log(sigma) - d/2, i.e. takes sigma as a std while the density takes it as a variance; with
    sigma = 0.1 that floor lies above the density's maximum, so every weight is floored to the same value and the
    weighted loss vanishes. We keep the floor's stated meaning (README: differences)."""
    return -state_dim / 2 * math.log(2 * math.pi * sigma) - state_dim / 2


def lanmdp_loss(energy: torch.Tensor, log_lik: torch.Tensor, *, floor: float, energy_reg: float,
                grad_penalty: torch.Tensor | float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """Loss = -mean[(w_i - 1) f(a_i)] + energy_reg * mean f^2 + grad_penalty, for energy = f (B, K) at the K prior
    samples and their transition log-likelihoods (B, K); w = K-normalised weights of the floored log-likelihoods
    (held constant). Returns (loss, w)."""
    w = self_normalised_weights(log_lik.detach(), floor=floor)
    return -((w - 1.0) * energy).mean() + energy_reg * energy.pow(2).mean() + grad_penalty, w


def action_grad_penalty(energy: torch.Tensor, actions: torch.Tensor, margin: float) -> torch.Tensor:
    """mean(max(|df/da|_inf - margin, 0)^2) (official MuJoCo regulariser), differentiable in the parameters;
    `actions` must require grad and `energy` be computed from them."""
    (grad,) = torch.autograd.grad(energy.sum(), actions, create_graph=True)
    return (grad.abs().amax(-1) - margin).clamp_min(0).pow(2).mean()
