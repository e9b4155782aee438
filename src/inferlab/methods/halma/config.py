"""HALMA benchmark configuration: spaces, the RL agent (encoder, PPO settings) and presets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig


@dataclass(frozen=True)
class EnvConfig:
    train_spaces: int = bounded(512, ge=1)
    """Spaces of the train split the agent trains on (a pool; every episode draws one)."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(64, ge=1)
    """Spaces per split in evaluation (train: fresh ones of the train distribution, perceptual: the same spaces
    drawn in the held-out style, conceptual and algorithmic: their own); one episode of 3 trials each."""
    random_episodes: int = bounded(8, ge=1)
    """Episodes of the random agent per evaluation space (its steps per trial are the score's ceiling)."""


@dataclass(frozen=True)
class AgentConfig:
    encoder: Literal["cnn", "cnn_lstm", "attention"] = "cnn"
    """Panel encoder: 'cnn', 'cnn_lstm' (CNN + LSTM memory over the whole episode) or 'attention' (a transformer
    layer over the 16 panel patches)."""
    width: int = bounded(16, ge=1)
    """Channels of the first convolution (attention: 4 x width is the token width)."""
    features: int = bounded(128, ge=1)
    """Feature vector (and LSTM) size."""


@dataclass(frozen=True)
class PPOConfig:
    envs: int = bounded(32, ge=1)
    """Episodes stepped in parallel."""
    rollout: int = bounded(32, ge=1)
    """Steps per episode slot per update (one update collects envs x rollout moves)."""
    epochs: int = bounded(4, ge=1)
    """Passes over each rollout."""
    minibatches: int = bounded(4, ge=1)
    """Minibatches per pass (recurrent agents split by episode slot)."""
    lr: float = bounded(1e-3, gt=0, le=1)
    """Adam learning rate, decayed linearly to 0 over train.steps."""
    gamma: float = bounded(0.97, ge=0, le=1)
    """Discount per move."""
    gae_lambda: float = bounded(0.95, ge=0, le=1)
    """GAE lambda."""
    clip: float = bounded(0.2, gt=0)
    """PPO ratio clip."""
    entropy: float = bounded(0.01, ge=0)
    """Entropy bonus weight."""
    value: float = bounded(0.5, ge=0)
    """Value loss weight."""
    max_grad_norm: float = bounded(0.5, gt=0)
    """Gradient clipping norm."""


@dataclass(frozen=True)
class HalmaConfig:
    env: EnvConfig = field(default_factory=EnvConfig)
    agent: AgentConfig = field(default_factory=AgentConfig)
    ppo: PPOConfig = field(default_factory=PPOConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    """train.steps counts PPO updates; train.batch_size is unused (each update collects its own rollout)."""


def tiny() -> HalmaConfig:
    """A CPU budget: 256 training spaces, 48 evaluation spaces per split, 32 x 32 moves per update."""
    return HalmaConfig(env=EnvConfig(train_spaces=256), eval=EvalConfig(samples=48),
                       train=TrainConfig(steps=80, batch_size=1, log_every=5, checkpoint_every=10, eval_every=0))


def paper() -> HalmaConfig:
    """A longer run (GPU or a patient CPU): the paper trains its agents for millions of frames; 2,000 updates of
    64 x 64 moves (8.2M moves), a larger pool of training spaces, 200 evaluation spaces per split."""
    return HalmaConfig(env=EnvConfig(train_spaces=4096), eval=EvalConfig(samples=200, random_episodes=16),
                       agent=AgentConfig(width=32, features=256),
                       ppo=PPOConfig(envs=64, rollout=64, lr=3e-4),
                       train=TrainConfig(steps=2000, batch_size=1, log_every=10, checkpoint_every=50, eval_every=200))


PRESETS = {"tiny": tiny, "paper": paper}
