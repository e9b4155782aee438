"""Symbol-vector coupling prior (Pang & Wu 2021; LDEBM, Yu et al. 2022): one network f(z, t) -> K class logits.

    p(z, y | t) ∝ exp(f_y(z, t)) (times a Gaussian reference),   log-density in z: LSE_y f_y(z, t),
    p(y | z) = softmax_y f(z, 0).

The network is LDEBM's time-embedded residual MLP with spectral norm; with `levels = 1` it is a plain SVEBM prior.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm


def _linear(d_in: int, d_out: int, normed: bool) -> nn.Module:
    layer = nn.Linear(d_in, d_out)
    return spectral_norm(layer) if normed else layer


class LevelEmbedding(nn.Module):
    """Fixed sinusoidal table over levels (levels, dim), projected by Linear -> LeakyReLU(0.2) -> Linear."""

    def __init__(self, levels: int, dim: int, hidden: int, normed: bool = True):
        super().__init__()
        position = torch.arange(levels).unsqueeze(1)
        freq = torch.exp(torch.arange(0, dim, 2) * (-math.log(10000.0) / dim))
        table = torch.zeros(levels, dim)
        table[:, 0::2], table[:, 1::2] = torch.sin(position * freq), torch.cos(position * freq[: dim // 2])
        self.register_buffer("table", table)
        self.proj = nn.Sequential(_linear(dim, hidden, normed), nn.LeakyReLU(0.2), _linear(hidden, hidden, normed))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.proj(self.table[t])  # (B, hidden)


class SymbolVectorCoupling(nn.Module):
    """f(z, t): z-embedding and level embedding concatenated, `blocks` residual LeakyReLU-Linear blocks, K logits."""

    def __init__(self, *, latent_dim: int, hidden: int, classes: int, blocks: int, levels: int = 1,
                 normed: bool = True):
        super().__init__()
        self.latent_dim, self.classes = latent_dim, classes
        self.embed_z = nn.Sequential(_linear(latent_dim, hidden, normed), nn.LeakyReLU(0.2),
                                     _linear(hidden, hidden, normed))
        self.embed_t = LevelEmbedding(levels, hidden, hidden, normed)
        self.merge = nn.Sequential(nn.LeakyReLU(0.2), _linear(2 * hidden, hidden, normed))
        self.blocks = nn.ModuleList(nn.Sequential(nn.LeakyReLU(0.2), _linear(hidden, hidden, normed))
                                    for _ in range(blocks))
        self.out = nn.Sequential(nn.LeakyReLU(0.2), _linear(hidden, classes, normed))

    def forward(self, z: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """Class logits (B, K) at levels t (B,) long."""
        h = self.merge(torch.cat([self.embed_z(z), self.embed_t(t)], dim=-1))
        for block in self.blocks:
            h = block(h) + h
        return self.out(h)

    def log_density(self, z: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """LSE_k f_k(z, t), per sample (B,)."""
        return self(z, t).logsumexp(dim=-1)


def mutual_information(logits: torch.Tensor, eps: float = 1e-15) -> torch.Tensor:
    """I(y; z) over a batch: H(y) - H(y|z), with p(y) = mean_b p(y|z_b) and p(y|z) = softmax(logits).

    0 when every p(y|z_b) is the same; log K for one-hot predictions spread evenly over K classes."""
    log_p_yz = F.log_softmax(logits, dim=-1)  # (B, K)
    p_yz = log_p_yz.exp()
    p_y = p_yz.mean(0)
    h_y = -(p_y * torch.log(p_y + eps)).sum()
    h_y_given_z = -(p_yz * log_p_yz).sum() / logits.shape[0]
    return h_y - h_y_given_z
