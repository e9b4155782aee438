"""ALANS's losses as pure functions of tensors: the auxiliary rule loss (official `action_auxiliary_loss`) and the
optional perception loss on ground-truth attributes."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from inferlab.methods.alans.backend import INT_GROUPS, POSITION_GROUPS
from inferlab.methods.alans.data import ATTRS, GROUP_COLUMNS

EPS = 1e-6


def group_nll(actions: torch.Tensor, groups: tuple[tuple[int, ...], ...], target: torch.Tensor) -> torch.Tensor:
    """-log P(rule group) where P(group) = sum of its actions' probabilities: actions (B, A), target (B,) with -1
    for 'not supervised' -> (B,) (0 where unsupervised). Actions past A are absent (Number has no 'inconsistent'
    action, so that group has mass 0 and is never a Number target)."""
    mass = torch.stack([actions[:, [i for i in g if i < actions.shape[1]]].sum(-1) for g in groups], -1)
    nll = -torch.log(mass.gather(1, target.clamp_min(0)[:, None]).squeeze(1) + EPS)
    return torch.where(target >= 0, nll, torch.zeros_like(nll))


def rule_loss(components: list[dict], groups: torch.Tensor) -> torch.Tensor:
    """Mean over supervised (component, attribute) entries of -log P(operator group of the true rule);
    groups (B, C, 5) as data.rule_groups (columns GROUP_COLUMNS)."""
    total, count = 0.0, 0
    for c, comp in enumerate(components):
        for j, col in enumerate(GROUP_COLUMNS):
            if col not in comp:
                continue
            target = groups[:, c, j]
            total = total + group_nll(comp[col]["actions"], POSITION_GROUPS if col == "Position" else INT_GROUPS,
                                      target).sum()
            count += int((target >= 0).sum())
    return total / max(count, 1)


def attribute_loss(logits: dict[str, torch.Tensor], exist: torch.Tensor, attrs: torch.Tensor) -> torch.Tensor:
    """Perception loss on ground truth (not in the paper; see README): cross-entropy of P(exist) on every slot plus
    of Type/Size/Color on occupied slots. logits[k] (B, 16, S, K), exist (B, 16, S), attrs (B, 16, S, 3)."""
    loss = F.cross_entropy(logits["Exist"].flatten(0, 2), exist.flatten())
    occupied = exist.flatten().bool()
    for i, a in enumerate(ATTRS):
        loss = loss + F.cross_entropy(logits[a].flatten(0, 2)[occupied], attrs[..., i].flatten()[occupied])
    return loss
