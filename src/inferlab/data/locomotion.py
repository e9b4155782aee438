"""MuJoCo locomotion (gymnasium Hopper-v5, HalfCheetah-v5, Walker2d-v5) with a small locally generated dataset.

D4RL's hopper/halfcheetah/walker2d datasets come from SAC agents trained for hours; here a dataset has to be made
in seconds on a CPU so that an offline-RL method can run end to end. `locomotion_dataset` is a replay-style
dataset (like D4RL's medium-replay): every episode that a cross-entropy search over clock-augmented linear
policies (`ClockLinearPolicy`) rolls out, from the first random candidates to the best ones found, so the returns
spread from a random policy's to a mediocre controller's. Measured with rng seed 0 and 1000-step episodes on one
shared CPU core: hopper, n_steps=30000: 329 episodes, returns 0..518 (median 170; D4RL score 0.6..16.5; it learns
to stay upright for a while), 10 s; walker2d, n_steps=30000: 309 episodes, returns -99..510 (median 15; score
-2.2..11.1), 15 s; halfcheetah, n_steps=48000: 48 episodes, returns -1680..596 (median 16; score -11.3..7.1; it
starts running forwards), 8 s. Hopper and walker2d episodes end when the robot falls (terminated).

Scores: `locomotion_normalized_score` uses D4RL's reference returns (random and expert policies in the v2
environments, 1000-step episodes). The gymnasium v5 environments differ slightly from D4RL's v2 ones (MuJoCo
version, contact and reward details), so the normalised scores are approximate, and not comparable at all for
episodes shorter than 1000 steps.
"""

from __future__ import annotations

import math

import gymnasium as gym
import numpy as np

from inferlab.data.offline_rl import Trajectory, d4rl_normalized_score
from inferlab.envs.actions import CheckedActions
from inferlab.errors import UserError
from inferlab.envs.rollout import rollout_episodes
from inferlab.progress import progress_bar

ENVS = {"hopper": "Hopper-v5", "halfcheetah": "HalfCheetah-v5", "walker2d": "Walker2d-v5"}
CLOCK_PERIOD_S = 0.5  # the period of the policies' clock input, in simulated seconds


def env_key(name: str) -> str:
    """The short name ("hopper", ...) of `name`: a short name, a gymnasium id ("Hopper-v5") or a D4RL dataset name
    ("hopper-medium-v2")."""
    key = name.split("-")[0].lower()
    if key not in ENVS:
        raise UserError(f"Unknown locomotion environment {name!r}; choose one of {', '.join(ENVS)} (or the "
                        f"gymnasium ids {', '.join(ENVS.values())}).")
    return key


def make_locomotion_env(name: str, *, max_episode_steps: int | None = None) -> gym.Env:
    """gymnasium's `ENVS[name]` with its default settings and time limit (1000 steps unless given)."""
    env_id = ENVS[env_key(name)]
    if max_episode_steps is not None and max_episode_steps < 1:
        raise UserError(f"max_episode_steps must be >= 1, got {max_episode_steps}.")
    return CheckedActions(gym.make(env_id, max_episode_steps=max_episode_steps))


class ClockLinearPolicy:
    """a_t = clip(W [s_t; sin(2 pi t / P); cos(2 pi t / P); 1], -1, 1): linear state feedback plus a periodic
    drive (t counts steps since `reset`, P = CLOCK_PERIOD_S / env.dt steps). `weights` (act_dim, obs_dim + 3)."""

    def __init__(self, weights: np.ndarray, period_steps: float) -> None:
        self.weights, self.period_steps, self.t = weights, period_steps, 0

    def reset(self) -> None:
        self.t = 0

    def act(self, obs: np.ndarray) -> np.ndarray:
        phase = 2.0 * np.pi * self.t / self.period_steps
        self.t += 1
        features = np.concatenate([np.asarray(obs, dtype=np.float64), [np.sin(phase), np.cos(phase), 1.0]])
        return np.clip(self.weights @ features, -1.0, 1.0).astype(np.float32)


def locomotion_dataset(name: str, rng: np.random.Generator, *, n_steps: int, max_episode_steps: int = 1000,
                       population: int = 8, elites: int = 2, obs_std: float = 0.1, drive_std: float = 0.5,
                       min_std: float = 0.02, progress: bool = False) -> list[Trajectory]:
    """Every episode of a cross-entropy search over ClockLinearPolicy weights, `n_steps` env steps in all.

    Each round draws `population` weight matrices from N(mean, std^2) (elementwise; at first mean 0 and std
    `obs_std` on the state weights, `drive_std` on the clock and bias weights), rolls each out for one episode
    (reset seeds from `rng`), and refits mean and std (+ `min_std`) to the `elites` highest-return ones. The last
    episode is cut when the budget runs out. Observations (T, obs_dim) and actions (T, act_dim) float32;
    `terminated` marks falls, cut and time-limited episodes are not terminated. `progress` shows a progress bar.
    """
    stds_ok = all(0 <= v < math.inf for v in (obs_std, drive_std, min_std))  # False for NaN too
    if n_steps < 1 or max_episode_steps < 1 or not 1 <= elites <= population or not stds_ok:
        raise UserError(f"locomotion_dataset needs n_steps >= 1, max_episode_steps >= 1, 1 <= elites <= "
                        f"population and finite stds >= 0; got n_steps={n_steps}, max_episode_steps={max_episode_steps}, "
                        f"elites={elites}, population={population}, stds={obs_std}, {drive_std}, {min_std}.")
    env = make_locomotion_env(name, max_episode_steps=max_episode_steps)
    obs_dim, act_dim = env.observation_space.shape[0], env.action_space.shape[0]
    period = CLOCK_PERIOD_S / env.unwrapped.dt
    mean = np.zeros((act_dim, obs_dim + 3))
    std = np.concatenate([np.full((act_dim, obs_dim), obs_std), np.full((act_dim, 3), drive_std)], axis=1)
    trajectories: list[Trajectory] = []
    steps = 0
    bar = progress_bar(total=n_steps, desc=f"locomotion {env_key(name)}", disable=not progress, mininterval=0.5)
    while steps < n_steps:
        candidates = mean + std * rng.standard_normal((population, *mean.shape))
        returns = []
        for weights in candidates:
            if steps >= n_steps:
                break
            (episode,) = rollout_episodes(env, ClockLinearPolicy(weights, period), 1, int(rng.integers(2**31)),
                                          max_steps=n_steps - steps)
            trajectories.append(Trajectory(episode.observations.astype(np.float32),
                                           episode.actions.astype(np.float32), episode.rewards, episode.terminated))
            returns.append(episode.ret)
            steps += len(episode)
            bar.update(len(episode))
        best = candidates[np.argsort(returns)[-elites:]]
        mean, std = best.mean(axis=0), best.std(axis=0) + min_std
    bar.close()
    env.close()
    return trajectories


def locomotion_normalized_score(name: str, returns: float | np.ndarray) -> float | np.ndarray:
    """D4RL's normalised score 100 * (R - R_random) / (R_expert - R_random) for 1000-step episodes
    (approximate for the gymnasium v5 environments; see the module docstring)."""
    return d4rl_normalized_score(env_key(name), returns)
