"""ALANS configuration and presets (Zhang, Xie, Jia, Wu, Zhu & Zhu, ECCV 2022)."""

from __future__ import annotations

from dataclasses import dataclass, field

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig


@dataclass(frozen=True)
class DataConfig:
    train_problems: int = 3000
    """Training problems (the splits' shared training side: distribute_four, no held-out pair), drawn in-run."""
    image_size: int = 96
    """Rendered panel size in pixels (official 160)."""
    crop_size: int = 24
    """Every position's crop is resized to crop_size x crop_size for the object CNN (official 32 at 160 px)."""
    panel_size: int = 64
    """Whole panels are downsampled to panel_size for the WReN and SCL baselines and the figures (tiny: 40 px, the
    pixels of ALANS's four 20 px training crops)."""


@dataclass(frozen=True)
class ModelConfig:
    variant: str = "alans"
    """'alans' (object CNN + algebraic backend) or a baseline (baselines.py): 'cnn' (per-slot crops, row MLP),
    'wren' (WReN relation network on whole panels), 'scl' (Scattering Compositional Learner on whole panels)."""
    answer: str = "mean"
    """ALANS's answer objective before the cross-entropy (scoring.py): 'mean' (official --loss mean, its default:
    -sum_op P(op) JSD(prediction, candidate)) or 'match' (ours: log of the rule-weighted value-match probability)."""
    channels: int = 16
    """Width of the first conv layers (object CNN and baseline alike)."""
    matrix_size: int = 3
    """d: every attribute value is a d x d matrix M^k Z."""
    reg: float = 1e-2
    """lambda: ridge weight of the operator least squares."""
    scale: float = 5.0
    """Softmax sharpness over normalised distances between a predicted matrix and every value's (value predictions)."""
    op_scale: float = 100.0
    """Softmax sharpness over normalised fit residuals (operator probabilities, Position-vs-Number selection); the
    official ACTION_SOFTMAX_SCALE is 1e4 on unnormalised residuals."""
    shared_matrices: bool = False
    """One M, Z for Number, Type, Size and Color (the official NumberSys) instead of one pair per attribute; see
    README for both measured."""


@dataclass(frozen=True)
class LossConfig:
    rule_weight: float = 1.0
    """Weight of the auxiliary rule loss (-log P(operator group of the ground-truth rule)), as in the paper."""
    attr_weight: float = 0.0
    """Weight of a perception loss on ground-truth attributes (exist per slot, Type/Size/Color per entity) of all 16
    panels. 0 = label-free, as in the paper (the frontend learns from the answer and rule losses only); 1 grounds
    the frontend's value indices in the generator's levels, which answer generation needs (see README)."""


@dataclass(frozen=True)
class OptimConfig:
    lr: float = 3e-3
    """Adam learning rate of ALANS (the official main.py default is 0.95e-4 at batch 32 for up to 200 epochs)."""
    cnn_lr: float = bounded(3e-3, gt=0.0)
    """Adam learning rate of the `cnn` baseline (tiny: chosen on an iid validation draw, see README)."""
    wren_lr: float = bounded(1e-3, gt=0.0)
    """Adam learning rate of the `wren` baseline (published: 1e-4 at batch 32 on 1.2M problems)."""
    scl_lr: float = bounded(3e-3, gt=0.0)
    """Adam learning rate of the `scl` baseline (official RAVEN run: 5e-3)."""
    weight_decay: float = 0.0


@dataclass(frozen=True)
class EvalConfig:
    samples: int = 300
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
    """2x2-grid training problems rendered at 96 px, 20 px crops (40 px whole panels for WReN and SCL), 12-channel
    CNNs, 2000 problems, 500 updates of 32 problems (8 epochs)."""
    return ALANSConfig(data=DataConfig(train_problems=2000, crop_size=20, panel_size=40),
                       model=ModelConfig(channels=12),
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
