"""The three experts and the latent EBM of DRC (official src/networks.py: FgNet, BgNet, SpNet, CEBMNet),
with the widths and image size as parameters. Weights start orthogonal (gain 1), biases zero, as in the
official `init_weights`."""

from __future__ import annotations

import math

import torch
from einops import rearrange
from torch import nn

from inferlab.core.nets import MLP
from inferlab.errors import UserError


def up_block(c_in: int, c_out: int) -> nn.Sequential:
    """x2 bilinear up-sampling, 3x3 conv, instance norm, leaky ReLU (official UpBlock)."""
    return nn.Sequential(nn.Upsample(scale_factor=2, mode="bilinear"), nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False),
                         nn.InstanceNorm2d(c_out, affine=True), nn.LeakyReLU(0.01))


def down_block(c_in: int, c_out: int) -> nn.Sequential:
    """4x4 stride-2 conv, instance norm, leaky ReLU 0.2 (official DownBlock)."""
    return nn.Sequential(nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False), nn.InstanceNorm2d(c_out, affine=True),
                         nn.LeakyReLU(0.2))


def up_steps(image_size: int) -> int:
    """Number of x2 blocks between the 4x4 map and the image."""
    if image_size < 8 or image_size & (image_size - 1):
        raise UserError(f"data.image_size={image_size}: DRC needs a power of two >= 8 (the official size is 128).")
    return int(math.log2(image_size)) - 2


def decoder(c_in: int, width: int, image_size: int) -> nn.Sequential:
    """4x4 map with c_in channels -> (width, S, S); channels halve per block down to `width` (official BaseDecoder)."""
    ups = up_steps(image_size)
    chans = [c_in] + [width * 2 ** (ups - 1 - i) for i in range(ups)]
    return nn.Sequential(*(up_block(a, b) for a, b in zip(chans[:-1], chans[1:])))


def logit_encoder(width: int, classes: int, image_size: int) -> nn.Sequential:
    """(3, S, S) -> (classes,): stride-2 blocks down to 4x4, then the official 6x6 stride-4 conv (BaseEncoder)."""
    downs = up_steps(image_size)
    chans = [3] + [width * 2**i for i in range(downs)]
    blocks = [down_block(a, b) for a, b in zip(chans[:-1], chans[1:])]
    return nn.Sequential(*blocks, nn.Conv2d(chans[-1], classes, 6, 4, 1), nn.Flatten())


def orthogonal_init(module: nn.Module) -> None:
    """Orthogonal weights (gain 1) and zero biases for every conv and linear layer (official init_weights)."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.orthogonal_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)


class PartGenerator(nn.Module):
    """FgNet / BgNet: z -> image (tanh), mask logit, pseudo-label logits of image * sigmoid(mask), 4x4 feature."""

    def __init__(self, *, z_dim: int, fc_channels: int, width: int, encoder_width: int, classes: int,
                 image_size: int):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(z_dim, fc_channels * 16), nn.LeakyReLU(0.2))
        self.decode = decoder(fc_channels, width, image_size)
        self.image_head = nn.Sequential(nn.Conv2d(width, 3, 3, 1, 1), nn.Tanh())
        self.mask_head = nn.Conv2d(width, 1, 3, 1, 1)
        self.encode = logit_encoder(encoder_width, classes, image_size)
        orthogonal_init(self)

    def forward(self, z: torch.Tensor, with_logits: bool = True
                ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None, torch.Tensor]:
        """The encoder's logits only enter the generator loss: `with_logits=False` skips them (Langevin)."""
        feat = rearrange(self.fc(z), "b (c h w) -> b c h w", h=4, w=4)  # (B, C0, 4, 4)
        hidden = self.decode(feat)  # (B, width, S, S)
        image, mask_logit = self.image_head(hidden), self.mask_head(hidden)  # (B, 3, S, S), (B, 1, S, S)
        logits = self.encode(image * mask_logit.sigmoid()) if with_logits else None  # (B, K)
        return image, mask_logit, logits, feat


class ReassignNet(nn.Module):
    """SpNet: z_s and the background's 4x4 feature -> a sampling grid (B, S, S, 2) in [-1, 1] (tanh), which is the
    absolute source location of every output pixel, as in the official code (not an offset from identity)."""

    def __init__(self, *, z_dim: int, fc_channels: int, width: int, image_size: int):
        super().__init__()
        self.fc = nn.Sequential(nn.Linear(z_dim, fc_channels * 16), nn.LeakyReLU(0.2))
        self.decode = decoder(2 * fc_channels, width, image_size)
        self.grid_head = nn.Sequential(nn.Conv2d(width, 2, 3, 1, 1), nn.Tanh())
        orthogonal_init(self)

    def forward(self, z: torch.Tensor, bg_feat: torch.Tensor) -> torch.Tensor:
        feat = rearrange(self.fc(z), "b (c h w) -> b c h w", h=4, w=4)
        hidden = self.decode(torch.cat([bg_feat, feat], dim=1))
        return rearrange(self.grid_head(hidden), "b t h w -> b h w t")  # (B, S, S, 2): (x, y) per pixel


class RegionEBM(nn.Module):
    """CEBMNet: E(z) = LSE_k f_k(z_f) + LSE_k b_k(z_b) + s(z_s), with the official sign: Langevin descends
    E(z) + |z|^2 / 2 and the EBM loss is E(z+) - E(z-). The logits f(z_f), b(z_b) are the pseudo-label targets."""

    def __init__(self, *, zf_dim: int, zb_dim: int, zs_dim: int, hidden: int, fg_classes: int, bg_classes: int):
        super().__init__()
        self.dims = (zf_dim, zb_dim, zs_dim)
        self.fg = MLP(zf_dim, hidden, fg_classes, layers=3, activation="lrelu")
        self.bg = MLP(zb_dim, hidden, bg_classes, layers=3, activation="lrelu")
        self.sp = MLP(zs_dim, 2 * hidden, 1, layers=4, activation="lrelu")
        orthogonal_init(self)

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        zf, zb, zs = z.split(self.dims, dim=1)
        fg_logits, bg_logits = self.fg(zf), self.bg(zb)  # (B, Kf), (B, Kb)
        energy = fg_logits.logsumexp(1) + bg_logits.logsumexp(1) + self.sp(zs).squeeze(1)  # (B,)
        return energy, fg_logits, bg_logits
