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

from inferlab.core.diffusion import cosine_schedule, ddpm_ancestral_sample, eps_prediction_loss
from inferlab.core.nets import MLP
from inferlab.errors import UserError
from inferlab.methods.damc.config import DiffusionConfig


class ConcatSquash(nn.Module):
    """h -> Linear(h) * sigmoid(W_g c) + W_b c: a linear layer gated and shifted by the context c (FFJORD)."""

    def __init__(self, d_in: int, d_out: int, d_ctx: int):
        super().__init__()
        self.lin, self.gate = nn.Linear(d_in, d_out), nn.Linear(d_ctx, d_out)
        self.shift = nn.Linear(d_ctx, d_out, bias=False)

    def forward(self, h: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return self.lin(h) * torch.sigmoid(self.gate(c)) + self.shift(c)


class Denoiser(nn.Module):
    """eps_hat(z_u, lambda_u, e) = z_u + f([sin 2pi zB, cos 2pi zB, z]; c = [time_emb(lambda), e]).

    f is a stack of residual concat-squash blocks (the official net is a concat-squash MLP with U-shaped skips);
    B is a learned random-Fourier matrix. The time fed to the sinusoidal embedding is the official
    tau = arctan(exp(-lambda / 2)) / (pi / 2), i.e. u for the unclipped cosine schedule.
    """

    def __init__(self, *, latent_dim: int, embed_dim: int, width: int, blocks: int, time_dim: int):
        super().__init__()
        self.fourier = nn.Parameter(torch.randn(latent_dim, max(latent_dim // 2, 1)))
        self.time_dim = time_dim
        self.time_mlp = nn.Sequential(nn.Linear(time_dim, time_dim), nn.SiLU(), nn.Linear(time_dim, time_dim))
        d_ctx = time_dim + embed_dim
        d_in = latent_dim + 2 * self.fourier.shape[1]
        self.inp = ConcatSquash(d_in, width, d_ctx)
        self.blocks = nn.ModuleList(ConcatSquash(width, width, d_ctx) for _ in range(blocks))
        self.out = ConcatSquash(width, latent_dim, d_ctx)
        self.act = nn.SiLU()

    def time_embedding(self, logsnr: torch.Tensor) -> torch.Tensor:
        """Sinusoidal embedding of 1000 tau(lambda), then an MLP: (B,) -> (B, time_dim)."""
        tau = 1000 * torch.atan(torch.exp(-0.5 * logsnr)) / (math.pi / 2)
        half = self.time_dim // 2
        freqs = torch.exp(-math.log(10000) * torch.arange(half, device=logsnr.device) / max(half - 1, 1))
        angles = tau[:, None] * freqs  # (B, half)
        return self.time_mlp(torch.cat([angles.sin(), angles.cos()], dim=1))

    def forward(self, z: torch.Tensor, logsnr: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        c = self.act(torch.cat([self.time_embedding(logsnr), emb], dim=1))  # (B, time_dim + embed_dim)
        proj = 2 * math.pi * z @ self.fourier
        h = self.act(self.inp(torch.cat([proj.sin(), proj.cos(), z], dim=1), c))  # (B, width)
        for block in self.blocks:
            h = h + self.act(block(h, c))
        return z + self.out(h, c)  # (B, D)


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
    """MLP x-encoder on flattened inputs (8x8 digits, 2-D points): (B, ...) -> (B, embed_dim)."""

    def __init__(self, *, d_in: int, width: int, embed_dim: int):
        super().__init__()
        self.net = MLP(d_in, width, embed_dim, layers=3, activation="lrelu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.flatten(1))


class DiffusionAmortizer(nn.Module):
    """q_phi(z|x). `forward` is the DSM loss (so DDP can wrap it); `sample` draws z with or without x."""

    def __init__(self, *, encoder: nn.Module, denoiser: Denoiser, latent_dim: int, cfg: DiffusionConfig):
        super().__init__()
        self.encoder, self.denoiser, self.latent_dim, self.cfg = encoder, denoiser, latent_dim, cfg
        self.null = MLP(latent_dim, 128, cfg.embed_dim, layers=2, activation="lrelu")  # official prior_emb
        self.schedule = cosine_schedule(cfg.logsnr_min, cfg.logsnr_max)

    def embed(self, x: torch.Tensor | None, n: int, keep: torch.Tensor | None = None) -> torch.Tensor:
        """Context per sample: enc(x) where keep (default all, when x is given), else null(xi), xi ~ N(0, I).
        Both branches run whenever x is given, so every parameter gets a gradient (DDP needs that)."""
        device = self.denoiser.fourier.device
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
    denoiser = Denoiser(latent_dim=latent_dim, embed_dim=cfg.embed_dim, width=cfg.width, blocks=cfg.blocks,
                        time_dim=cfg.time_dim)
    return DiffusionAmortizer(encoder=encoder, denoiser=denoiser, latent_dim=latent_dim, cfg=cfg)
