"""DAMC's amortizer q_phi(z|x), a conditional latent diffusion model, and the builders of every DAMC net.

    q_phi(z | x):  z_1 ~ N(0, I) -> ancestral denoising with eps_hat(z_u, lambda_u, c),
    c = enc(x) (conditional) or null(xi), xi ~ N(0, I) (unconditional: the official "prior_emb" null embedding).

The same network thus samples the posterior (x given) and the aggregate posterior used as a prior sampler.
"""

from __future__ import annotations

import math

import torch
from einops import rearrange
from torch import nn
from torch.nn import functional as F

from inferlab.core.diffusion import cosine_schedule, ddpm_ancestral_sample, eps_prediction_loss
from inferlab.core.nets import MLP
from inferlab.errors import UserError
from inferlab.methods.damc.config import DiffusionConfig


class TimeEmbedding(nn.Module):
    """lambda (B,) -> (B, dim): the official time input tau = arctan(exp(-lambda / 2)) / (pi / 2) (lambda clamped
    to [-20, 20]; tau = u for the unclipped cosine schedule), a sinusoidal embedding of 1000 tau, then
    Linear-SiLU-Linear."""

    def __init__(self, dim: int):
        super().__init__()
        self.dim = dim
        self.mlp = nn.Sequential(nn.Linear(dim, dim), nn.SiLU(), nn.Linear(dim, dim))

    def forward(self, logsnr: torch.Tensor) -> torch.Tensor:
        tau = 1000 * torch.atan(torch.exp(-0.5 * logsnr.clamp(-20.0, 20.0))) / (math.pi / 2)
        half = self.dim // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, device=logsnr.device) / max(half - 1, 1))
        angles = tau[:, None] * freqs  # (B, half)
        return self.mlp(torch.cat([angles.sin(), angles.cos()], dim=1))


