"""Latent Plan Transformer configuration and presets (Kong, Zhao, Xu, Pang, Wu & Wang, NeurIPS 2024).

`paper` takes its numbers from the official scripts/config.py (ENV_CONFIG per environment, argparse defaults:
4 latent tokens, reward_weight 0.25, batch 500, AdamW weight decay 1e-4, 10% warm-up, grad-norm clip 0.25) and
model/lpt.py (3 posterior Langevin steps and 20 at test time, step size 0.3, return MLP of width 100 with
dropout 0.3, UNet1D(dim=16, dim_mults=(1, 2, 4, 8))).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Literal

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig

ENVS = ("gridmaze", "pointmaze_umaze", "pointmaze_medium", "connect_four", "hopper", "halfcheetah", "walker2d")
EnvName = Literal["gridmaze", "pointmaze_umaze", "pointmaze_medium", "connect_four", "hopper", "halfcheetah",
                  "walker2d"]


@dataclass(frozen=True)
class DataConfig:
    env: EnvName = "gridmaze"
    """Environment and its offline dataset: gridmaze, pointmaze_umaze, pointmaze_medium, connect_four, hopper,
    halfcheetah, walker2d."""
    episodes: int = bounded(200, ge=1)
    """gridmaze and connect_four: trajectories in the offline dataset (maze episodes / games)."""
    env_steps: int = bounded(30_000, ge=1)
    """pointmaze_* and locomotion: environment steps in the generated dataset (cut into episodes)."""
    maze_layout: str = "umaze"
    """gridmaze layout (envs/gridmaze.LAYOUTS)."""
    maze_episode_len: int = bounded(0, ge=0)
    """gridmaze: steps per data episode and per evaluation episode; 0 = the layout's time limit (MAX_STEPS)."""
    maze_eps: float = bounded(0.2, ge=0, le=1)
    """gridmaze data: probability of a random action instead of the waypoint planner's."""
    c4_opponent_depth: int = bounded(4, ge=0)
    """Connect Four: plies the epsilon-search opponent looks ahead (data and evaluation)."""
    c4_opponent_eps: float = bounded(0.7, ge=0, le=1)
    """Connect Four: probability the opponent plays a random legal move (the data needs some wins)."""
    max_len: int = bounded(1000, ge=1)
    """Longest trajectory fed to the model; longer ones keep their first max_len steps (official: whole
    trajectories of up to max_len steps, scripts/config.py)."""
    return_scale: float = bounded(0.0, ge=0)
    """Returns are divided by this before the model sees them (official `scale`); 0 = the largest |return| in
    the data."""


@dataclass(frozen=True)
class ModelConfig:
    variant: Literal["lpt", "bc", "dt"] = "lpt"
    """lpt: latent plan z by cross-attention; bc: the same GPT without z; dt: return-to-go tokens instead."""
    d_model: int = bounded(128, ge=1)
    """Token width (official hidden_size); a latent token has this width too."""
    layers: int = bounded(3, ge=1)
    heads: int = bounded(1, ge=1)
    context_len: int = bounded(64, ge=0)
    """Sliding self-attention window (official context_len / attn): a token attends to itself and the context_len
    tokens before it (flash-attn window (context_len, 0), as the official self-attention); 0 = the whole
    trajectory."""
    dropout: float = bounded(0.1, ge=0, lt=1)
    n_latent: int = bounded(4, ge=1)
    """Latent plan tokens (official --latent)."""
    unet_dim: int = bounded(16, ge=1)
    """Channels of the prior UNet's first level."""
    unet_mults: tuple[int, ...] = bounded((1, 2, 4, 8), ge=1)
    """Channel multipliers per UNet level; n_latent * d_model must be divisible by 2 ** (levels - 1)."""
    unet_attn_dim: int = bounded(32, ge=1)
    """Width of each of the 4 heads of the UNet's attention layers (official 32)."""
    return_hidden: int = bounded(100, ge=1)
    """Width of the return predictor MLP p(y|z)."""
    return_dropout: float = bounded(0.3, ge=0, lt=1)


@dataclass(frozen=True)
class LatentConfig:
    step_size: float = bounded(0.3, ge=0)
    """Langevin step size s (official langevin_step_size)."""
    train_steps: int = bounded(3, ge=0)
    """Posterior Langevin steps per update on each trajectory's persistent chain (official z_n_iters)."""
    plan_steps: int = bounded(20, ge=0)
    """Langevin steps on p(y*|z) p(z) at test time (official z_n_iters_eval)."""
    plan_noise: bool = True
    """Langevin noise in test-time planning (official z_with_noise); False = gradient descent on the energy."""
    return_coef: float = bounded(1.0, ge=0)
    """lambda in the posterior energy's return term lambda * (y - r(z))^2 (official reward_coefficient)."""
    reward_weight: float = bounded(0.25, ge=0)
    """Weight of the return loss in the parameter update (official reward_weight)."""


