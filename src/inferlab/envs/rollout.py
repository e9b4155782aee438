"""Run a policy in a gymnasium env for seeded episodes and collect them as offline-RL `Trajectory`s.

Episode i is reset with seed `seed + i`, so a deterministic policy (or one seeded in its `reset`) gives the same
trajectories on every call. Observations are passed to the policy exactly as the env returns them; what is
stored per step is a flat array: the observation itself for Box envs, and for goal-conditioned dict observations
(gymnasium-robotics: keys "observation", "achieved_goal", "desired_goal", e.g. a raw PointMaze) the
"observation" entry, i.e. [x, y, vx, vy] for PointMaze. (`data.pointmaze.make_pointmaze_env` already returns that
flat array.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import gymnasium as gym
import numpy as np

from inferlab.data.offline_rl import Trajectory
from inferlab.errors import UserError


class Policy(Protocol):
    """An agent: `reset()` before each episode, then `act(obs)` -> an action of the env's action space."""

    def reset(self) -> None: ...

    def act(self, obs: Any) -> Any: ...


def flat_observation(obs: Any) -> np.ndarray:
    """The stored form of an observation: `obs["observation"]` for goal-conditioned dict observations, else obs."""
    if isinstance(obs, Mapping):
        if "observation" not in obs:
            raise UserError(f"Cannot store a dict observation with keys {sorted(obs)}; rollout_episodes stores "
                            "Box observations or goal-env dicts with an 'observation' key.")
        obs = obs["observation"]
    return np.asarray(obs)


def rollout_episodes(env: gym.Env, policy: Policy, episodes: int, seed: int, *,
                     max_steps: int | None = None) -> list[Trajectory]:
    """`episodes` episodes of `policy` in `env`, episode i reset with seed `seed + i`.

    An episode runs until the env terminates or truncates it (its time limit), or after `max_steps` steps if
    given. Each Trajectory holds the observation before each step (flattened as in the module docstring), the
    action taken, the reward received, and `terminated` = the env's terminated flag on the last step (False
    for a time limit or the `max_steps` cap).
    """
    if episodes < 1 or (max_steps is not None and max_steps < 1):
        raise UserError(f"rollout_episodes needs episodes >= 1 and max_steps >= 1 (or None); got "
                        f"episodes={episodes}, max_steps={max_steps}.")
    trajectories = []
    for i in range(episodes):
        obs, _ = env.reset(seed=seed + i)
        policy.reset()
        observations, actions, rewards = [], [], []
        terminated = truncated = False
        while not (terminated or truncated) and (max_steps is None or len(rewards) < max_steps):
            action = policy.act(obs)
            observations.append(flat_observation(obs))
            actions.append(np.asarray(action))
            obs, reward, terminated, truncated, _ = env.step(action)
            rewards.append(float(reward))
        trajectories.append(Trajectory(np.stack(observations), np.stack(actions),
                                       np.asarray(rewards, dtype=np.float32), terminated=bool(terminated)))
    return trajectories


def return_stats(trajectories: Sequence[Trajectory]) -> dict[str, float]:
    """Mean, std (population), min and max of the returns, mean episode length, and the success rate: the
    fraction of episodes with any positive reward (meaningful for sparse-reward tasks such as the mazes)."""
    if not trajectories:
        raise UserError("return_stats needs at least one trajectory.")
    returns = np.array([t.ret for t in trajectories], dtype=np.float64)
    return {
        "return_mean": float(returns.mean()),
        "return_std": float(returns.std()),
        "return_min": float(returns.min()),
        "return_max": float(returns.max()),
        "length_mean": float(np.mean([len(t) for t in trajectories])),
        "success_rate": float(np.mean([bool((t.rewards > 0).any()) for t in trajectories])),
    }


def rollout_parallel(envs: Sequence[gym.Env], choose, seeds: Sequence[int], *,
                     max_steps: int | None = None) -> tuple[list[Trajectory], list[np.ndarray]]:
    """One episode in each env at once, env i reset with seeds[i]: `choose(obs (n, d), active (n,) bool)` returns
    actions (n, ...) for all n envs (a batched policy; entries of finished envs are ignored) and is called once a
    step until every episode has ended (terminated, truncated, or `max_steps`). Returns the trajectories (as
    rollout_episodes stores them) and each episode's final observation (the next state of its last step)."""
    if len(envs) != len(seeds) or not envs:
        raise UserError(f"rollout_parallel needs one seed per env and at least one env; got {len(envs)} envs and "
                        f"{len(seeds)} seeds.")
    obs = [flat_observation(env.reset(seed=int(s))[0]) for env, s in zip(envs, seeds)]
    active = np.ones(len(envs), dtype=bool)
    logs = [([], [], []) for _ in envs]
    terminal = np.zeros(len(envs), dtype=bool)
    while active.any():
        actions = choose(np.stack(obs), active.copy())
        for i in np.flatnonzero(active):
            o, a, r = logs[i]
            o.append(obs[i])
            a.append(np.asarray(actions[i]))
            nxt, reward, terminated, truncated, _ = envs[i].step(actions[i])
            r.append(float(reward))
            obs[i] = flat_observation(nxt)
            terminal[i] = terminated
            if terminated or truncated or (max_steps is not None and len(r) >= max_steps):
                active[i] = False
    trajectories = [Trajectory(np.stack(o), np.stack(a), np.asarray(r, dtype=np.float32), terminated=bool(t))
                    for (o, a, r), t in zip(logs, terminal)]
    return trajectories, obs
