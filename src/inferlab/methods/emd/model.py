"""Networks of EMD: the EDM denoiser F (teacher and fake score) and the one-step student g_theta(z) built on it."""

from __future__ import annotations

import copy
import math

import torch
from einops import rearrange
from torch import nn

from inferlab.core.diffusion import EDMPrecond
from inferlab.core.nets import MLP
from inferlab.methods.emd.config import NetConfig


class FourierEmbedding(nn.Module):
    """c_noise -> [cos(2 pi f c), sin(2 pi f c)], fixed random frequencies f ~ N(0, scale^2) (Tancik et al. 2020).

    Song et al. 2021 use scale 16 on ln sigma; for an MLP on c_noise = ln(sigma) / 4 we found scale 1 enough."""

    def __init__(self, dim: int, scale: float = 1.0):
        super().__init__()
        self.register_buffer("freqs", torch.randn(dim // 2) * scale)

    def forward(self, c: torch.Tensor) -> torch.Tensor:
        angles = 2 * math.pi * c[:, None] * self.freqs  # (B, dim / 2)
        return torch.cat([angles.cos(), angles.sin()], dim=1)  # (B, dim)


class DenoiserMLP(nn.Module):
    """F(c_in x, c_noise, label): an MLP over the flattened input, a noise embedding and an optional label embedding.

    Label `n_classes` is the null label of classifier-free guidance; label=None means unconditional.
    """

    def __init__(self, cfg: NetConfig, data_shape: tuple[int, ...], n_classes: int = 0):
        super().__init__()
        self.data_shape, self.n_classes = tuple(data_shape), n_classes
        d = math.prod(data_shape)
        self.noise_embed = FourierEmbedding(cfg.embed_dim)
        self.label_embed = nn.Embedding(n_classes + 1, cfg.embed_dim) if n_classes else None
        d_in = d + cfg.embed_dim * (2 if n_classes else 1)
        self.net = MLP(d_in, cfg.hidden, d, layers=cfg.layers, activation="silu")

    def forward(self, x: torch.Tensor, c_noise: torch.Tensor, label: torch.Tensor | None = None) -> torch.Tensor:
        parts = [rearrange(x, "b ... -> b (...)"), self.noise_embed(c_noise)]
        if self.label_embed is not None:
            null = torch.full_like(c_noise, self.n_classes, dtype=torch.long)
            parts.append(self.label_embed(null if label is None else label))
        return self.net(torch.cat(parts, dim=1)).view(x.shape[0], *self.data_shape)


def build_denoiser(cfg: NetConfig, data_shape: tuple[int, ...], n_classes: int = 0) -> EDMPrecond:
    """D(x; sigma, label) = EDM preconditioning around a DenoiserMLP."""
    return EDMPrecond(DenoiserMLP(cfg, data_shape, n_classes), sigma_data=cfg.sigma_data)


class OneStepGenerator(nn.Module):
    """g_theta(z, label) = D_theta(sigma* z; sigma*, label), z ~ N(0, I) of the data's shape; D_theta starts as a copy
    of the teacher's denoiser (Xie et al. 2024, Sec. 5: the student is initialised from the teacher)."""

    def __init__(self, teacher: EDMPrecond, init_sigma: float):
        super().__init__()
        self.denoiser, self.init_sigma = copy.deepcopy(teacher), init_sigma

    def forward(self, z: torch.Tensor, label: torch.Tensor | None = None) -> torch.Tensor:
        sigma = torch.full((z.shape[0],), self.init_sigma, device=z.device)
        return self.denoiser(self.init_sigma * z, sigma, label)
