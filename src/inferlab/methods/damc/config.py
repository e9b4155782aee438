"""DAMC configuration and presets (Yu et al., NeurIPS 2023; official code yuPeiyu98/Diffusion-Amortized-MCMC)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from inferlab.core.latent_model import LatentModelConfig
from inferlab.data.config import DataConfig
from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig
from inferlab.methods.damc.toy import OFFICIAL_TOY_SPEC

PAPER_MODEL = LatentModelConfig(latent_dim=100, generator="conv", generator_width=64, energy_hidden=200,
                                energy_activation="lrelu", likelihood_sigma=0.1)
"""The official SVHN model: nz 100, DCGAN generator ngf 64, energy MLP 100-200-200-1 with LeakyReLU 0.2, sigma_x 0.1."""


@dataclass(frozen=True)
class DiffusionConfig:
    """The amortizer q_phi(z|x): a conditional latent diffusion model, eps-prediction, cosine log-SNR schedule."""

    steps: int = bounded(100, ge=1)
    """Ancestral sampling steps (network calls) per draw from q."""
    logsnr_min: float = -5.1
    """Log-SNR at u = 1 (most noise)."""
    logsnr_max: float = 9.8
    """Log-SNR at u = 0 (cleanest)."""
    variance: Literal["large", "small"] = "large"
    """Ancestral noise: (1 - r) sigma_t^2 ("large", official) or the true posterior variance ("small")."""
    width: int = bounded(256, ge=2)
    """w of the official U-shaped denoiser: down d -> w/2 -> w -> w, mid w, up 2w -> w -> w/2 -> nz (official nf = 4:
    w = 64 nf = 256)."""
    time_dim: int = bounded(128, ge=2)
    """Size of the sinusoidal + MLP time embedding (official ntemb = 128)."""
    embed_dim: int = bounded(1024, ge=1)
    """Size of the x-embedding the denoiser is conditioned on (official nxemb = 1024)."""
    encoder: Literal["mlp", "conv"] = "conv"
    """x-encoder: conv (official, images >= 16x16) or mlp (flattened inputs: 8x8 digits, 2D points)."""
    encoder_width: int = bounded(64, ge=1)
    """Base channels of the conv encoder (official nif = 64) or hidden units of the mlp encoder."""
    p_uncond: float = bounded(0.2, ge=0, le=1)
    """Probability of replacing x by the null embedding in a DSM update (official p_mask = 0.2)."""
    updates_per_step: int = bounded(6, ge=1)
    """DSM updates of q per training iteration (official: 6)."""
    target_rho: float = bounded(0.005, ge=0, le=1)
    """EMA target: theta' <- rho theta + (1 - rho) theta' (official 0.005)."""
    target_every: int = bounded(10, ge=1)
    """Iterations between EMA target updates (official 10)."""
    evaluate_with_target: bool = False
    """Generate and infer with the EMA target instead of the online q (official: online)."""


@dataclass(frozen=True)
class SamplerConfig:
    """Langevin refinement of q's samples (core.langevin)."""

    posterior_steps: int = bounded(30, ge=0)
    """K_post: Langevin steps on log p(x|z) + log p(z), started from the target q's z0."""
    posterior_step_size: float = bounded(0.1, gt=0)
    """s_post."""
    prior_steps: int = bounded(60, ge=0)
    """K_prior: Langevin steps on log p(z) for negatives, started from [z0, N(0, I)]."""
    prior_step_size: float = bounded(0.4, gt=0)
    """s_prior."""
    generate_refine_steps: int = bounded(0, ge=0)
    """Prior Langevin steps after q's unconditional ancestral sample at generation (official FID path: 0)."""
    noise: bool = True
    """Add the s * eps term (False turns Langevin into gradient descent)."""
    max_abs: float = bounded(1e3, gt=0)
    """A chain whose |z| exceeds this is reported as diverged."""


