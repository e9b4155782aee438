"""DRC configuration and presets (Yu, Xie, Ma, Zhu, Wu & Zhu, NeurIPS 2021; official config_gallery/*.yml)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig


@dataclass(frozen=True)
class DataConfig:
    name: str = "textured"
    """textured or objects3d (generated here), or data you bring: cub:DIR (CUB-200-2011 folder), dogs:DIR /
    cars:DIR (the official *_resized.png / *_maskresized.png layout), pairs:DIR (DIR/images/* with
    DIR/masks/<stem>.png)."""
    image_size: int = bounded(128, ge=8)
    """Side of the square images (a power of two); the official configs use 128."""
    n_train: int = bounded(2000, ge=1)
    """textured / objects3d: training images generated (real data: all images of the training split)."""
    n_test: int = bounded(200, ge=1)
    """textured: held-out test images of the seen shape classes."""
    n_unseen: int = bounded(200, ge=0)
    """textured: held-out test images whose sprites are all of the held-out shape class (0 = no unseen test)."""
    held_out_shape: str = "star"
    """Class never seen in training: textured: square, circle, triangle, diamond, star or cross; objects3d:
    sphere, cube, cylinder or cone."""
    max_objects: int = bounded(4, ge=1, le=8)
    """textured: at most this many sprites per image (at least 1)."""
    flip: bool = True
    """Random horizontal flips of training images (official use_flip=True for the training split)."""


@dataclass(frozen=True)
class ModelConfig:
    zf_dim: int = bounded(256, ge=1)
    """Foreground latent size (official ZF_DIM)."""
    zb_dim: int = bounded(256, ge=1)
    """Background latent size (official ZB_DIM)."""
    zs_dim: int = bounded(512, ge=1)
    """Pixel re-assignment latent size (official ZS_DIM)."""
    fc_channels: int = bounded(128, ge=1)
    """Channels of the 4x4 map the latent is projected to (official block_chns[0] = 128)."""
    decoder_width: int = bounded(64, ge=1)
    """Channels of the last up-sampling block; each earlier block doubles them (official 64 -> 1024 at 128 px)."""
    encoder_width: int = bounded(64, ge=1)
    """Channels of the first down-sampling block of the pseudo-label encoders (official 64 -> 1024 at 128 px)."""
    ebm_hidden: int = bounded(200, ge=1)
    """Hidden units of the EBM's fg/bg MLPs; the z_s MLP has twice as many (official NEF = 200)."""
    fg_classes: int = bounded(200, ge=2)
    """K_f: foreground pseudo-classes (EBM logits and encoder head)."""
    bg_classes: int = bounded(200, ge=2)
    """K_b: background pseudo-classes."""
    prior: Literal["ebm", "gaussian"] = "ebm"
    """ebm: p(z) ∝ exp(-E(z)) N(0, I) (DRC); gaussian: N(0, I) alone (baseline gaussian_prior)."""
    reassign: bool = True
    """Pixel re-assignment: warp the background expert with the learned grid (False = baseline no_reassign)."""


@dataclass(frozen=True)
class SamplerConfig:
    sigma: float = bounded(0.25, gt=0)
    """sigma of the L1 expert likelihoods in the posterior, log p = -|x - mu| / (2 sigma^2) (official SIGMA)."""
    prior_steps: int = bounded(60, ge=0)
    """Prior Langevin steps per update, persistent chains (official INFER_STEP_K0)."""
    prior_step_size: float = bounded(0.4, gt=0)
    """delta_0 (official DELTA_0)."""
    posterior_steps: int = bounded(40, ge=0)
    """Posterior Langevin steps per update, persistent chains (official INFER_STEP_K1)."""
    posterior_step_size: float = bounded(0.1, gt=0)
    """delta_1 (official DELTA_1)."""
    infer_steps: int = bounded(300, ge=0)
    """Test-time posterior Langevin steps from N(0, I) (official INFER_TEST: 300 birds/dogs/cars)."""
    tv_weight: float = bounded(0.01, ge=0)
    """Weight of the total variation of the warped background, in the posterior and the generator loss."""
    max_abs: float = bounded(1e4, gt=0)
    """A chain whose |z| exceeds this is reported as diverged."""


@dataclass(frozen=True)
class OptimConfig:
    lr: float = bounded(1e-4, gt=0)
    """Adam learning rate of the three generators (official LR)."""
    ebm_lr_ratio: float = bounded(0.2, gt=0)
    """The EBM's learning rate is lr times this (official LR * .2 = 2e-5)."""
    beta1: float = bounded(0.5, ge=0, lt=1)
    """Adam beta1 (official BETA1)."""
    beta2: float = bounded(0.999, ge=0, lt=1)
    """Adam beta2 (official BETA2)."""
    label_weight: float = bounded(0.1, ge=0)
    """Weight of each pseudo-label cross entropy H(softmax(EBM logits), encoder(generated part))."""
    ortho_weight: float = bounded(0.1, ge=0)
    """Weight of the orthogonality regulariser on the fg/bg nets' conv kernels."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(200, ge=1)
    """Held-out images scored per evaluation (each of the seen and unseen test sets)."""
    batch_size: int = bounded(100, ge=1)
    """Images per test-time inference batch."""


@dataclass(frozen=True)
class DRCConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    sampler: SamplerConfig = field(default_factory=SamplerConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)


def tiny() -> DRCConfig:
    """Generated textured sprites at 32 px (1-2 per image), 64 training images (each persistent chain is revisited
    ~25 times), a 2-d background latent beside a 32-d foreground latent (the official textured config: ZB_DIM 4 beside
    ZF_DIM 256), narrow nets, short chains, 100 updates: the bench's three trained variants and k-means take about
    3 CPU minutes together at the reference speed (see README for what is scaled down)."""
    return DRCConfig(
        data=DataConfig(name="textured", image_size=32, n_train=64, n_test=64, n_unseen=64, max_objects=2),
        model=ModelConfig(zf_dim=32, zb_dim=2, zs_dim=16, fc_channels=16, decoder_width=8, encoder_width=8,
                          ebm_hidden=64, fg_classes=200, bg_classes=200),
        sampler=SamplerConfig(prior_steps=20, posterior_steps=10, infer_steps=100),
        optim=OptimConfig(lr=2e-3),
        train=TrainConfig(steps=100, batch_size=16, log_every=20, checkpoint_every=50, eval_every=0),
        eval=EvalConfig(samples=64, batch_size=64),
    )


def _official(name: str, zf: int, zb: int, zs: int, infer_steps: int, n_train: int = 2000) -> DRCConfig:
    """The settings every official config shares (128 px, batch 48, K0 60 / K1 40, delta 0.4 / 0.1, sigma 0.25,
    MAX_ITERS 2e6, a checkpoint every 300 iterations)."""
    return DRCConfig(
        data=DataConfig(name=name, image_size=128, n_train=n_train, n_test=1000, n_unseen=1000, max_objects=4),
        model=ModelConfig(zf_dim=zf, zb_dim=zb, zs_dim=zs),
        sampler=SamplerConfig(infer_steps=infer_steps),
        train=TrainConfig(steps=2_000_000, batch_size=48, log_every=100, checkpoint_every=300, eval_every=10_000),
        eval=EvalConfig(samples=1000, batch_size=48),
    )


def paper_cub() -> DRCConfig:
    """config_gallery/cub_split.yml: train split 0, test split 2 of train_val_test_split.txt."""
    return _official("cub:data/CUB_200_2011", 256, 256, 512, 300)


def paper_dog() -> DRCConfig:
    """config_gallery/dog_split.yml."""
    return _official("dogs:data/dogs", 256, 192, 512, 300)


def paper_car() -> DRCConfig:
    """config_gallery/car_split.yml."""
    return _official("cars:data/cars", 256, 256, 512, 300)


def paper_textured() -> DRCConfig:
    """config_gallery/textured.yml (20000 images; official INFER_TEST 5000), on our generated textured sprites."""
    return _official("textured", 256, 4, 1024, 5000, n_train=20_000)


def paper_clevr() -> DRCConfig:
    """config_gallery/clevr.yml (ZB_DIM 2, ZS_DIM 256, N_SAMPLE 70000, official INFER_TEST 20000), on our objects3d
    renders standing in for CLEVR6 (official: 3-6 visible objects; ours 1-6, cones held out)."""
    cfg = _official("objects3d", 256, 2, 256, 20_000, n_train=70_000)
    return replace(cfg, data=replace(cfg.data, held_out_shape="cone", max_objects=6))


PRESETS = {"tiny": tiny, "paper": paper_cub, "paper_cub": paper_cub, "paper_dog": paper_dog,
           "paper_car": paper_car, "paper_textured": paper_textured, "paper_clevr": paper_clevr}
