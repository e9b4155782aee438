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
    lr: float = bounded(1e-3, ge=0, le=10)
    """Adam learning rate of ALANS (tiny: chosen from {1e-3, 3e-3, 1e-2} on the validation draw, as every baseline's;
    README; the official main.py default is 0.95e-4 at batch 32 for up to 200 epochs)."""
    cnn_lr: float = bounded(1e-3, gt=0.0)
    """Adam learning rate of the `cnn` baseline (tiny: chosen on the validation draw, see README)."""
    wren_lr: float = bounded(1e-3, gt=0.0)
    """Adam learning rate of the `wren` baseline (tiny: chosen on the validation draw; published: 1e-4 at batch 32
    on 1.2M problems)."""
    scl_lr: float = bounded(1e-3, gt=0.0)
    """Adam learning rate of the `scl` baseline (tiny: chosen on the validation draw; official RAVEN run: 5e-3)."""
    weight_decay: float = bounded(0.0, ge=0)
    lr_grid: tuple[float, ...] = bounded((), gt=0.0, le=10)
    """Bench only: when non-empty, every variant (ALANS and each baseline alike) is trained once per learning rate
    of the grid and the run with the highest `acc_val` (the validation draw) is reported, with the sweep; e.g.
    `--set optim.lr_grid=1e-3,3e-3,1e-2`. Empty: one run per variant at its rate above."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(300, ge=1)
    """Problems per test split (iid, systematicity, productivity, localism)."""
    val_samples: int = bounded(300, ge=1)
    """Problems of the validation draw (training side, its own random stream): `acc_val`, the run's `score` and the
    bench's learning-rate selection (`optim.lr_grid`) use it; the test splits are never used for choices."""


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
    CNNs, 2000 problems, 400 updates of 32 problems (6.4 epochs) for every variant, 300 problems per test split,
    200 validation problems."""
    return ALANSConfig(data=DataConfig(train_problems=2000, crop_size=20, panel_size=40),
                       model=ModelConfig(channels=12), eval=EvalConfig(samples=300, val_samples=200),
                       train=TrainConfig(steps=400, batch_size=32, log_every=50, checkpoint_every=100, eval_every=0))


def paper() -> ALANSConfig:
    """The official training run (`main.py train` defaults) as far as this code has its settings:
    label-free perception, 160 px panels cut into 32 px crops (`--img-size 32`), d = 2 matrices (MATRIX_SIZE) shared
    by Number/Type/Size/Color (`NumberSys`), the `mean` answer objective (`--loss mean`, JSD), auxiliary weight 1
    (`--aux 1.0`), Adam 0.95e-4 at batch 32 without weight decay, 60,000 updates (about the official 200 epochs of
    6,000 training problems at batch 32 = 37,500 updates, rounded up for our 10,000 problems: 192 epochs).

    Differences from the official run that remain:
    - training data: our splits' shared training side, distribute_four without the held-out pairs (official:
      `--config distribute_nine` by default, the split's own training folder), drawn in-run, I-RAVEN candidates;
    - no ReduceLROnPlateau (official: factor 0.5 on the validation loss after each epoch); a constant rate;
    - no starter checkpoints (official README: "training from scratch is extremely hard", `assets/*.pth`): training
      starts from scratch, as no weights are downloaded;
    - softmax scales on normalised residuals (`op_scale` 100, `scale` 5) instead of ACTION_SOFTMAX_SCALE 1e4 and
      PRED_SOFTMAX_SCALE 1e3 on raw ones; ridge `reg` 1e-2 instead of INNER_REG 1e-4 (our normalisation);
    - our object CNN (4 conv layers, 32 channels) instead of the official ObjectCNN layers; Position's unary
      operator sees slots s-2..s+2 (official s-1..s+1); the set distributions in closed form;
    - 2,000 test problems per split, evaluated at the end and every 5,000 updates (official: the test folders)."""
    return ALANSConfig(data=DataConfig(train_problems=10000, image_size=160, crop_size=32, panel_size=80),
                       model=ModelConfig(channels=32, matrix_size=2, shared_matrices=True, answer="mean"),
                       loss=LossConfig(rule_weight=1.0, attr_weight=0.0),
                       optim=OptimConfig(lr=0.95e-4),
                       train=TrainConfig(steps=60_000, batch_size=32, log_every=100, checkpoint_every=1000,
                                         eval_every=5000),
                       eval=EvalConfig(samples=2000))


PRESETS = {"tiny": tiny, "paper": paper}
