"""The in-memory dataset type every loader and generator returns."""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class TensorDataset:
    """Samples held in memory as one tensor.

    `x`: images (N, C, H, W) float32 scaled to [-1, 1], or points (N, D) float32.
    `y`: integer labels (N,) int64 kept for evaluation only, or None.
    """

    name: str
    x: torch.Tensor
    y: torch.Tensor | None = None

    def __len__(self) -> int:
        return self.x.shape[0]

    @property
    def is_image(self) -> bool:
        return self.x.dim() == 4
