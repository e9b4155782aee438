"""Persistent per-image Langevin chains (the official z_all_prior / z_all_poste buffers): one posterior and one
prior latent per training image, read at the start of an update and written back after it. They are buffers of
a module, so checkpoints save them and a resumed run continues every chain where it stopped."""

from __future__ import annotations

import torch
from torch import nn


class PersistentChains(nn.Module):
    def __init__(self, n: int, latent_dim: int):
        super().__init__()
        self.register_buffer("posterior", torch.randn(n, latent_dim))  # (N, D), N(0, I) start
        self.register_buffer("prior", torch.randn(n, latent_dim))  # (N, D)

    def read(self, which: str, index: torch.Tensor) -> torch.Tensor:
        return getattr(self, which)[index].clone()

    @torch.no_grad()
    def write(self, which: str, index: torch.Tensor, z: torch.Tensor) -> None:
        getattr(self, which)[index] = z.detach()
