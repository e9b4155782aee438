"""Each `data.env` as one offline-RL problem: its dataset, an evaluation env, the action space and its score.

gridmaze and connect_four use the project's own envs and generators (data/offline_rl.py); pointmaze_* and the
MuJoCo locomotion envs use data/pointmaze.py and data/locomotion.py, imported only when chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import gymnasium as gym
import numpy as np

from inferlab.data.offline_rl import Trajectory, connect_four_dataset, maze_dataset
from inferlab.envs.connect_four import ConnectFourEnv
from inferlab.envs.gridmaze import LAYOUTS, MAX_STEPS, GridMazeEnv, Maze
from inferlab.errors import UserError
from inferlab.methods.lpt.config import ENVS, DataConfig

# Official scripts/config.py env_targets (raw returns) for the MuJoCo tasks.
LOCOMOTION_TARGETS = {"hopper": 3600.0, "halfcheetah": 6000.0, "walker2d": 5000.0}


@dataclass
class OfflineProblem:
    """What LPT and its baselines need of an environment."""

    name: str
    trajectories: list[Trajectory]
    discrete: bool
    act_dim: int
    """Number of actions (discrete) or the action vector's length (continuous, in [-1, 1])."""
    make_env: Callable[[], gym.Env]
    default_target: float
    """Return to condition on at evaluation when eval.target is 0."""
    score: Callable[[list[Trajectory]], float]
    """Normalised score of evaluation episodes (maze: percent of the optimal return; Connect Four: win rate;
    locomotion: D4RL normalised score)."""
    legal_actions: Callable[[np.ndarray], np.ndarray] | None = None
    """obs -> bool mask of playable actions (Connect Four), else None."""


class RewardTap(gym.Wrapper):
    """Remembers the last reward, so a return-to-go policy (whose act() sees only observations) can subtract it."""

    def __init__(self, env: gym.Env):
        super().__init__(env)
        self.last_reward = 0.0

    def reset(self, **kwargs: Any):
        self.last_reward = 0.0
        return self.env.reset(**kwargs)

    def step(self, action: Any):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.last_reward = float(reward)
        return obs, reward, terminated, truncated, info


class AlternatingFirstMove(gym.Wrapper):
    """Connect Four where the agent moves first in episodes with an even reset seed and second otherwise,
    as in the dataset's games (half each)."""

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        self.env.unwrapped.agent_first = seed is None or seed % 2 == 0
        return self.env.reset(seed=seed, options=options)


def maze_score(maze: Maze, max_steps: int, trajectories: list[Trajectory]) -> float:
    """Mean over episodes of 100 * return / optimal return, the optimal return from the episode's start cell
    being max_steps - (shortest-path steps to the goal), at least 1: walk straight there and stay."""
    dist = maze.distances(maze.goal)
    ratios = [t.ret / max(max_steps - dist[tuple(t.observations[0])], 1) for t in trajectories]
    return 100.0 * float(np.mean(ratios))


def connect_four_legal(obs: np.ndarray) -> np.ndarray:
    """Columns whose top cell (row 0 of both planes) is empty."""
    return np.asarray(obs)[:, 0, :].sum(axis=0) == 0


def gridmaze_problem(cfg: DataConfig, rng: np.random.Generator) -> OfflineProblem:
    if cfg.maze_layout not in LAYOUTS:
        raise UserError(f"data.maze_layout={cfg.maze_layout!r}: choose one of {', '.join(sorted(LAYOUTS))}.")
    if cfg.maze_episode_len < 0:
        raise UserError(f"data.maze_episode_len={cfg.maze_episode_len}: give a length >= 1, or 0 for the "
                        f"layout's time limit ({MAX_STEPS[cfg.maze_layout]}).")
    maze, steps = Maze(LAYOUTS[cfg.maze_layout]), cfg.maze_episode_len or MAX_STEPS[cfg.maze_layout]
    trajectories = maze_dataset(cfg.maze_layout, rng, n_episodes=cfg.episodes, episode_len=steps, eps=cfg.maze_eps)
    return OfflineProblem(
        name="gridmaze", trajectories=trajectories, discrete=True, act_dim=5,
        make_env=lambda: GridMazeEnv(cfg.maze_layout, max_steps=steps, random_start=True),
        default_target=max(t.ret for t in trajectories),
        score=lambda trajs: maze_score(maze, steps, trajs))


