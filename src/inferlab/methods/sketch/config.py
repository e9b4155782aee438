"""Configuration and presets of the visual communication game (Qiu, Xie, Fan, Gao, Joo, Zhu & Zhu, NeurIPS 2022)."""

from __future__ import annotations

from dataclasses import dataclass, field

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig

SETTINGS = ("complete", "max", "sender_fix", "one_step", "retrieve", "cum")
"""The official settings we train (README): complete, max (receiver waits until the last round), sender_fix (sender
not trained), one_step (one round), retrieve (fixed sender draws every round, the receiver picks once, REINFORCE),
cum (REINFORCE with discounted cumulative rewards, no value model)."""

REINFORCE_SETTINGS = ("retrieve", "cum")
"""Settings learned by REINFORCE (official train_original_reward_retrieve_5stroke_accum.py) instead of the
lambda-return actor objective and value model."""


@dataclass(frozen=True)
class DataConfig:
    categories: int = bounded(26, ge=6, le=26)
    """Categories used (the first of data/sketch/categories.py's list); the last `unseen_categories` are held out."""
    unseen_categories: int = bounded(6, ge=3)
    """Categories never played in training (the unseen-category split; at least 3: a game shows 3)."""
    instances: int = bounded(10, ge=2)
    """Instances per category (official: 10), each with a photo and a sketch."""
    seen_instances: int = bounded(7, ge=1)
    """Instances 0..seen_instances-1 are played in training; the rest form the unseen-instance split (and the
    symbolicity classifier's test set, official: the first 7 train it)."""
    image_size: int = bounded(32, ge=16)
    """Photo, sketch and canvas side in pixels (official 128)."""
    train_games: int = bounded(20000, ge=1)
    """Seeded training games the trainer cuts into batches (official: a fresh random game per sample)."""
    pretrain_instances: int = bounded(40, ge=1)
    """Extra instances per pretraining category, drawn apart from the game's, that pretrain the encoder and the
    sender."""
    pretrain_categories: int = bounded(26, ge=3, le=26)
    """Categories of the pretraining pool: the game's seen categories plus, up to this many in all, the categories
    of data/sketch/categories.py beyond the game's `categories` (our stand-in for ImageNet's breadth); the game's
    unseen categories are never in it."""


@dataclass(frozen=True)
class GameConfig:
    setting: str = "complete"
    """One of SETTINGS."""
    max_rounds: int = bounded(7, ge=1)
    """Rounds per game (official max_step 7; one_step forces 1)."""
    strokes_per_round: int = bounded(5, ge=1)
    """Strokes the sender adds per round (official num_stroke 5)."""
    stroke_width: float = bounded(1.0, gt=0)
    """Stroke width in pixels (official: the renderer's thinnest stroke at 128 px)."""
    step_cost: float = bounded(0.0, ge=0)
    """Reward of waiting, negated (official 0)."""
    discount: float = bounded(0.85, gt=0, le=1)
    """Discount of the lambda-returns (official command lines: 0.85)."""
    lam: float = bounded(0.95, ge=0, le=1)
    """lambda of the lambda-returns (official 0.95)."""


@dataclass(frozen=True)
class ModelConfig:
    features: int = bounded(128, ge=8)
    """Width of the frozen encoder's feature layer (official VGG16 fc7: 4096)."""
    projection: int = bounded(100, ge=1)
    """Receiver and value-model projections of the features (official 100)."""
    feature_dropout: float = bounded(0.5, ge=0, lt=1)
    """Dropout on the frozen encoder's features that the receiver reads in training games (not in evaluation) and
    the value model always (official: the VGG16 of the receiver left in training mode outside evaluation, that of
    the value model always: dropout 0.5 on the fc7 features)."""
    sender_width: int = bounded(32, ge=4)
    """Channels of the sender CNN's first layer (official: ResNet-18 of Learning to Paint)."""


