"""LanMDP configuration and presets (Qin, Gao, Li, Zhu & Xie, NeurIPS 2023).

Numbers of `paper` come from the official code (qayqaq/LanMDP): cubic/main.py `add_model_specific_args` and
trainer arguments for the path task; mujoco/main.py for MuJoCo (Hopper defaults; the other environments reuse them).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig

MUJOCO_ENVS = {"double_pendulum": "InvertedDoublePendulum-v5", "reacher": "Reacher-v5", "hopper": "Hopper-v5",
               "halfcheetah": "HalfCheetah-v5", "walker2d": "Walker2d-v5", "ant": "Ant-v5"}
"""env name -> gymnasium id (the user-data presets need their D4RL/Minari file in task.demo_file)."""


@dataclass(frozen=True)
class TaskConfig:
    env: Literal["cubic", "double_pendulum", "reacher", "hopper", "halfcheetah", "walker2d", "ant"] = "cubic"
    """cubic: the path task (envs/cubic_path.py); double_pendulum / reacher: InvertedDoublePendulum-v5 /
    Reacher-v5 with demonstrations of a scripted expert made here; hopper/halfcheetah/walker2d/ant: the v5 env with
    demonstrations from task.demo_file."""
    demos: int = bounded(100, ge=1)
    """Demonstrations: cubic paths, or expert episodes (Reacher; the first `demos` episodes of a user file)."""
    demo_file: str = ""
    """D4RL-style HDF5 (or .npz) of expert episodes for hopper/halfcheetah/walker2d/ant; actions are dropped."""
    max_episode_steps: int = bounded(0, ge=0)
    """MuJoCo: episodes (demonstrations, collections, evaluation) end after this many steps; 0 = the env's own
    limit (official mujoco/main.py: max_test_ep_len = 400)."""


@dataclass(frozen=True)
class PolicyConfig:
    kind: Literal["ebm", "regression", "bc_actions", "gaifo"] = "ebm"
    """ebm: LanMDP's energy-based policy p(a | last c states) learned from states alone; regression: an MLP
    regressing the next-state change from the same context (bc_states on the path task); bc_actions: an MLP
    regressing the expert's true actions (MuJoCo reference that sees what the others cannot); gaifo: the GAIfO
    baseline (MuJoCo; an SB3 policy, settings in `gaifo`, one training step = one RL iteration)."""
    context: int = bounded(6, ge=1, le=64)
    """c: states the policy sees (official: 6 on the path task, 1 on MuJoCo)."""
    hidden: int = bounded(24, ge=1)
    """Width of the MLP (official cubic: context * h_dim = 6 * 4 = 24; MuJoCo: h_dim = 64). One width for every
    context length here, so c = 1 and c = 6 differ only in what they see."""
    layers: int = bounded(3, ge=2)
    """Linear layers (official cubic: 3; MuJoCo: 5), Swish between them."""
    init_std: float = bounded(0.0, ge=0)
    """Weights ~ N(0, init_std^2), biases 0 (official MuJoCo: 0.01); 0 keeps PyTorch's default (official cubic)."""


@dataclass(frozen=True)
class SamplerConfig:
    samples: int = bounded(4, ge=1)
    """K: prior samples of a_t per context in training (official: 4 cubic, 8 MuJoCo)."""
    steps: int = bounded(20, ge=1)
    """Sampler steps in training (official: 20 cubic, 40 MuJoCo)."""
    step_size: float = bounded(1.0, gt=0)
    """First step size s_1 (official cubic 1; MuJoCo 0.5 * 10 = 5: its update is 0.5 * s * clipped gradient)."""
    step_size_end: float = bounded(1.0, gt=0)
    """Last step size of the polynomial schedule (official cubic: constant 1; MuJoCo 0.5 * 1 = 0.5)."""
    noise: float = bounded(0.02, ge=0)
    """Std of the Gaussian noise added to the actions before each step (official: 0.02 cubic, 0.1 MuJoCo)."""
    grad_clip: float = bounded(0.3, gt=0)
    """Each gradient entry is clipped to [-grad_clip, grad_clip] (official 0.3)."""
    eval_steps: int = bounded(60, ge=1)
    """Sampler steps when acting (official: 60 cubic, 40 MuJoCo)."""
    eval_constant_step: bool = False
    """Acting chains take the constant step step_size_end instead of the decaying schedule (official MuJoCo
    evaluate: of its two sampler calls it keeps the second, whose schedule starts and ends at stepsize_end)."""
    eval_candidates: int = bounded(1, ge=1)
    """Actions sampled per state when acting; with more than one the highest f wins (official MuJoCo: 512)."""
    exec_noise: float = bounded(0.0, ge=0)
    """Gaussian noise added to the executed action (official MuJoCo: 0.1)."""


