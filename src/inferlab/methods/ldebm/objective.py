"""LDEBM's training objective (official `valid_loss` / `forward`), as pure functions of tensors."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from inferlab.core.coupling_prior import mutual_information


def entropy_term(log_var: torch.Tensor, free_bits: float | None) -> torch.Tensor:
    """-H(q(z|x)) + const = sum_d -(1 + log var_d) / 2, averaged over the batch; with free bits only dimensions
    whose term exceeds the threshold count (official `kl_mask`)."""
    per_dim = -0.5 * (1 + log_var)  # (B, D)
    if free_bits is not None:
        per_dim = per_dim * (per_dim > free_bits).float()
    return per_dim.sum(1).mean()


def gaussian_kl_term(mu: torch.Tensor, log_var: torch.Tensor, free_bits: float | None) -> torch.Tensor:
    """KL(q(z|x) || N(0, I)) = sum_d (mu_d^2 + var_d - 1 - log var_d) / 2, averaged over the batch; with free bits only
    dimensions whose KL exceeds the threshold count (SVEBM-IB's `zkl` with `kl_mask`)."""
    per_dim = 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var)  # (B, D)
    if free_bits is not None:
        per_dim = per_dim * (per_dim > free_bits).float()
    return per_dim.sum(1).mean()


def cyclic_kl_schedule(total: int, cycles: int, peak: float, ratio_zero: float = 0.5,
                       ratio_increase: float = 0.25) -> np.ndarray:
    """KL weight of each of `total` updates (SVEBM-IB's `frange_cycle_zero_linear`): `cycles` periods of total / cycles
    updates; in each, 0 for the first ratio_zero of the period, then rising from 0 by peak / (period ratio_increase)
    per update until it would pass `peak`, then `peak` to the period's end. cycles = 0 gives `peak` throughout."""
    weights = np.full(total, peak, dtype=np.float64)
    if cycles <= 0:
        return weights
    period = total / cycles
    rise = peak / (period * ratio_increase)
    for c in range(cycles):
        value, i = 0.0, 0
        while value <= peak and int(i + c * period) < total:
            if i < period * ratio_zero:
                weights[int(i + c * period)] = 0.0
            else:
                weights[int(i + c * period)] = value
                value += rise
            i += 1
    return weights


def total_loss(recon: torch.Tensor, entropy: torch.Tensor, prior_posterior: torch.Tensor,
               contrastive: torch.Tensor, logits: torch.Tensor | None, pseudo_labels: torch.Tensor | None, *,
               kl_weight: float, mi_weight: float, cls_weight: float) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """recon + kl_weight (entropy + prior term + contrastive) - mi_weight I(y; z) + cls_weight CE(f(z_0, 0), labels)."""
    zero = recon.new_zeros(())
    mi = mutual_information(logits) if logits is not None else zero
    cls = F.cross_entropy(logits, pseudo_labels) if logits is not None and pseudo_labels is not None else zero
    loss = recon + kl_weight * (entropy + prior_posterior + contrastive) - mi_weight * mi + cls_weight * cls
    return loss, {"recon": recon, "zkl": entropy + prior_posterior, "cd": contrastive, "mi": mi, "cls": cls}
