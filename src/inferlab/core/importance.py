"""Self-normalised importance weights and their effective sample size (pure functions of tensors)."""

from __future__ import annotations

import torch


def self_normalised_weights(log_w: torch.Tensor, *, floor: float | torch.Tensor | None = None,
                            dim: int = -1) -> torch.Tensor:
    """w_i = K p_i / sum_j p_j along `dim`, from log p_i (K = size of `dim`), so the weights sum to K (mean 1).

    With `floor`, log p_i is first raised to at least `floor` (LanMDP's official code floors the transition
    log-likelihood so that no sample's weight underflows to zero). Computed as K * softmax(log p) for stability,
    which equals the official p / mean(p).
    """
    if floor is not None:
        log_w = torch.maximum(log_w, torch.as_tensor(floor, dtype=log_w.dtype, device=log_w.device))
    return log_w.shape[dim] * torch.softmax(log_w, dim=dim)


def effective_sample_size(weights: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """ESS = (sum w)^2 / sum w^2 along `dim`: K for equal weights, 1 when one sample holds all the weight."""
    return weights.sum(dim).pow(2) / weights.pow(2).sum(dim).clamp_min(torch.finfo(weights.dtype).tiny)