@dataclass(frozen=True)
class OptimConfig:
    generator_lr: float = bounded(2e-4, ge=0, le=10)
    """Adam learning rate of g_beta."""
    energy_lr: float = bounded(1e-4, ge=0, le=10)
    """Adam learning rate of the energy MLP."""
    amortizer_lr: float = bounded(2e-4, ge=0, le=10)
    """AdamW learning rate of q_phi."""
    amortizer_weight_decay: float = bounded(1e-4, ge=0)
    """AdamW weight decay of q_phi."""
    beta1: float = bounded(0.5, ge=0, lt=1)
    """Adam / AdamW beta1 for all three nets."""
    grad_clip: float = bounded(100.0, ge=0)
    """Gradient-norm clip for each net (official: 100 on q, g and E); 0 = off."""
    generator_loss: Literal["sum_squares", "nll"] = "sum_squares"
    """sum_squares: batch mean of sum (x - g(z))^2, the official scale the clip at 100 was set for; nll: divided by
    2 sigma_x^2 (LEBM's loss; x50 at sigma_x = 0.1, where the clip then bites at every step)."""
    lr_decay: float = bounded(0.99, gt=0, le=1)
    """Multiply every learning rate by this each `decay_every` iterations ..."""
    decay_every: int = bounded(1000, ge=1)
    """... (official: 0.99 per 1000 iterations) ..."""
    min_lr: float = bounded(1e-5, ge=0, le=10)
    """... but never below this."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(1000, ge=2)
    """Generated samples per evaluation (official toy: test points of the posterior errors)."""
    anomaly_digit: int = bounded(9, ge=0, le=9)
    """bench: the digit left out of training and scored as the anomaly."""
    anomaly_refine_steps: int = bounded(5, ge=0)
    """bench: noiseless posterior Langevin steps after q(z|x) before scoring (official eval: 5)."""
    reference_steps: int = bounded(1000, ge=1)
    """bench: Langevin steps of the long-run posterior the amortized posterior is compared with."""
    toy_steps: int = bounded(400, ge=1)
    """bench: training updates on the toy (capped at train.steps, so a short bench stays short)."""


@dataclass(frozen=True)
class DAMCConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: LatentModelConfig = field(default_factory=lambda: PAPER_MODEL)
    diffusion: DiffusionConfig = field(default_factory=DiffusionConfig)
    sampler: SamplerConfig = field(default_factory=SamplerConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)


def paper() -> DAMCConfig:
    """The official SVHN settings (train_gen_recon.py); point data.name at your images, e.g. folder:/data/svhn.

    CIFAR-10: model.latent_dim=128, model.generator_width=128 (the official CIFAR generator starts at 8x8; ours at
    4x4). CelebA-64: model.generator_width=128 on 64x64 images. The official run is open-ended (up to 1e6
    iterations, best checkpoint by FID); 200k is a stated budget, not the paper's.
    """
    return DAMCConfig(
        data=DataConfig(name="shapes", n=50000),
        train=TrainConfig(steps=200_000, batch_size=128, log_every=100, checkpoint_every=1000, eval_every=10_000),
        eval=EvalConfig(samples=10000),
    )


def tiny() -> DAMCConfig:
    """8x8 digits on 2 CPU cores in about a minute (bench: see README for the budget)."""
    return DAMCConfig(
        data=DataConfig(name="digits"),
        model=LatentModelConfig(latent_dim=4, generator="mlp", generator_width=256, energy_hidden=128,
                          energy_activation="gelu", likelihood_sigma=0.3),
        diffusion=DiffusionConfig(steps=20, width=128, time_dim=32, embed_dim=64, encoder="mlp",
                                  encoder_width=128, updates_per_step=6, target_rho=0.1, target_every=1,
                                  evaluate_with_target=True),
        sampler=SamplerConfig(posterior_steps=20, prior_steps=60),
        optim=OptimConfig(generator_lr=1e-3, energy_lr=1e-4, amortizer_lr=1e-3, lr_decay=1.0),
        train=TrainConfig(steps=700, batch_size=100, log_every=50, checkpoint_every=100, eval_every=0),
        eval=EvalConfig(samples=1000, reference_steps=1000),
    )


def tiny_toy() -> DAMCConfig:
    """The bench's toy: inferlab's 5-arm pinwheel latent pushed through a fixed random MLP (toy.py), 2-D latent.
    Unlike the official toy, DAMC learns g and the energy prior here, so generated points can be compared."""
    base = tiny()
    return replace(
        base,
        data=DataConfig(name="toy:pinwheel-mlp", n=5000),
        model=replace(base.model, latent_dim=2, generator_width=128, likelihood_sigma=0.25),
        train=replace(base.train, steps=400),
    )


def official_toy() -> DAMCConfig:
    """The official toy (toy_example.py): posterior amortization alone. g is the toy's fixed generator G* (not
    learned: generator_lr = 0), the prior is N(0, I), and every iteration sees the same 500 latents of a 2-arm
    pinwheel with fresh observation noise, x = G*(z) + 0.25 eps. q is trained as in DAMC (50 posterior Langevin
    steps of 0.1, 6 DSM updates per iteration) with the official toy's settings: nxemb = ntemb = 128, nf = 4,
    100 diffusion steps, p_mask 0.1, AdamW weight decay 1e-2, EMA target rho 0.75 every 10 iterations."""
    return DAMCConfig(
        data=DataConfig(name=OFFICIAL_TOY_SPEC, n=500),
        model=LatentModelConfig(prior="gaussian", latent_dim=2, generator="mlp", generator_width=128,
                                generator_layers=4, likelihood_sigma=0.25),
        diffusion=DiffusionConfig(steps=100, width=256, time_dim=128, embed_dim=128, encoder="mlp", encoder_width=128,
                                  p_uncond=0.1, updates_per_step=6, target_rho=0.75, target_every=10),
        sampler=SamplerConfig(posterior_steps=50, posterior_step_size=0.1),
        optim=OptimConfig(generator_lr=0.0, amortizer_lr=2e-4, amortizer_weight_decay=1e-2),
        train=TrainConfig(steps=100, batch_size=500, log_every=10, checkpoint_every=50, eval_every=0),
        eval=EvalConfig(samples=5000, reference_steps=1000),
    )


PRESETS = {"tiny": tiny, "tiny_toy": tiny_toy, "official_toy": official_toy, "paper": paper}
