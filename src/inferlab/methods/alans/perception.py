"""ALANS's perception frontend: an object CNN on every position's crop, and the scene inference that turns its
per-slot distributions into panel-level ones (official `network.py` / `scene.py`, in closed form). Shapes: B
problems, P panels, n slots of one component, K values."""

from __future__ import annotations

import torch
import torch.nn as nn

from inferlab.methods.alans.data import ATTRS, N_VALUES


def conv_stack(channels: int, patch: int = 2) -> nn.Sequential:
    """Conv encoder; the first layer sees (patch x patch) pixel patches with stride `patch`."""
    c = channels
    first = nn.Conv2d(1, c, 3, 2, 1) if patch == 2 else nn.Conv2d(1, c, patch, patch)
    return nn.Sequential(
        first, nn.BatchNorm2d(c), nn.ReLU(),
        nn.Conv2d(c, c, 3, 2, 1), nn.BatchNorm2d(c), nn.ReLU(),
        nn.Conv2d(c, 2 * c, 3, 2, 1), nn.BatchNorm2d(2 * c), nn.ReLU(),
        nn.Conv2d(2 * c, 2 * c, 3, 2, 1), nn.BatchNorm2d(2 * c), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten())


class ObjectCNN(nn.Module):
    """One crop per position -> logits of P(exist), P(Type), P(Size), P(Color) (the official attribute heads)."""

    def __init__(self, channels: int = 16):
        super().__init__()
        self.body = conv_stack(channels)
        self.heads = nn.ModuleDict({"Exist": nn.Linear(2 * channels, 2),
                                    **{a: nn.Linear(2 * channels, N_VALUES[a]) for a in ATTRS}})

    def forward(self, crops: torch.Tensor) -> dict[str, torch.Tensor]:
        h = self.body(crops)  # (N, 2c)
        return {k: head(h) for k, head in self.heads.items()}  # logits (N, K)


def number_probs(exist: torch.Tensor, n_values: int) -> torch.Tensor:
    """P(Number = k), k = 1..n_values, from independent per-slot P(exist) (..., n), conditioned on a non-empty
    panel (the official scene engine drops the empty configuration): a Poisson-binomial by dynamic programming."""
    dist = torch.ones_like(exist[..., :1])  # P(count = 0) over no slots
    for s in range(exist.shape[-1]):
        e = exist[..., s:s + 1]
        dist = torch.cat([dist * (1 - e), torch.zeros_like(e)], -1) + torch.cat([torch.zeros_like(e), dist * e], -1)
    counts = dist[..., 1:] / dist[..., 1:].sum(-1, keepdim=True).clamp_min(1e-8)
    pad = n_values - counts.shape[-1]
    return torch.cat([counts, counts.new_zeros(*counts.shape[:-1], pad)], -1) if pad > 0 else counts


def shared_value_probs(exist: torch.Tensor, probs: torch.Tensor) -> torch.Tensor:
    """P(every occupied slot has value k, panel non-empty) (..., K) from per-slot P(exist) (..., n) and value
    distributions (..., n, K): sum over occupied sets S of P(S) prod_{s in S} p_s(k), which factorises as
    [prod_s (1 - e_s + e_s p_s(k)) - prod_s (1 - e_s)] / (1 - prod_s (1 - e_s)). The missing mass
    (1 - sum_k) is the probability that the entities disagree (the official 'inconsistent' value)."""
    empty = (1 - exist).prod(-1, keepdim=True)  # (..., 1)
    joint = (1 - exist[..., None] + exist[..., None] * probs).prod(-2)  # (..., K)
    return ((joint - empty) / (1 - empty).clamp_min(1e-6)).clamp_min(0.0)
