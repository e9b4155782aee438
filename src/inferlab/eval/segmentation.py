"""Foreground-mask metrics as DRC's official test.py computes them: pred = p > 0.5, gt = mask > 0.5, per image

    IoU = |pred ∧ gt| / |pred ∨ gt|,   Dice = 2 |pred ∧ gt| / (|pred| + |gt|),

then the mean over images. An image where prediction and ground truth are both empty scores 1 (the official
code divides 0 by 0 there)."""

from __future__ import annotations

import torch


def iou_dice(pred: torch.Tensor, gt: torch.Tensor, threshold: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-image IoU and Dice (N,) of foreground probabilities `pred` against masks `gt`, both (N, ...)."""
    if pred.shape != gt.shape:
        raise ValueError(f"pred {tuple(pred.shape)} and gt {tuple(gt.shape)} must have one shape")
    p, g = (pred > threshold).flatten(1), (gt > threshold).flatten(1)
    inter = (p & g).sum(1).double()
    union = (p | g).sum(1).double()
    sizes = (p.sum(1) + g.sum(1)).double()
    empty = union == 0
    iou = torch.where(empty, 1.0, inter / union.clamp(min=1))
    dice = torch.where(empty, 1.0, 2 * inter / sizes.clamp(min=1))
    return iou, dice


def mean_iou_dice(pred: torch.Tensor, gt: torch.Tensor) -> dict[str, float]:
    """{"iou", "dice"}: means over images of `iou_dice`."""
    iou, dice = iou_dice(pred, gt)
    return {"iou": float(iou.mean()), "dice": float(dice.mean())}


def foreground_share(pred: torch.Tensor, threshold: float = 0.5) -> torch.Tensor:
    """Per-image share of pixels called foreground (N,): |pred > threshold| / |pixels|. Beside the true share it
    tells a mask that claims too much of the image from one that claims too little."""
    return (pred > threshold).flatten(1).double().mean(1)