@dataclass(frozen=True)
class LossConfig:
    sigma: float = bounded(0.1, gt=0)
    """p_beta(s' | s, a) = N(g(s, a), sigma I): sigma is the official covariance scale (0.1); annealed on MuJoCo."""
    sigma_end: float = bounded(0.1, gt=0)
    """MuJoCo: sigma after the last model refit, reached linearly (official: 0.1 - 0.0099 over its 250 refits)."""
    log_prob_floor: float = bounded(-20.0)
    """Cubic: log p_beta is floored here (official -20). MuJoCo floors at the official one-sigma threshold
    -d/2 log(2 pi) - d log(sigma) - d/2 instead, when floor_at_one_sigma is set."""
    standardise: Literal["none", "state", "change"] = "none"
    """MuJoCo: divide each entry of the residual s' - g(s, a) by a scale before the Gaussian (ours; official none):
    state = that entry's std over the buffer; change = the std of its one-step change s' - s over the buffer
    (floored at 0.01: Reacher's target never moves). README: what tiny scales down."""
    floor_at_one_sigma: bool = False
    """Use the official MuJoCo floor (above) instead of log_prob_floor."""
    energy_reg: float = bounded(0.001, ge=0)
    """Weight of mean f^2 (official: 0.001 cubic, 0.0001 MuJoCo)."""
    grad_penalty: float = bounded(0.0, ge=0)
    """Weight of mean(max(|df/da|_inf - grad_margin, 0)^2) (official MuJoCo 0.001; cubic none)."""
    grad_margin: float = bounded(2.0, ge=0)


@dataclass(frozen=True)
class OptimConfig:
    lr: float = bounded(1e-4, gt=0, le=10)
    """Adam(W) learning rate of the policy (official: 1e-4 cubic Adam, 5e-3 MuJoCo AdamW)."""
    adamw: bool = False
    """AdamW (official MuJoCo) instead of Adam (official cubic)."""
    grad_clip: float = bounded(0.5, ge=0)
    """Gradient-norm clip of the policy update (official Lightning gradient_clip_val 0.5); 0 = none."""
    bco_lr: float = bounded(0.0, ge=0, le=10)
    """Learning rate of the BCO baseline's policy (0: lr). Each method gets the best of the same sweep (README)."""


@dataclass(frozen=True)
class PlanConfig:
    paths: int = bounded(20, ge=1)
    """Paths planned per evaluation (official: the validation batch)."""
    start: int = bounded(10, ge=1, le=19)
    """Planning takes over after this many prior-sampled steps (official 10)."""
    steps: int = bounded(500, ge=1)
    """Gradient steps of the posterior sampler at each receding-horizon step (official 500)."""
    step_size: float = bounded(0.5, gt=0)
    """Its step size (official 0.5)."""
    noise: float = bounded(0.02, ge=0)
    """Its noise std (official 0.02)."""
    target_weight: float = bounded(0.2, ge=0)
    """alpha per path on (goal - final y)^2 (official: MSELoss over a batch of 5 times alpha = 1, i.e. 0.2)."""
    normaliser_points: int = bounded(0, ge=0)
    """0: the planning energy sums raw f (official). n > 0: it sums log p_alpha(a_j | context_j) = f - log Z with
    log Z by an n-point quadrature over the action box (ours), so the plan is not pulled towards contexts whose f
    level is high whatever the action; measured worse on overshoot with the tiny policies (README)."""
    goal_offset_std: float = bounded(0.2, ge=0)
    """Goals = clip(final y of the prior path + N(0, std^2), -1, 1) (official 0.2)."""