def connect_four_problem(cfg: DataConfig, rng: np.random.Generator) -> OfflineProblem:
    trajectories = connect_four_dataset(cfg.episodes, rng, opponent_depth=cfg.c4_opponent_depth,
                                        opponent_eps=cfg.c4_opponent_eps)
    if not any(t.ret > 0 for t in trajectories):
        raise UserError(f"The Connect Four data ({cfg.episodes} games, data.c4_opponent_eps={cfg.c4_opponent_eps}) "
                        "holds no win; raise data.episodes or data.c4_opponent_eps.")
    return OfflineProblem(
        name="connect_four", trajectories=trajectories, discrete=True, act_dim=7,
        make_env=lambda: AlternatingFirstMove(ConnectFourEnv(opponent_depth=cfg.c4_opponent_depth,
                                                             opponent_eps=cfg.c4_opponent_eps)),
        default_target=1.0,
        score=lambda trajs: float(np.mean([t.ret > 0 for t in trajs])),
        legal_actions=connect_four_legal)


def pointmaze_problem(cfg: DataConfig, rng: np.random.Generator) -> OfflineProblem:
    from inferlab.data.pointmaze import make_pointmaze_env, pointmaze_dataset, pointmaze_normalized_score

    maze = cfg.env.removeprefix("pointmaze_")
    trajectories = pointmaze_dataset(maze, rng, n_steps=cfg.env_steps, progress=True)
    return OfflineProblem(
        name=cfg.env, trajectories=trajectories, discrete=False, act_dim=2,
        make_env=lambda: make_pointmaze_env(maze),
        default_target=max(t.ret for t in trajectories),
        score=lambda trajs: float(np.mean(pointmaze_normalized_score(maze, np.array([t.ret for t in trajs])))))


def locomotion_problem(cfg: DataConfig, rng: np.random.Generator) -> OfflineProblem:
    from inferlab.data.locomotion import locomotion_dataset, locomotion_normalized_score, make_locomotion_env

    trajectories = locomotion_dataset(cfg.env, rng, n_steps=cfg.env_steps, progress=True)
    return OfflineProblem(
        name=cfg.env, trajectories=trajectories, discrete=False, act_dim=int(trajectories[0].actions.shape[-1]),
        make_env=lambda: make_locomotion_env(cfg.env),
        default_target=LOCOMOTION_TARGETS[cfg.env],
        score=lambda trajs: float(np.mean(locomotion_normalized_score(cfg.env, np.array([t.ret for t in trajs])))))


def make_problem(cfg: DataConfig, rng: np.random.Generator) -> OfflineProblem:
    """The dataset (drawn with `rng`) and evaluation env of `cfg.env`."""
    if cfg.env not in ENVS:
        raise UserError(f"data.env={cfg.env!r}: choose one of {', '.join(ENVS)}.")
    if cfg.episodes < 2 or cfg.env_steps < 1:
        raise UserError(f"data.episodes={cfg.episodes}, data.env_steps={cfg.env_steps}: LPT needs at least 2 "
                        "trajectories (data.episodes >= 2) and data.env_steps >= 1.")
    if cfg.env == "gridmaze":
        return gridmaze_problem(cfg, rng)
    if cfg.env == "connect_four":
        return connect_four_problem(cfg, rng)
    if cfg.env.startswith("pointmaze_"):
        return pointmaze_problem(cfg, rng)
    return locomotion_problem(cfg, rng)
