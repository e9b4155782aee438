"""The LPT prior network: a 1-D UNet that maps Gaussian noise z0 to the latent plan z = UNet(z0).

As in the official code (model/unet1d.py, a lucidrains-style Unet1D without time conditioning), the plan's
n_latent x d_model numbers are read as one signal of length n_latent * d_model with a single channel.
Resolution levels: two residual blocks (weight-standardised conv, GroupNorm, SiLU) and a residual linear
attention, then a stride-2 downsample; a middle block with full attention; the mirror path with skips.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn


class StandardizedConv1d(nn.Conv1d):
    """Conv1d with weight standardisation (Qiao et al. 2019): each filter has zero mean and unit variance."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.weight
        mean = w.mean(dim=(1, 2), keepdim=True)
        var = w.var(dim=(1, 2), keepdim=True, unbiased=False)
        return F.conv1d(x, (w - mean) * (var + 1e-5).rsqrt(), self.bias, self.stride, self.padding)


class ResBlock(nn.Module):
    """x -> [conv3, GroupNorm, SiLU] x 2 + 1x1-conv(x)."""

    def __init__(self, c_in: int, c_out: int, groups: int):
        super().__init__()
        self.body = nn.Sequential(
            StandardizedConv1d(c_in, c_out, 3, padding=1), nn.GroupNorm(groups, c_out), nn.SiLU(),
            StandardizedConv1d(c_out, c_out, 3, padding=1), nn.GroupNorm(groups, c_out), nn.SiLU())
        self.skip = nn.Conv1d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.skip(x)


class ChannelNorm(nn.Module):
    """LayerNorm over channels of a (B, C, L) signal, with a learned gain."""

    def __init__(self, channels: int):
        super().__init__()
        self.gain = nn.Parameter(torch.ones(1, channels, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        var, mean = torch.var_mean(x, dim=1, keepdim=True, unbiased=False)
        return (x - mean) * (var + 1e-5).rsqrt() * self.gain


class SignalAttention(nn.Module):
    """Residual attention over the positions of a (B, C, L) signal: x + Attn(Norm(x)). `linear` uses the
    efficient-attention form (softmax of q over features, of k over positions), else full softmax attention."""

    def __init__(self, channels: int, *, linear: bool, heads: int = 4, dim_head: int = 32):
        super().__init__()
        self.heads, self.linear, self.scale = heads, linear, dim_head ** -0.5
        self.norm = ChannelNorm(channels)
        self.to_qkv = nn.Conv1d(channels, 3 * heads * dim_head, 1, bias=False)
        self.to_out = nn.Conv1d(heads * dim_head, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q, k, v = rearrange(self.to_qkv(self.norm(x)), "b (three h d) n -> three b h d n", three=3, h=self.heads)
        if self.linear:
            q, k = q.softmax(dim=-2) * self.scale, k.softmax(dim=-1)
            context = torch.einsum("bhdn,bhen->bhde", k, v)
            out = torch.einsum("bhde,bhdn->bhen", context, q)  # (B, H, Dh, L)
        else:
            out = F.scaled_dot_product_attention(*(t.transpose(-1, -2) for t in (q, k, v))).transpose(-1, -2)
        return x + self.to_out(rearrange(out, "b h d n -> b (h d) n"))


class UNet1d(nn.Module):
    """(B, 1, L) -> (B, 1, L); L must be divisible by 2 ** (len(mults) - 1). Attention layers have 4 heads of
    width `attn_dim` (official 32)."""

    def __init__(self, dim: int, mults: tuple[int, ...], *, attn_dim: int = 32, groups: int = 8):
        super().__init__()
        self.levels = len(mults)
        dims = [dim] + [dim * m for m in mults]
        self.init_conv = nn.Conv1d(1, dim, 7, padding=3)
        self.downs, self.ups = nn.ModuleList(), nn.ModuleList()
        for i, (c_in, c_out) in enumerate(zip(dims[:-1], dims[1:])):
            last = i == len(mults) - 1
            self.downs.append(nn.ModuleList([
                ResBlock(c_in, c_in, groups), ResBlock(c_in, c_in, groups),
                SignalAttention(c_in, linear=True, dim_head=attn_dim),
                nn.Conv1d(c_in, c_out, 3, padding=1) if last else nn.Conv1d(c_in, c_out, 4, 2, 1)]))
        self.mid = nn.Sequential(ResBlock(dims[-1], dims[-1], groups),
                                 SignalAttention(dims[-1], linear=False, dim_head=attn_dim),
                                 ResBlock(dims[-1], dims[-1], groups))
        for i, (c_in, c_out) in enumerate(reversed(list(zip(dims[:-1], dims[1:])))):
            last = i == len(mults) - 1
            up = (nn.Conv1d(c_out, c_in, 3, padding=1) if last else
                  nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv1d(c_out, c_in, 3, padding=1)))
            self.ups.append(nn.ModuleList([
                ResBlock(c_out + c_in, c_out, groups), ResBlock(c_out + c_in, c_out, groups),
                SignalAttention(c_out, linear=True, dim_head=attn_dim), up]))
        self.final = nn.Sequential(ResBlock(2 * dim, dim, groups), nn.Conv1d(dim, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.init_conv(x)  # (B, dim, L)
        first, skips = x.clone(), []
        for block1, block2, attn, down in self.downs:
            x = block1(x)
            skips.append(x)
            x = attn(block2(x))
            skips.append(x)
            x = down(x)
        x = self.mid(x)
        for block1, block2, attn, up in self.ups:
            x = block1(torch.cat([x, skips.pop()], dim=1))
            x = attn(block2(torch.cat([x, skips.pop()], dim=1)))
            x = up(x)
        return self.final(torch.cat([x, first], dim=1))  # (B, 1, L)