@dataclass(frozen=True)
class ModelBasedConfig:
    """MuJoCo: the learned transition g_beta and the model-based loop."""

    init_transitions: int = bounded(2000, ge=1)
    """Random-action transitions in the buffer before training (official: buffer_size = 100k)."""
    buffer_size: int = bounded(20000, ge=1)
    """Transitions kept (the newest)."""
    collect_every: int = bounded(100, ge=1)
    """Policy updates between rollouts that add to the buffer and refit g_beta (official: every 20 epochs)."""
    collect_episodes: int = bounded(4, ge=1)
    """Episodes per collection (official num_eval_episodes 50)."""
    collect_full: bool = False
    """A collection runs rounds of `collect_episodes` episodes until it holds collect_episodes x episode_limit
    steps, so a policy whose episodes end early (the pendulum falls) spends the env steps GAIfO gets
    (`lanmdp_env_steps`, up to one round's overshoot); False: one round (official)."""
    hidden: int = bounded(256, ge=1)
    """g_beta width (official 512)."""
    layers: int = bounded(3, ge=2)
    """g_beta linear layers (official 6), leaky ReLU(0.001) between."""
    predict_delta: bool = False
    """g_beta(s, a) = s + MLP(s, a) (ours) instead of MLP(s, a) (official)."""
    lr: float = bounded(3e-3, gt=0)
    """AdamW learning rate of g_beta (official 3e-3, weight decay 1e-4)."""
    batch_size: int = bounded(1024, ge=1)
    """g_beta batch (official 32768: the whole buffer)."""
    epochs_init: int = bounded(60, ge=1)
    """Epochs over the buffer for the first fit (official 200)."""
    epochs: int = bounded(10, ge=1)
    """Epochs at each refit (official 50)."""
    refit_until: int = bounded(0, ge=0)
    """Collections after which g_beta is no longer refitted and sigma stops decreasing (official: refits while the
    epoch <= num_epoch_train_env = 5000, i.e. 5000 / 20 = 250 collections); 0 = refit at every collection."""


