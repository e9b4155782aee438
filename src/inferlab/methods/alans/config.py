"""ALANS configuration and presets (Zhang, Xie, Jia, Wu, Zhu & Zhu, ECCV 2022)."""

from __future__ import annotations

from dataclasses import dataclass, field

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig


@dataclass(frozen=True)
class DataConfig:
    train_problems: int = bounded(3000, ge=1)
    """Training problems (the splits' shared training side: distribute_four, no held-out pair), drawn in-run."""
    image_size: int = bounded(96, ge=8)
    """Rendered panel size in pixels (official 160)."""
    crop_size: int = bounded(24, ge=4)
    """Every position's crop is resized to crop_size x crop_size for the object CNN (official 32 at 160 px)."""
    panel_size: int = bounded(64, ge=4)
    """Whole panels are downsampled to panel_size for the CNN baseline and the figures."""


@dataclass(frozen=True)
class ModelConfig:
    variant: str = "alans"
    """'alans' (object CNN + algebraic backend) or 'cnn' (the pure-neural PanelCNN baseline)."""
    channels: int = bounded(16, ge=1)
    """Width of the first conv layers (object CNN and baseline alike)."""
    matrix_size: int = bounded(3, ge=1)
    """d: every attribute value is a d x d matrix M^k Z."""
    reg: float = bounded(1e-2, ge=0)
    """lambda: ridge weight of the operator least squares."""
    scale: float = bounded(5.0, gt=0)
    """Softmax sharpness over normalised distances between a predicted matrix and every value's (value predictions)."""
    op_scale: float = bounded(100.0, gt=0)
    """Softmax sharpness over normalised fit residuals (operator probabilities, Position-vs-Number selection); the
    official ACTION_SOFTMAX_SCALE is 1e4 on unnormalised residuals."""
    shared_matrices: bool = False
    """One M, Z for Number, Type, Size and Color (the official NumberSys) instead of one pair per attribute; see
    README for both measured."""


@dataclass(frozen=True)
class LossConfig:
    rule_weight: float = bounded(1.0, ge=0)
    """Weight of the auxiliary rule loss (-log P(operator group of the ground-truth rule)), as in the paper."""
    attr_weight: float = bounded(0.0, ge=0)
    """Weight of a perception loss on ground-truth attributes (exist per slot, Type/Size/Color per entity) of all 16
    panels. 0 = label-free, as in the paper (the frontend learns from the answer and rule losses only); 1 grounds
    the frontend's value indices in the generator's levels, which answer generation needs (see README)."""


@dataclass(frozen=True)
class OptimConfig:
    lr: float = bounded(3e-3, ge=0, le=10)
    """Adam learning rate (the official main.py default is 1e-4 at batch 32 for many epochs)."""
    weight_decay: float = bounded(0.0, ge=0)


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(300, ge=1)
    """Problems per test split (iid, systematicity, productivity, localism)."""


@dataclass(frozen=True)
class ALANSConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)


def tiny() -> ALANSConfig:
    """2x2-grid training problems rendered at 96 px, 20 px crops, a 12-channel object CNN, 2000 problems,
    500 updates of 32 problems (8 epochs)."""
    return ALANSConfig(data=DataConfig(train_problems=2000, crop_size=20), model=ModelConfig(channels=12),
                       train=TrainConfig(steps=500, batch_size=32, log_every=50, checkpoint_every=100, eval_every=0))


def paper() -> ALANSConfig:
    """Closer to the paper's setting: no attribute supervision, 160 px panels with 32 px crops (official
    img_size), 10k problems, long training (official main.py: Adam ~1e-4, batch 32)."""
    return ALANSConfig(data=DataConfig(train_problems=10000, image_size=160, crop_size=32, panel_size=80),
                       model=ModelConfig(channels=32),
                       loss=LossConfig(rule_weight=1.0),
                       optim=OptimConfig(lr=1e-4),
                       train=TrainConfig(steps=60_000, batch_size=32, log_every=100, checkpoint_every=1000,
                                         eval_every=5000),
                       eval=EvalConfig(samples=2000))


PRESETS = {"tiny": tiny, "paper": paper}
