"""DRC's EM pieces and regularisers as pure functions of tensors (official src/models.py and src/loss.py)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

EPS = 1e-8


def l1_log_likelihood(x: torch.Tensor, mean: torch.Tensor, scale: float) -> torch.Tensor:
    """Per pixel and channel log p(x | expert) = -|x - mean| / scale, up to a constant. The posterior uses
    scale = 2 sigma^2 (sigma = 0.25); the official generator loss uses scale = 1."""
    return -(x - mean).abs() / scale


def responsibilities(pi_f: torch.Tensor, pi_b: torch.Tensor, log_pf: torch.Tensor,
                     log_pb: torch.Tensor) -> torch.Tensor:
    """E-step: gamma_f = pi_f p_f / (pi_f p_f + pi_b p_b + 1e-8), per pixel and channel, without gradient."""
    with torch.no_grad():
        pf, pb = pi_f * log_pf.exp(), pi_b * log_pb.exp()
        return pf / (pf + pb + EPS)


def expected_log_likelihood(gamma_f: torch.Tensor, pi_f: torch.Tensor, pi_b: torch.Tensor, log_pf: torch.Tensor,
                            log_pb: torch.Tensor) -> torch.Tensor:
    """Q per pixel and channel: gamma_f (log pi_f + log p_f) + (1 - gamma_f) (log pi_b + log p_b)."""
    return gamma_f * ((pi_f + EPS).log() + log_pf) + (1 - gamma_f) * ((pi_b + EPS).log() + log_pb)


def em_objective(x: torch.Tensor, fg: torch.Tensor, bg_warped: torch.Tensor, pi_f: torch.Tensor,
                 pi_b: torch.Tensor, scale: float) -> torch.Tensor:
    """Q (B, 3, H, W) of the two-expert mixture, with responsibilities from the current parameters."""
    log_pf, log_pb = l1_log_likelihood(x, fg, scale), l1_log_likelihood(x, bg_warped, scale)
    gamma_f = responsibilities(pi_f, pi_b, log_pf, log_pb)
    return expected_log_likelihood(gamma_f, pi_f, pi_b, log_pf, log_pb)


def total_variation(x: torch.Tensor) -> torch.Tensor:
    """Anisotropic TV map |x[.., j] - x[.., j+1]| + |x[i, ..] - x[i+1, ..]| (official tv_loss, square images)."""
    dx = (x[:, :, :, :-1] - x[:, :, :, 1:]).abs()
    dy = (x[:, :, :-1, :] - x[:, :, 1:, :]).abs()
    return dx + dy.transpose(2, 3)


def pseudo_label_cross_entropy(target_logits: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """H(softmax(target), softmax(logits)) per sample: the EBM's logits label the encoder's (official dce)."""
    return -(F.softmax(target_logits, dim=1) * F.log_softmax(logits, dim=1)).sum(dim=1)


def orthogonality_penalty(module: nn.Module) -> torch.Tensor:
    """sum over conv kernels W (out, -1) of |W W^T - diag(W W^T)|_F^2 (official ortho_reg)."""
    total = torch.zeros(())
    for name, param in module.named_parameters():
        if name.endswith("weight") and param.dim() == 4:
            w = param.flatten(1)
            gram = w @ w.T
            total = total.to(gram) + (gram - torch.diag_embed(gram.diagonal())).square().sum()
    return total
