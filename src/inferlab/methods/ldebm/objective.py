"""LDEBM's training objective (official `valid_loss` / `forward`), as pure functions of tensors."""

from __future__ import annotations

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


def total_loss(recon: torch.Tensor, entropy: torch.Tensor, prior_posterior: torch.Tensor,
               contrastive: torch.Tensor, logits: torch.Tensor | None, pseudo_labels: torch.Tensor | None, *,
               kl_weight: float, mi_weight: float, cls_weight: float) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """recon + kl_weight (entropy + prior term + contrastive) - mi_weight I(y; z) + cls_weight CE(f(z_0, 0), labels)."""
    zero = recon.new_zeros(())
    mi = mutual_information(logits) if logits is not None else zero
    cls = F.cross_entropy(logits, pseudo_labels) if logits is not None and pseudo_labels is not None else zero
    loss = recon + kl_weight * (entropy + prior_posterior + contrastive) - mi_weight * mi + cls_weight * cls
    return loss, {"recon": recon, "zkl": entropy + prior_posterior, "cd": contrastive, "mi": mi, "cls": cls}