@dataclass(frozen=True)
class OptimConfig:
    lr: float = bounded(1e-3, ge=0, le=10)
    weight_decay: float = bounded(1e-4, ge=0)
    warmup: float = bounded(0.1, ge=0, le=1)
    """Fraction of the steps with a linear learning-rate warm-up; then linear decay to 0 (HF Trainer)."""
    clip: float = bounded(0.25, ge=0)
    """Gradient-norm clip (official max_grad_norm)."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(20, ge=1)
    """Evaluation episodes (games for Connect Four) at the target return."""
    target: float = 0.0
    """Target return y* to condition on; 0 = the env default (maze: the best return in the data; Connect Four:
    +1, a win; locomotion: the official env_targets)."""
    sample_actions: bool = True
    """Discrete actions: sample from the policy's softmax (as the Decision Transformer on Atari); False = argmax.
    Continuous actions are always the tanh mean (official LPT evaluation)."""
    curve_points: int = bounded(4, ge=1)
    """Targets on the return-vs-target curve (bench), evenly spaced over the data's return range."""
    curve_episodes: int = bounded(4, ge=1)
    """Episodes per target on that curve."""


@dataclass(frozen=True)
class LPTConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    latent: LatentConfig = field(default_factory=LatentConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)


def tiny() -> LPTConfig:
    """Grid U-maze with 20-step episodes (and Connect Four in the bench): width 32, one layer, 2 latent tokens, a
    two-level UNet of width 8, 600 updates of 16 trajectories (for each bench variant), 100 evaluation episodes
    (games) per variant: with 20, one win in Connect Four moved the rate by 0.05. Unlike the official
    settings, the return terms weigh more (return_coef 10, reward_weight 1) and planning runs without noise: after
    a few hundred updates the return predictor is too flat for noisy planning to reach the target (README: measured
    both ways)."""
    return LPTConfig(
        data=DataConfig(env="gridmaze", episodes=200, maze_episode_len=20, max_len=200),
        model=ModelConfig(d_model=32, layers=1, heads=2, context_len=0, dropout=0.1, n_latent=2, unet_dim=8,
                          unet_mults=(1, 2), unet_attn_dim=8, return_hidden=64, return_dropout=0.1),
        latent=LatentConfig(return_coef=10.0, reward_weight=1.0, plan_noise=False),
        optim=OptimConfig(lr=2e-3),
        train=TrainConfig(steps=600, batch_size=16, log_every=25, checkpoint_every=600, eval_every=0),
        eval=EvalConfig(samples=100, curve_points=4, curve_episodes=4))


# Official scripts/config.py ENV_CONFIG, keyed by our env names: layers, heads, hidden_size, context_len, lr.
# gridmaze and connect_four have no official entry and take maze2d-umaze's.
PAPER_ENV = {
    "gridmaze": (1, 8, 128, 32, 1e-3),
    "pointmaze_umaze": (1, 8, 128, 32, 1e-3),
    "pointmaze_medium": (3, 1, 192, 64, 1e-3),
    "connect_four": (1, 8, 128, 32, 1e-3),
    "hopper": (3, 1, 128, 64, 1e-4),
    "halfcheetah": (3, 1, 128, 32, 1e-4),
    "walker2d": (3, 1, 128, 64, 1e-4),
}
PAPER_MAX_LEN = {"gridmaze": 300, "pointmaze_umaze": 300, "pointmaze_medium": 600, "connect_four": 21,
                 "hopper": 1000, "halfcheetah": 1000, "walker2d": 1000}
PAPER_RETURN_SCALE = {"gridmaze": 100.0, "pointmaze_umaze": 100.0, "pointmaze_medium": 100.0, "connect_four": 1.0,
                      "hopper": 1000.0, "halfcheetah": 1000.0, "walker2d": 1000.0}
"""Official `scale` (1000 locomotion, 100 maze2d); Connect Four's returns are in [-1, 1] (no official entry)."""
PAPER_TARGET = {"pointmaze_umaze": 165.0, "pointmaze_medium": 280.0}
"""Official maze2d env_targets; the other envs keep their default target (locomotion: the official env_targets
already; gridmaze: the best return in the data; Connect Four: a win)."""


def paper(env: str = "hopper") -> LPTConfig:
    """The official per-environment settings (scripts/config.py) for `env` (presets paper_<env>; plain `paper` is
    hopper): transformer size, learning rate, max_len, return scale and target. The official 2000 epochs of batch
    500 become train.steps (set it to your dataset's size)."""
    layers, heads, width, context, lr = PAPER_ENV[env]
    return LPTConfig(
        data=DataConfig(env=env, episodes=1000, env_steps=1_000_000, max_len=PAPER_MAX_LEN[env],
                        return_scale=PAPER_RETURN_SCALE[env]),
        model=ModelConfig(d_model=width, layers=layers, heads=heads, context_len=context),
        optim=OptimConfig(lr=lr),
        train=TrainConfig(steps=100_000, batch_size=500, log_every=100, checkpoint_every=1000, eval_every=10_000),
        eval=EvalConfig(samples=10, target=PAPER_TARGET.get(env, 0.0), curve_points=6, curve_episodes=5))


def with_env(cfg: LPTConfig, env: str) -> LPTConfig:
    """`cfg` on another environment (the bench trains every variant on a maze and on Connect Four)."""
    return replace(cfg, data=replace(cfg.data, env=env))


PRESETS = {"tiny": tiny, "paper": paper, **{f"paper_{env}": partial(paper, env) for env in ENVS}}
