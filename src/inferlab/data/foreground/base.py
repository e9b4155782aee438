"""The in-memory type every foreground dataset returns: images with exact binary foreground masks."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class ForegroundData:
    """`images` (N, 3, H, W) float32 in [-1, 1]; `masks` (N, 1, H, W) float32, 1 = foreground, 0 = background."""

    name: str
    images: torch.Tensor
    masks: torch.Tensor

    def __len__(self) -> int:
        return self.images.shape[0]