@dataclass(frozen=True)
class GaifoConfig:
    """The GAIfO baseline (Torabi, Warnell & Stone 2018): a discriminator D(s, s') and an on-policy RL learner
    (sb3-contrib TRPO, the paper's, or SB3 PPO) rewarded by -log(1 - D(s, s'))."""

    env_steps: int = bounded(0, ge=0)
    """Environment steps GAIfO learns from in the bench; 0 = what LanMDP and BCO spend under the same config
    (`lanmdp_env_steps`)."""
    learner: Literal["trpo", "ppo"] = "trpo"
    """The policy optimiser: TRPO (sb3-contrib; the paper's) or PPO (stable-baselines3)."""
    rollout_steps: int = bounded(400, ge=2)
    """Environment steps per iteration (the learner's n_steps); its minibatch is a quarter of it."""
    disc_hidden: int = bounded(64, ge=1)
    """Width of D's two hidden layers (tanh)."""
    disc_lr: float = bounded(1e-3, gt=0)
    """Adam learning rate of D."""
    disc_steps: int = bounded(5, ge=1)
    """D updates per iteration, each on the whole rollout's (s, s') against the step's batch of expert (s, s')."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(100, ge=1)
    """Cubic: paths generated per evaluation; MuJoCo: evaluation episodes."""


@dataclass(frozen=True)
class LanMDPConfig:
    task: TaskConfig = field(default_factory=TaskConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    sampler: SamplerConfig = field(default_factory=SamplerConfig)
    loss: LossConfig = field(default_factory=LossConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    plan: PlanConfig = field(default_factory=PlanConfig)
    model_based: ModelBasedConfig = field(default_factory=ModelBasedConfig)
    gaifo: GaifoConfig = field(default_factory=GaifoConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)


def tiny() -> LanMDPConfig:
    """Cubic path task in about half a minute of CPU per variant: 30x the official learning rate, 2500 updates,
    fewer planning steps (README: scaled down)."""
    return LanMDPConfig(
        optim=OptimConfig(lr=3e-3),
        plan=PlanConfig(paths=20, steps=60, step_size=0.5),
        train=TrainConfig(steps=2500, batch_size=64, log_every=50, checkpoint_every=500, eval_every=0),
        eval=EvalConfig(samples=100),
    )


def paper() -> LanMDPConfig:
    """The official cubic settings: c = 6, K = 4, 20 sampler steps of size 1, lr 1e-4, batch 64, 10000 epochs
    (about 31 batches each of the 100-path data here)."""
    return LanMDPConfig(train=TrainConfig(steps=310_000, batch_size=64, log_every=500, checkpoint_every=5000,
                                          eval_every=31_000))


def tiny_reacher() -> LanMDPConfig:
    """Reacher-v5 from 20 scripted-expert episodes, scaled down for a CPU (README). Transition residuals are
    measured in units of each entry's one-step change (loss.standardise="change", README: what tiny scales down).
    Acting takes one chain's last state (as on the path task): the official best-of-many pick (64 chains) scored
    within 0.01 of it on seeds 0-2 at four times the cost (README). 50 evaluation episodes (official
    num_eval_episodes)."""
    return LanMDPConfig(
        task=TaskConfig(env="reacher", demos=20),
        policy=PolicyConfig(context=1, hidden=64, layers=4, init_std=0.01),
        sampler=SamplerConfig(samples=8, steps=20, step_size=5.0, step_size_end=0.5, noise=0.1, eval_steps=20,
                              eval_candidates=1, exec_noise=0.1),
        loss=LossConfig(sigma=0.1, sigma_end=0.0901, standardise="change", floor_at_one_sigma=True, energy_reg=1e-4,
                        grad_penalty=1e-3),
        optim=OptimConfig(lr=1e-3, adamw=True, bco_lr=3e-3),
        model_based=ModelBasedConfig(predict_delta=True, batch_size=256),
        train=TrainConfig(steps=600, batch_size=256, log_every=50, checkpoint_every=200, eval_every=0),
        eval=EvalConfig(samples=50),
    )


def tiny_double_pendulum() -> LanMDPConfig:
    """InvertedDoublePendulum-v5 from 10 LQR-expert episodes, episodes cut at 200 steps, collections filled to 800
    steps (LanMDP and BCO spend the env steps GAIfO gets); policy lr 3e-3, BCO's, the best mean over seeds 0-2 of
    LanMDP's 1e-3 / 3e-3 (the official 5e-3 collapsed on seed 0; README); otherwise tiny_reacher's scaled-down
    MuJoCo settings."""
    base = tiny_reacher()
    return replace(base, task=TaskConfig(env="double_pendulum", demos=10, max_episode_steps=200),
                   optim=replace(base.optim, lr=3e-3),
                   model_based=replace(base.model_based, collect_full=True))


def paper_mujoco(env: str) -> LanMDPConfig:
    """Official MuJoCo settings (mujoco/main.py): c = 1, h_dim 64 with 5 layers, K = 8, 40 steps from 10 to 1
    (times 0.5), noise 0.1, 512 candidates, AdamW 5e-3, batch 1024, buffer 100k, episodes of at most 400 steps
    (max_test_ep_len), collect every 20 epochs with 50 episodes, g_beta 6x512 refitted at each collection up to epoch
    5000 (250 collections) while sigma falls from 0.1 by 0.0099. Point task.demo_file at your data."""
    return LanMDPConfig(
        task=TaskConfig(env=env, demos=10, demo_file="expert.hdf5", max_episode_steps=400),
        policy=PolicyConfig(context=1, hidden=64, layers=5, init_std=0.01),
        sampler=SamplerConfig(samples=8, steps=40, step_size=5.0, step_size_end=0.5, noise=0.1, eval_steps=40,
                              eval_constant_step=True, eval_candidates=512, exec_noise=0.1),
        loss=LossConfig(sigma=0.1, sigma_end=0.0901, floor_at_one_sigma=True, energy_reg=1e-4, grad_penalty=1e-3),
        optim=OptimConfig(lr=5e-3, adamw=True),
        model_based=ModelBasedConfig(init_transitions=100_000, buffer_size=100_000, collect_every=200,
                                     collect_episodes=50, hidden=512, layers=6, batch_size=32768, epochs_init=200,
                                     epochs=50, refit_until=250),
        train=TrainConfig(steps=500_000, batch_size=1024, log_every=500, checkpoint_every=5000, eval_every=20_000),
        eval=EvalConfig(samples=50),
    )


PRESETS = {"tiny": tiny, "paper": paper, "tiny_double_pendulum": tiny_double_pendulum, "tiny_reacher": tiny_reacher,
           **{f"paper_{e}": (lambda e=e: paper_mujoco(e)) for e in ("hopper", "halfcheetah", "walker2d", "ant")}}


def episode_limit(cfg: LanMDPConfig) -> int:
    """The most steps a MuJoCo episode runs under cfg: task.max_episode_steps, else the env's own limit."""
    import gymnasium as gym

    return cfg.task.max_episode_steps or gym.spec(MUJOCO_ENVS[cfg.task.env]).max_episode_steps


