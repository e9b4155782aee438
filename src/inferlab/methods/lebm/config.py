"""LEBM configuration and presets (Pang, Han, Nijkamp, Zhu & Wu, NeurIPS 2020)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from inferlab.core.latent_model import LatentModelConfig
from inferlab.data.config import DataConfig
from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig


@dataclass(frozen=True)
class SamplerConfig:
    prior_steps: int = bounded(60, ge=0)
    """K_prior: Langevin steps for prior samples z ~ p_alpha(z)."""
    prior_step_size: float = bounded(0.4, gt=0)
    """s_prior."""
    posterior_steps: int = bounded(20, ge=0)
    """K_post: Langevin steps for posterior samples z ~ p(z|x)."""
    posterior_step_size: float = bounded(0.1, gt=0)
    """s_post."""
    noise: bool = True
    """Add the s * eps term (False turns Langevin into gradient descent)."""
    max_abs: float = bounded(1e3, gt=0)
    """A chain whose |z| exceeds this is reported as diverged."""


@dataclass(frozen=True)
class OptimConfig:
    energy_lr: float = bounded(2e-5, ge=0, le=10)
    """Adam learning rate of the energy MLP."""
    generator_lr: float = bounded(1e-4, ge=0, le=10)
    """Adam learning rate of the generator."""
    beta1: float = bounded(0.5, ge=0, lt=1)
    """Adam beta1 (the paper's code: 0.5 for both nets)."""
    lr_decay: float = bounded(1.0, gt=0, le=1)
    """Multiply both learning rates by this every `decay_every` steps."""
    decay_every: int = bounded(1000, ge=1)
    """Steps between learning-rate decays (the paper's code decays once per epoch)."""
    grad_clip: float = bounded(0.0, ge=0)
    """Clip each net's gradient norm to this; 0 = no clipping."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(1000, ge=2)
    """Generated samples per evaluation (FD for images, MMD and mode coverage for 2D data)."""


@dataclass(frozen=True)
class LEBMConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: LatentModelConfig = field(default_factory=LatentModelConfig)
    sampler: SamplerConfig = field(default_factory=SamplerConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)


def tiny() -> LEBMConfig:
    """Digits (8x8) in a couple of minutes on 2 CPU cores; see README for why latent_dim=4."""
    return LEBMConfig(
        data=DataConfig(name="digits"),
        model=LatentModelConfig(latent_dim=4, generator="mlp", generator_width=256, energy_hidden=128),
        sampler=SamplerConfig(prior_steps=60, prior_step_size=0.4, posterior_steps=20, posterior_step_size=0.1),
        optim=OptimConfig(energy_lr=5e-4, generator_lr=1e-3),
        train=TrainConfig(steps=1000, batch_size=100, log_every=50, checkpoint_every=100, eval_every=0),
    )


def tiny_toy() -> LEBMConfig:
    """2-D latent, 2-D data from 8 gaussians: the data needs a multi-modal prior."""
    base = tiny()
    return replace(
        base,
        data=DataConfig(name="toy2d:8gaussians", n=5000),
        model=replace(base.model, latent_dim=2, generator_width=128, likelihood_sigma=0.1, energy_hidden=128),
        optim=replace(base.optim, energy_lr=1e-4),
        train=replace(base.train, steps=800),
    )


def paper() -> LEBMConfig:
    """The official 32x32 SVHN settings (train_svhn.py defaults): point data.name at your images, e.g. folder:/data/svhn.

    201 epochs of SVHN (733 batches of 100) is about 147k updates; the learning rates decay by 0.998 per epoch.
    """
    return LEBMConfig(
        data=DataConfig(name="shapes", n=50000),
        model=LatentModelConfig(latent_dim=100, generator="conv", generator_width=64, generator_init="xavier",
                                energy_hidden=200, energy_layers=3, energy_activation="gelu", prior_sigma=1.0,
                                likelihood_sigma=0.3),
        sampler=SamplerConfig(prior_steps=60, prior_step_size=0.4, posterior_steps=20, posterior_step_size=0.1),
        optim=OptimConfig(energy_lr=2e-5, generator_lr=1e-4, beta1=0.5, lr_decay=0.998, decay_every=733),
        train=TrainConfig(steps=147_000, batch_size=100, log_every=100, checkpoint_every=1000, eval_every=36_650),
        eval=EvalConfig(samples=10000),
    )


PRESETS = {"tiny": tiny, "tiny_toy": tiny_toy, "paper": paper}
