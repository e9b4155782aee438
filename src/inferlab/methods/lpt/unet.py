"""The LPT prior network: a 1-D UNet that maps Gaussian noise z0 to the latent plan z = UNet(z0).

As in the official code (model/unet1d.py, a lucidrains-style Unet1D without time conditioning), the plan's
n_latent x d_model numbers are read as one signal of length n_latent * d_model with a single channel.
Resolution levels: two residual blocks (weight-standardised conv, GroupNorm, SiLU) and a residual linear
attention, then a stride-2 downsample; a middle block with full attention; the mirror path with skips.

Convolutions run as one matrix product over shifted copies of the signal (`conv1d_matmul`): the same numbers as
F.conv1d, but at these sizes (a few channels, 16-64 positions) oneDNN's per-call cost is 3-5x that of the matmul.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn


def conv1d_matmul(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None, stride: int,
                  padding: int) -> torch.Tensor:
    """y[b, o, l] = bias[o] + sum_{c, k} weight[o, c, k] * x_pad[b, c, stride * l + k] (F.conv1d, zero padding):
    (B, C, L) -> (B, O, L_out), as weight (O, K*C) @ the K shifted copies of x_pad stacked on channels."""
    out_ch, in_ch, width = weight.shape
    x = F.pad(x, (padding, padding)) if padding else x
    length = (x.shape[-1] - width) // stride + 1
    shifted = x if width == 1 and stride == 1 else torch.cat(
        [x[..., k:k + stride * (length - 1) + 1:stride] for k in range(width)], dim=1)  # (B, K*C, L_out)
    y = torch.matmul(weight.transpose(1, 2).reshape(out_ch, width * in_ch), shifted)
    return y if bias is None else y + bias[:, None]


class Conv1d(nn.Conv1d):
    """nn.Conv1d (its parameters and initialisation) computed by `conv1d_matmul`."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return conv1d_matmul(x, self.weight, self.bias, self.stride[0], self.padding[0])


class StandardizedConv1d(nn.Conv1d):
    """Conv1d with weight standardisation (Qiao et al. 2019): each filter has zero mean and unit variance."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = self.weight
        var, mean = torch.var_mean(w, dim=(1, 2), keepdim=True, unbiased=False)
        return conv1d_matmul(x, (w - mean) * (var + 1e-5).rsqrt(), self.bias, self.stride[0], self.padding[0])


class ResBlock(nn.Module):
    """x -> [conv3, GroupNorm, SiLU] x 2 + 1x1-conv(x)."""

    def __init__(self, c_in: int, c_out: int, groups: int):
        super().__init__()
        self.body = nn.Sequential(
            StandardizedConv1d(c_in, c_out, 3, padding=1), nn.GroupNorm(groups, c_out), nn.SiLU(),
            StandardizedConv1d(c_out, c_out, 3, padding=1), nn.GroupNorm(groups, c_out), nn.SiLU())
        self.skip = Conv1d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.skip(x)


class ChannelNorm(nn.Module):
    """LayerNorm over channels of a (B, C, L) signal, with a learned gain."""

    def __init__(self, channels: int):
        super().__init__()
        self.gain = nn.Parameter(torch.ones(1, channels, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        centred = x - x.mean(dim=1, keepdim=True)  # not torch.var_mean: ~40x slower over dim 1 on CPU
        return centred * (centred.pow(2).mean(dim=1, keepdim=True) + 1e-5).rsqrt() * self.gain


class SignalAttention(nn.Module):
    """Residual attention over the positions of a (B, C, L) signal: x + Attn(Norm(x)). `linear` uses the
    efficient-attention form (softmax of q over features, of k over positions) and ends its output projection with
    a channel LayerNorm (official LinearAttention.to_out = Conv1d + LayerNorm); else full softmax attention with a
    plain output projection (official Attention)."""

    def __init__(self, channels: int, *, linear: bool, heads: int = 4, dim_head: int = 32):
        super().__init__()
        self.heads, self.linear, self.scale = heads, linear, dim_head ** -0.5
        self.norm = ChannelNorm(channels)
        self.to_qkv = Conv1d(channels, 3 * heads * dim_head, 1, bias=False)
        projection = Conv1d(heads * dim_head, channels, 1)
        self.to_out = nn.Sequential(projection, ChannelNorm(channels)) if linear else projection

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
        self.init_conv = Conv1d(1, dim, 7, padding=3)
        self.downs, self.ups = nn.ModuleList(), nn.ModuleList()
        for i, (c_in, c_out) in enumerate(zip(dims[:-1], dims[1:])):
            last = i == len(mults) - 1
            self.downs.append(nn.ModuleList([
                ResBlock(c_in, c_in, groups), ResBlock(c_in, c_in, groups),
                SignalAttention(c_in, linear=True, dim_head=attn_dim),
                Conv1d(c_in, c_out, 3, padding=1) if last else Conv1d(c_in, c_out, 4, 2, 1)]))
        self.mid = nn.Sequential(ResBlock(dims[-1], dims[-1], groups),
                                 SignalAttention(dims[-1], linear=False, dim_head=attn_dim),
                                 ResBlock(dims[-1], dims[-1], groups))
        for i, (c_in, c_out) in enumerate(reversed(list(zip(dims[:-1], dims[1:])))):
            last = i == len(mults) - 1
            up = (Conv1d(c_out, c_in, 3, padding=1) if last else
                  nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), Conv1d(c_out, c_in, 3, padding=1)))
            self.ups.append(nn.ModuleList([
                ResBlock(c_out + c_in, c_out, groups), ResBlock(c_out + c_in, c_out, groups),
                SignalAttention(c_out, linear=True, dim_head=attn_dim), up]))
        self.final = nn.Sequential(ResBlock(2 * dim, dim, groups), Conv1d(dim, 1, 1))

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