def lanmdp_env_steps(cfg: LanMDPConfig) -> int:
    """Environment steps LanMDP (and BCO) spend learning under a MuJoCo config: the initial random buffer, filled
    `collect_episodes` episodes at a time until it holds `init_transitions`, plus one collection of
    `collect_episodes` episodes every `collect_every` updates; episodes of `episode_limit` steps (an upper bound
    for envs that can terminate early, such as the pendulum; Reacher cannot)."""
    mb = cfg.model_based
    per_collection = mb.collect_episodes * episode_limit(cfg)
    initial = -(-mb.init_transitions // per_collection) * per_collection
    return initial + (cfg.train.steps // mb.collect_every) * per_collection


MUJOCO_CONTEXT = 2
"""c of the bench's non-Markov LanMDP variant on MuJoCo (`lanmdp_c2`; the official MuJoCo default is c = 1)."""


def with_variant(cfg: LanMDPConfig, variant: str) -> LanMDPConfig:
    """The bench variants on one config: lanmdp, lanmdp_markov (c = 1), lanmdp_c2 (c = MUJOCO_CONTEXT), the
    regression policies bc_states (path task), bco and bc_actions (MuJoCo), and gaifo (MuJoCo: as many RL
    iterations of `gaifo.rollout_steps` as fit in `gaifo.env_steps`, by default LanMDP's env steps)."""
    if variant == "gaifo":
        g = cfg.gaifo
        iterations = max((g.env_steps or lanmdp_env_steps(cfg)) // g.rollout_steps, 1)
        train = replace(cfg.train, steps=iterations, log_every=1, checkpoint_every=min(cfg.train.checkpoint_every,
                                                                                        iterations))
        return replace(cfg, policy=replace(cfg.policy, kind="gaifo"), train=train)
    if variant == "lanmdp_markov":
        return replace(cfg, policy=replace(cfg.policy, context=1))
    if variant == f"lanmdp_c{MUJOCO_CONTEXT}":
        return replace(cfg, policy=replace(cfg.policy, context=MUJOCO_CONTEXT))
    if variant == "bco":
        return replace(cfg, policy=replace(cfg.policy, kind="regression"),
                       optim=replace(cfg.optim, lr=cfg.optim.bco_lr or cfg.optim.lr))
    if variant == "bc_states":
        return replace(cfg, policy=replace(cfg.policy, kind="regression"))
    if variant == "bc_actions":
        return replace(cfg, policy=replace(cfg.policy, kind="bc_actions"))
    return cfg