class FourierInput(nn.Module):
    """z (B, D) -> [sin 2pi zB, cos 2pi zB, z] with a learned random-Fourier matrix B (D, D // 2)."""

    def __init__(self, latent_dim: int):
        super().__init__()
        self.matrix = nn.Parameter(torch.randn(latent_dim, max(latent_dim // 2, 1)))
        self.dim = latent_dim + 2 * self.matrix.shape[1]

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        proj = 2 * math.pi * z @ self.matrix
        return torch.cat([proj.sin(), proj.cos(), z], dim=1)  # (B, self.dim)


class SkipConcatSquash(nn.Module):
    """One layer of the official denoiser, with its own context network:

        a = SiLU(W_c SiLU(c)),   out = (W h) * sigmoid(W_g a + b_g) + W_b a + S h,

    i.e. a concat-squash linear layer (FFJORD) whose hyper-gate and hyper-bias read a per-layer transform of the
    context c = [time embedding, x-embedding], plus a linear skip S h.
    """

    def __init__(self, d_in: int, d_out: int, d_ctx: int):
        super().__init__()
        self.lin, self.skip = nn.Linear(d_in, d_out), nn.Linear(d_in, d_out)
        self.ctx = nn.Sequential(nn.SiLU(), nn.Linear(d_ctx, d_out), nn.SiLU())
        self.gate, self.shift = nn.Linear(d_out, d_out), nn.Linear(d_out, d_out, bias=False)

    def forward(self, h: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        a = self.ctx(c)
        return self.lin(h) * torch.sigmoid(self.gate(a)) + self.shift(a) + self.skip(h)


class UNetDenoiser(nn.Module):
    """The official denoiser (diffusion_net.py, Diffusion_UnetA): eps_hat(z_u, lambda_u, e) = z_u + f(...), where f is
    a U-shaped stack of `SkipConcatSquash` layers over the Fourier input features, widths with w = `width`:

        down  d -> w/2 -> w -> w      (each output kept for the up path, then LeakyReLU 0.01)
        mid   w -> w
        up    [h, w] -> w,  [h, w] -> w/2,  [h, w/2] -> D
              (concatenate the matching down output, LeakyReLU 0.01, then the layer)

    The official nets use w = 64 nf with nf = 4 (128-256-256, up 512 -> 256 -> 128 -> nz).
    """

    def __init__(self, *, latent_dim: int, embed_dim: int, width: int, time_dim: int):
        super().__init__()
        self.time = TimeEmbedding(time_dim)
        self.inp = FourierInput(latent_dim)
        d_ctx, half = time_dim + embed_dim, width // 2
        self.down = nn.ModuleList(SkipConcatSquash(a, b, d_ctx)
                                  for a, b in ((self.inp.dim, half), (half, width), (width, width)))
        self.mid = SkipConcatSquash(width, width, d_ctx)
        self.up = nn.ModuleList(SkipConcatSquash(a, b, d_ctx)
                                for a, b in ((2 * width, width), (2 * width, half), (2 * half, latent_dim)))

    def forward(self, z: torch.Tensor, logsnr: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        c = torch.cat([self.time(logsnr), emb], dim=1)  # (B, time_dim + embed_dim)
        h, kept = self.inp(z), []
        for layer in self.down:
            h = layer(h, c)
            kept.append(h)
            h = F.leaky_relu(h, 0.01)
        h = self.mid(h, c)  # (B, width)
        for layer in self.up:
            h = layer(F.leaky_relu(torch.cat([h, kept.pop()], dim=1), 0.01), c)
        return z + h  # (B, D)


class ConvEncoder(nn.Module):
    """Official x-encoder for square images: Conv3x3, then stride-2 convs (IN + LReLU 0.2) down to 4x4,
    and a 4x4 conv to one `embed_dim` vector. Channels: w, 2w, 4w, 8w, 8w, ..."""

    def __init__(self, *, image_shape: tuple[int, int, int], width: int, embed_dim: int):
        super().__init__()
        c, h, _ = image_shape
        downs = int(math.log2(h)) - 2
        chans = [width] + [width * 2 ** min(i + 1, 3) for i in range(downs)]
        mods: list[nn.Module] = [nn.Conv2d(c, width, 3, 1, 1)]
        for a, b in zip(chans[:-1], chans[1:]):
            mods += [nn.InstanceNorm2d(a, affine=True), nn.LeakyReLU(0.2), nn.Conv2d(a, b, 4, 2, 1)]
        mods += [nn.InstanceNorm2d(chans[-1], affine=True), nn.LeakyReLU(0.2), nn.Conv2d(chans[-1], embed_dim, 4, 1, 0)]
        self.net = nn.Sequential(*mods)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rearrange(self.net(x), "b e 1 1 -> b e")


class FlatEncoder(nn.Module):
    """MLP x-encoder on flattened inputs (8x8 digits, 2-D points): 4 linear layers with ReLU, as the official toy's
    encoder (2-128-128-128-nxemb): (B, ...) -> (B, embed_dim)."""

    def __init__(self, *, d_in: int, width: int, embed_dim: int):
        super().__init__()
        self.net = MLP(d_in, width, embed_dim, layers=4, activation="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1))


def null_embedding(latent_dim: int, embed_dim: int) -> nn.Module:
    """The official `prior_emb`: xi (B, D) -> Linear(D, 128) -> LeakyReLU(0.01) -> Linear(128, embed_dim)."""
    return nn.Sequential(nn.Linear(latent_dim, 128), nn.LeakyReLU(0.01), nn.Linear(128, embed_dim))


class DiffusionAmortizer(nn.Module):
    """q_phi(z|x). `forward` is the DSM loss (so DDP can wrap it); `sample` draws z with or without x."""

    def __init__(self, *, encoder: nn.Module, denoiser: UNetDenoiser, latent_dim: int, cfg: DiffusionConfig):
        super().__init__()
        self.encoder, self.denoiser, self.latent_dim, self.cfg = encoder, denoiser, latent_dim, cfg
        self.null = null_embedding(latent_dim, cfg.embed_dim)
        self.schedule = cosine_schedule(cfg.logsnr_min, cfg.logsnr_max)

    def embed(self, x: torch.Tensor | None, n: int, keep: torch.Tensor | None = None) -> torch.Tensor:
        """Context per sample: enc(x) where keep (default all, when x is given), else null(xi), xi ~ N(0, I).
        Both branches run whenever x is given, so every parameter gets a gradient (DDP needs that)."""
        device = self.denoiser.inp.matrix.device
        null = self.null(torch.randn(n, self.latent_dim, device=device))  # (n, E)
        if x is None:
            return null
        keep = torch.ones(n, dtype=torch.bool, device=device) if keep is None else keep
        return torch.where(keep[:, None], self.encoder(x), null)

    def forward(self, z0: torch.Tensor, x: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
        """DSM loss on posterior samples z0 given x; samples with keep = False train the unconditional mode."""
        emb = self.embed(x, z0.shape[0], keep)
        return eps_prediction_loss(lambda z, lam: self.denoiser(z, lam, emb), z0, self.schedule)

    @torch.no_grad()
    def sample(self, x: torch.Tensor | None = None, n: int | None = None) -> torch.Tensor:
        """z ~ q(z|x) for each row of x, or n draws of the unconditional mode when x is None (cfg.steps calls)."""
        n = x.shape[0] if x is not None else n
        emb = self.embed(x, n)
        z1 = torch.randn(n, self.latent_dim, device=emb.device)
        return ddpm_ancestral_sample(lambda z, lam: self.denoiser(z, lam, emb), z1, self.schedule,
                                     self.cfg.steps, self.cfg.variance)


def build_amortizer(cfg: DiffusionConfig, latent_dim: int, data_shape: tuple[int, ...]) -> DiffusionAmortizer:
    if cfg.encoder == "conv":
        if len(data_shape) != 3 or data_shape[1] < 16 or data_shape[1] & (data_shape[1] - 1):
            raise UserError(f"diffusion.encoder=conv needs square power-of-two images of side >= 16; this data has "
                            f"shape {data_shape}. Use diffusion.encoder=mlp.")
        encoder: nn.Module = ConvEncoder(image_shape=data_shape, width=cfg.encoder_width, embed_dim=cfg.embed_dim)
    else:
        encoder = FlatEncoder(d_in=math.prod(data_shape), width=cfg.encoder_width, embed_dim=cfg.embed_dim)
    denoiser = UNetDenoiser(latent_dim=latent_dim, embed_dim=cfg.embed_dim, width=cfg.width, time_dim=cfg.time_dim)
    return DiffusionAmortizer(encoder=encoder, denoiser=denoiser, latent_dim=latent_dim, cfg=cfg)
