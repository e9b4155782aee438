"""Small reusable networks; nothing method-specific."""

from __future__ import annotations

import math

import torch
from einops import rearrange
from torch import nn

from inferlab.errors import UserError

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "lrelu": lambda: nn.LeakyReLU(0.2), "silu": nn.SiLU, "tanh": nn.Tanh}


class MLP(nn.Sequential):
    """`layers` linear maps in -> hidden -> ... -> out with an activation between them."""

    def __init__(self, d_in: int, hidden: int, d_out: int, *, layers: int = 3, activation: str = "gelu"):
        dims = [d_in] + [hidden] * (layers - 1) + [d_out]
        mods: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            mods.append(nn.Linear(a, b))
            if i < len(dims) - 2:
                mods.append(ACTIVATIONS[activation]())
        super().__init__(*mods)


class MLPDecoder(nn.Module):
    """z (B, D) -> x (B, *out_shape) through an MLP; `squash` applies tanh for images in [-1, 1]."""

    def __init__(self, *, latent_dim: int, out_shape: tuple[int, ...], hidden: int, layers: int = 3,
                 activation: str = "gelu", squash: bool = True):
        super().__init__()
        self.out_shape, self.squash = tuple(out_shape), squash
        self.net = MLP(latent_dim, hidden, math.prod(out_shape), layers=layers, activation=activation)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        x = self.net(z)
        return (torch.tanh(x) if self.squash else x).view(z.shape[0], *self.out_shape)


class ConvDecoder(nn.Module):
    """DCGAN-style decoder: z -> 4x4 by a transposed conv, then stride-2 transposed convs up to the image size.

    With width=ngf and a 32x32 output this is the generator of Pang et al. 2020 (ngf*8 -> ngf*4 -> ngf*2 -> C).
    `xavier=True` draws every transposed-conv weight by xavier_normal_ (the official LEBM code); biases keep PyTorch's
    default init either way.
    """

    def __init__(self, *, latent_dim: int, image_shape: tuple[int, int, int], width: int, activation: str = "lrelu",
                 xavier: bool = False):
        super().__init__()
        c, h, w = image_shape
        if h != w or h < 8 or h & (h - 1):
            raise ValueError(f"ConvDecoder needs a square power-of-two image side >= 8, got {h}x{w}")
        ups = int(math.log2(h)) - 2
        chans = [width * 2 ** (ups - i) for i in range(ups)] + [c]
        mods: list[nn.Module] = [nn.ConvTranspose2d(latent_dim, chans[0], 4, 1, 0), ACTIVATIONS[activation]()]
        for i, (a, b) in enumerate(zip(chans[:-1], chans[1:])):
            mods.append(nn.ConvTranspose2d(a, b, 4, 2, 1))
            mods.append(nn.Tanh() if i == ups - 1 else ACTIVATIONS[activation]())
        self.net = nn.Sequential(*mods)
        if xavier:
            for mod in mods:
                if isinstance(mod, nn.ConvTranspose2d):
                    nn.init.xavier_normal_(mod.weight)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(rearrange(z, "b d -> b d 1 1"))  # (B, C, H, W)


def build_decoder(kind: str, *, latent_dim: int, data_shape: tuple[int, ...], width: int, layers: int,
                  xavier: bool = False) -> nn.Module:
    """g: z -> x. kind "conv" is the DCGAN ConvDecoder (images only; `xavier` as there); "mlp" gives images a tanh
    output in [-1, 1] and 2-D points a linear one."""
    is_image = len(data_shape) == 3
    if kind == "conv":
        if not is_image:
            raise UserError(f"model.generator=conv needs image data (C, H, W); this data has shape {data_shape}. "
                            "Use model.generator=mlp.")
        return ConvDecoder(latent_dim=latent_dim, image_shape=data_shape, width=width, xavier=xavier)
    return MLPDecoder(latent_dim=latent_dim, out_shape=data_shape, hidden=width, layers=layers, squash=is_image)