@dataclass(frozen=True)
class PretrainConfig:
    encoder_steps: int = bounded(300, ge=0)
    """Updates of the encoder (category classification of photos and sketches), our stand-in for ImageNet VGG16."""
    sender_steps: int = bounded(400, ge=0)
    """Updates of the sender redrawing sketches through the rasteriser, our stand-in for the Learning-to-Paint actor."""
    batch_size: int = bounded(32, ge=1)
    lr: float = bounded(2e-3, gt=0)
    """Adam learning rate of both pretraining stages."""


@dataclass(frozen=True)
class OptimConfig:
    receiver_lr: float = bounded(1e-4, gt=0)
    """Adam learning rate of the receiver's projections (official 1e-4)."""
    sender_lr: float = bounded(1e-4, gt=0)
    """Peak Adam learning rate of the sender (official 1e-4), reached by a linear warm-up from 0."""
    value_lr: float = bounded(1e-4, gt=0)
    """Adam learning rate of the value model (official 1e-4)."""
    decay_start: int = bounded(2000, ge=0)
    """Sender warm-up length and start of both decays (official lr_decay_start 2000)."""
    decay_every: int = bounded(1000, ge=1)
    """Decay period: lr = lr0 * decay ** ((step - decay_start) / decay_every) (official lr_decay_every 1000)."""
    receiver_decay: float = bounded(0.95, gt=0, le=1)
    """Official receiver_decay 0.95 (decay stops below 5e-6, as official)."""
    sender_decay: float = bounded(0.99, gt=0, le=1)
    """Official command lines: sender_decay 0.99."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(300, ge=3)
    """Games per test split (seen, unseen instance, unseen category), played greedily."""
    classifier_steps: int = bounded(300, ge=1)
    """Full-batch Adam updates of the symbolicity classifier (a linear head on the frozen encoder's features)."""


@dataclass(frozen=True)
class SketchConfig:
    data: DataConfig = field(default_factory=DataConfig)
    game: GameConfig = field(default_factory=GameConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    pretrain: PretrainConfig = field(default_factory=PretrainConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)


def tiny() -> SketchConfig:
    """16 categories (13 seen, 3 unseen) x 10 instances at 32 px, 7 rounds of 5 strokes as official; short
    pretraining on the 13 seen and 10 further categories; 150 updates of 16 games with the receiver's and value
    model's learning rates raised 10x to 1e-3 (raised 30x, seed 1's receiver learnt to wait out every game within
    30 updates: README), the sender's at the official 1e-4 (raised 3x or 10x, the sender's updates drove seed 0's
    players into waiting out most games), the warm-up / decay scaled to the run; dropout 0.25 on the encoder's
    features (official 0.5, which left seed 2's receiver below chance on unseen categories: README); every
    update's rounds logged; 300 test games per split (standard error of an accuracy <= 0.029)."""
    return SketchConfig(
        data=DataConfig(categories=16, unseen_categories=3, train_games=4000, pretrain_instances=20),
        model=ModelConfig(feature_dropout=0.25),
        pretrain=PretrainConfig(encoder_steps=300, sender_steps=150, batch_size=16),
        optim=OptimConfig(receiver_lr=1e-3, sender_lr=1e-4, value_lr=1e-3, decay_start=50, decay_every=50),
        train=TrainConfig(steps=150, batch_size=16, log_every=1, checkpoint_every=50, eval_every=75),
        eval=EvalConfig(samples=300, classifier_steps=200))


def paper() -> SketchConfig:
    """The official command line (README): batch 64, 7 rounds, 5 strokes, discount 0.85, lambda 0.95, Adam 1e-4,
    sender warm-up over 2000 games then decay 0.99 per 1000 (receiver 0.95), 50,000 games; 26 categories (20 seen,
    6 unseen) x 10 instances at 32 px (official: 30 seen categories of photos at 128 px)."""
    return SketchConfig(
        data=DataConfig(image_size=32, train_games=200_000),
        pretrain=PretrainConfig(encoder_steps=3000, sender_steps=5000, batch_size=64, lr=1e-3),
        train=TrainConfig(steps=50_000, batch_size=64, log_every=100, checkpoint_every=1000, eval_every=5000),
        eval=EvalConfig(samples=1000, classifier_steps=700))


PRESETS = {"tiny": tiny, "paper": paper}
