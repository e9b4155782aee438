"""PointMaze (gymnasium-robotics, MuJoCo) with a fixed evaluation task and D4RL maze2d-style offline data.

The mazes are gymnasium-robotics' U_MAZE and MEDIUM_MAZE, the layouts of D4RL's maze2d-umaze and maze2d-medium
(a force-actuated ball, 0.01 s per step, actions (2,) in [-1, 1], maze cells of size 1). The evaluation task is
maze2d-*-sparse's: reach the fixed goal cell (the D4RL 'G' cell) and stay there; a step earns reward 1 when it ends
within `GOAL_RADIUS` of the goal cell's centre, else 0; the episode never terminates and is truncated at the
time limit (300 / 600 steps as in D4RL), so the return counts the steps spent at the goal. Unlike D4RL, whose
evaluation starts in a random cell, every episode starts at a fixed far cell (`START`, with the simulator's
uniform +-0.25 position noise), so a high return needs the whole route to the goal.

Observations are flat float32 [x, y, vx, vy] in the simulator's frame (cell (row, col) has its centre at
x = col + 0.5 - W/2, y = H/2 - row - 0.5). The goal is not part of the observation: it is the same in every
episode of the task and of the dataset.

Dataset (`pointmaze_dataset`), as D4RL's scripts/generation/generate_maze2d_datasets.py: one long walk of a
waypoint controller (`WaypointController`, D4RL's d4rl/pointmaze/waypoint_controller.py) towards a random free
cell, a new random cell whenever it is reached (or after `episode_len` steps without reaching it), Gaussian action
noise, the walk cut into `episode_len`-step episodes and the rewards relabelled with the evaluation task's sparse
reward. Most episodes never pass the goal; good behaviour has to be stitched from pieces of several episodes.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections import deque
from typing import Any

import gymnasium as gym
import numpy as np

from inferlab.data.offline_rl import Trajectory
from inferlab.envs.actions import check_action
from inferlab.errors import UserError
from inferlab.envs.rollout import rollout_episodes
from inferlab.progress import progress_bar

with contextlib.redirect_stderr(io.StringIO()):  # gymnasium-robotics prints an unrelated Adroit notice on import
    from gymnasium_robotics.envs.maze.maps import MEDIUM_MAZE, U_MAZE
    from gymnasium_robotics.envs.maze.point_maze import PointMazeEnv

Cell = tuple[int, int]

MAZES: dict[str, list[list[int]]] = {"umaze": U_MAZE, "medium": MEDIUM_MAZE}
EVAL_GOAL: dict[str, Cell] = {"umaze": (1, 1), "medium": (6, 6)}  # the 'G' cells of D4RL's maze2d specs
START: dict[str, Cell] = {"umaze": (3, 1), "medium": (1, 1)}  # the far end from the goal
TIME_LIMIT = {"umaze": 300, "medium": 600}  # D4RL maze2d and gymnasium-robotics PointMaze v3
GOAL_RADIUS = 0.45  # gymnasium-robotics' (and D4RL's 0.5-ish) success distance
# Reference returns in make_pointmaze_env(maze) (default goal and start): the means of
# `reference_returns(maze, episodes=50)` (reset seeds 0..49). "random": uniform actions in [-1, 1], which never
# leave the start's corridor within the time limit (return 0 in all 50 episodes); "expert": the noise-free
# WaypointPolicy from the start to the goal (returns 140..152 on umaze, 306..331 on medium).
REF_RANDOM = {"umaze": 0.0, "medium": 0.0}
REF_EXPERT = {"umaze": 146.06, "medium": 320.44}


def _check_maze(maze: str) -> list[list[int]]:
    if maze not in MAZES:
        raise UserError(f"Unknown PointMaze maze {maze!r}; choose one of {', '.join(MAZES)}.")
    return MAZES[maze]


def free_cells(maze_map: list[list[Any]]) -> list[Cell]:
    """All (row, col) cells that are not walls (a map entry 1 is a wall)."""
    return [(r, c) for r, row in enumerate(maze_map) for c, v in enumerate(row) if v != 1]


def cell_to_xy(maze_map: list[list[Any]], rowcol: np.ndarray | Cell) -> np.ndarray:
    """Simulator (x, y) of a (possibly fractional) cell position: x = col + 0.5 - W/2, y = H/2 - row - 0.5."""
    rowcol = np.asarray(rowcol, dtype=np.float64)
    return np.array([rowcol[1] + 0.5 - len(maze_map[0]) / 2, len(maze_map) / 2 - rowcol[0] - 0.5])


def xy_to_cell(maze_map: list[list[Any]], xy: np.ndarray) -> Cell:
    """The (row, col) cell containing the point (x, y)."""
    return int(np.floor(len(maze_map) / 2 - xy[1])), int(np.floor(xy[0] + len(maze_map[0]) / 2))


def _goal_cell(maze: str, maze_map: list[list[int]], eval_goal: Cell | None) -> Cell:
    goal = EVAL_GOAL[maze] if eval_goal is None else (int(eval_goal[0]), int(eval_goal[1]))
    if goal not in free_cells(maze_map):
        raise UserError(f"eval_goal {goal} is not a free cell of the {maze!r} PointMaze; free cells: "
                        f"{', '.join(map(str, free_cells(maze_map)))}.")
    if goal == START[maze]:
        raise UserError(f"eval_goal {goal} is the start cell of the {maze!r} PointMaze; choose another free cell.")
    return goal


def _simulator(maze_map: list[list[int]]) -> PointMazeEnv:
    """gymnasium-robotics' PointMazeEnv (sparse reward, continuing task, fixed goal), without the temporary
    MJCF file it writes next to the system temp folder and never removes (the model is loaded by then)."""
    sim = PointMazeEnv(maze_map=maze_map, reward_type="sparse", continuing_task=True, reset_target=False)
    with contextlib.suppress(OSError):
        os.remove(sim.tmp_xml_file_path)
    return sim


def sparse_reward(position: np.ndarray, goal_xy: np.ndarray) -> np.ndarray:
    """maze2d-sparse reward: 1.0 where ||position - goal|| <= GOAL_RADIUS, else 0.0 (position (..., 2))."""
    return (np.linalg.norm(np.asarray(position)[..., :2] - goal_xy, axis=-1) <= GOAL_RADIUS).astype(np.float32)


class WaypointController:
    """D4RL's maze2d expert: a shortest cell path to a target cell, followed by a PD controller.

    `set_target` plans by breadth-first search over the free cells (D4RL runs Q-iteration on the same grid;
    both give shortest paths, ties here broken at random) from the cell holding `position`; every cell on the
    path becomes a waypoint, its centre shifted by -U(0, 0.2) in row and column (D4RL's jitter), except the
    target, which is its exact centre. `act` steers to the current waypoint,
    a = clip(p_gain * (waypoint - position) - d_gain * velocity, -1, 1), and moves on to the next one once within
    `reach` of it. D4RL also requires the displacement since the last step to be below 0.1, which always holds
    here (speeds are clipped at 5 and a step is 0.01 s), so it is left out.
    """

    def __init__(self, maze_map: list[list[Any]], rng: np.random.Generator, *, p_gain: float = 10.0,
                 d_gain: float = 1.0, reach: float = 0.1) -> None:
        self.maze_map, self.rng = maze_map, rng
        self.p_gain, self.d_gain, self.reach = p_gain, d_gain, reach
        self.free = set(free_cells(maze_map))
        self.target_xy = np.zeros(2)
        self.waypoints: list[np.ndarray] = []
        self.index = 0

    def _distances(self, target: Cell) -> dict[Cell, int]:
        dist, queue = {target: 0}, deque([target])
        while queue:
            r, c = queue.popleft()
            for nxt in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
                if nxt in self.free and nxt not in dist:
                    dist[nxt] = dist[(r, c)] + 1
                    queue.append(nxt)
        return dist

    def set_target(self, position: np.ndarray, target: Cell) -> None:
        """Plan the waypoints from the cell holding `position` to the cell `target`."""
        dist = self._distances(target)
        cell, path = xy_to_cell(self.maze_map, position), []
        while cell != target:
            r, c = cell
            steps = [n for n in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)) if dist.get(n) == dist[cell] - 1]
            cell = steps[self.rng.integers(len(steps))]
            path.append(cell)
        self.waypoints = [cell_to_xy(self.maze_map, np.array(p) - self.rng.uniform(0.0, 0.2, size=2))
                          for p in path[:-1]]
        self.target_xy = cell_to_xy(self.maze_map, target)
        self.waypoints.append(self.target_xy)
        self.index = 0

    def reached(self, position: np.ndarray) -> bool:
        """Whether `position` is within `reach` of the target's centre."""
        return bool(np.linalg.norm(position[:2] - self.target_xy) < self.reach)

    def act(self, position: np.ndarray, velocity: np.ndarray) -> np.ndarray:
        """The PD action (2,) float64 in [-1, 1] towards the current waypoint."""
        waypoint = self.waypoints[self.index]
        if self.index < len(self.waypoints) - 1 and np.linalg.norm(position - waypoint) < self.reach:
            self.index += 1
            waypoint = self.waypoints[self.index]
        return np.clip(self.p_gain * (waypoint - position) - self.d_gain * velocity, -1.0, 1.0)


class PointMazeTask(gym.Env[np.ndarray, np.ndarray]):
    """The evaluation task of the module docstring on top of gymnasium-robotics' PointMazeEnv (no time limit;
    `make_pointmaze_env` adds it). info["success"]: the last step ended within GOAL_RADIUS of the goal."""

    def __init__(self, maze: str = "umaze", *, eval_goal: Cell | None = None) -> None:
        self.maze_map = _check_maze(maze)
        self.goal_cell = _goal_cell(maze, self.maze_map, eval_goal)
        self.start_cell = START[maze]
        self.goal_xy = cell_to_xy(self.maze_map, self.goal_cell)
        self.sim = _simulator(self.maze_map)
        self.observation_space = gym.spaces.Box(-np.inf, np.inf, shape=(4,), dtype=np.float32)
        self.action_space = gym.spaces.Box(-1.0, 1.0, shape=(2,), dtype=np.float32)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        obs, _ = self.sim.reset(seed=int(self.np_random.integers(2**31)),
                                options={"goal_cell": np.array(self.goal_cell),
                                         "reset_cell": np.array(self.start_cell)})
        self.sim.goal = self.goal_xy.copy()  # the simulator jitters its goal; the task's goal is the cell centre
        self.sim.update_target_site_pos()
        position = obs["observation"]
        return position.astype(np.float32), {"success": bool(sparse_reward(position, self.goal_xy))}

    def step(self, action: np.ndarray) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        obs, _, _, _, _ = self.sim.step(check_action(self.action_space, action))
        reward = float(sparse_reward(obs["observation"], self.goal_xy))
        return obs["observation"].astype(np.float32), reward, False, False, {"success": reward > 0}

    def close(self) -> None:
        self.sim.close()


def make_pointmaze_env(maze: str, *, eval_goal: Cell | None = None,
                       max_episode_steps: int | None = None) -> gym.Env:
    """The PointMaze evaluation task (module docstring) with its time limit (default: TIME_LIMIT[maze]).

    `eval_goal`: a free (row, col) cell other than START[maze]; default EVAL_GOAL[maze].
    """
    task = PointMazeTask(maze, eval_goal=eval_goal)
    steps = TIME_LIMIT[maze] if max_episode_steps is None else max_episode_steps
    if steps < 1:
        raise UserError(f"max_episode_steps must be >= 1, got {steps}.")
    return gym.wrappers.TimeLimit(task, max_episode_steps=steps)


MAX_ACTION_NOISE = 10.0
"""Actions are clipped to [-1, 1]: noise beyond this sd only flips signs at random."""


def pointmaze_dataset(maze: str, rng: np.random.Generator, *, n_steps: int, episode_len: int | None = None,
                      action_noise: float = 0.5, eval_goal: Cell | None = None,
                      progress: bool = False) -> list[Trajectory]:
    """`n_steps` steps of D4RL maze2d-style wandering (module docstring) cut into `episode_len`-step episodes.

    The walk starts in a random free cell; each step's action is the WaypointController's plus
    N(0, action_noise^2) noise per coordinate, clipped to [-1, 1] (D4RL's noisy datasets use 0.5). Episodes
    (default length TIME_LIMIT[maze]; the last one may be shorter) all end in a timeout. Per episode:
    observations (T, 4) float32 [x, y, vx, vy] before each step, actions (T, 2) float32, rewards (T,) float32
    the sparse reward for `eval_goal` (default EVAL_GOAL[maze]) of the state each step ends in. `progress`
    shows a progress bar.
    """
    maze_map = _check_maze(maze)
    goal_xy = cell_to_xy(maze_map, _goal_cell(maze, maze_map, eval_goal))
    length = TIME_LIMIT[maze] if episode_len is None else episode_len
    if n_steps < 1 or length < 1 or not 0 <= action_noise <= MAX_ACTION_NOISE:
        raise UserError(f"pointmaze_dataset needs n_steps >= 1, episode_len >= 1 and 0 <= action_noise <= "
                        f"{MAX_ACTION_NOISE} (a finite number); got "
                        f"n_steps={n_steps}, episode_len={length}, action_noise={action_noise}.")
    cells = free_cells(maze_map)
    sim = _simulator(maze_map)
    start = cells[rng.integers(len(cells))]
    obs = sim.reset(seed=int(rng.integers(2**31)), options={"reset_cell": np.array(start)})[0]["observation"]
    controller = WaypointController(maze_map, rng)
    observations = np.empty((n_steps, 4), dtype=np.float32)
    actions = np.empty((n_steps, 2), dtype=np.float32)
    rewards = np.empty(n_steps, dtype=np.float32)
    since_target = length
    for t in progress_bar(range(n_steps), desc=f"pointmaze {maze}", disable=not progress, mininterval=0.5):
        if since_target >= length or controller.reached(obs[:2]):
            here = xy_to_cell(maze_map, obs[:2])
            controller.set_target(obs[:2], cells[rng.choice([i for i, c in enumerate(cells) if c != here])])
            since_target = 0
        action = controller.act(obs[:2], obs[2:]) + action_noise * rng.standard_normal(2)
        observations[t], actions[t] = obs, np.clip(action, -1.0, 1.0)
        obs = sim.point_env.step(actions[t].astype(np.float64))[0]
        rewards[t] = sparse_reward(obs, goal_xy)
        since_target += 1
    sim.close()
    return [Trajectory(observations[i:i + length], actions[i:i + length], rewards[i:i + length], terminated=False)
            for i in range(0, n_steps, length)]


class WaypointPolicy:
    """The expert for `rollout_episodes`: a WaypointController to the task's goal, replanned at each reset.

    `action_noise` adds N(0, action_noise^2) per coordinate (clipped); randomness from numpy seed `seed`,
    re-seeded in `reset` by the episode count so that each episode is reproducible.
    """

    def __init__(self, maze: str, *, eval_goal: Cell | None = None, action_noise: float = 0.0, seed: int = 0) -> None:
        self.maze_map = _check_maze(maze)
        self.goal = _goal_cell(maze, self.maze_map, eval_goal)
        self.action_noise, self.seed, self.episode = action_noise, seed, 0
        self.rng = np.random.default_rng(seed)
        self.controller = WaypointController(self.maze_map, self.rng)
        self.planned = False

    def reset(self) -> None:
        self.rng = np.random.default_rng([self.seed, self.episode])
        self.controller = WaypointController(self.maze_map, self.rng)
        self.episode += 1
        self.planned = False

    def act(self, obs: np.ndarray) -> np.ndarray:
        obs = np.asarray(obs, dtype=np.float64)
        if not self.planned:
            self.controller.set_target(obs[:2], self.goal)
            self.planned = True
        action = self.controller.act(obs[:2], obs[2:]) + self.action_noise * self.rng.standard_normal(2)
        return np.clip(action, -1.0, 1.0).astype(np.float32)


class UniformPolicy:
    """Uniform random actions in [-1, 1]^2 from numpy seed `seed` (drawn once, continuing across episodes)."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)

    def reset(self) -> None:
        pass

    def act(self, obs: np.ndarray) -> np.ndarray:
        return self.rng.uniform(-1.0, 1.0, size=2).astype(np.float32)


def reference_returns(maze: str, *, episodes: int, seed: int = 0) -> dict[str, float]:
    """Mean returns of UniformPolicy (seed 0) and the noise-free WaypointPolicy in make_pointmaze_env(maze),
    reset seeds seed .. seed + episodes - 1: how REF_RANDOM and REF_EXPERT were measured."""
    env = make_pointmaze_env(maze)
    out = {name: float(np.mean([t.ret for t in rollout_episodes(env, policy, episodes, seed)]))
           for name, policy in (("random", UniformPolicy(0)), ("expert", WaypointPolicy(maze)))}
    env.close()
    return out


def pointmaze_normalized_score(maze: str, returns: float | np.ndarray) -> float | np.ndarray:
    """100 * (R - R_random) / (R_expert - R_random) with REF_RANDOM / REF_EXPERT, measured in
    make_pointmaze_env(maze) with the default goal (scores for another `eval_goal` are not comparable)."""
    _check_maze(maze)
    lo, hi = REF_RANDOM[maze], REF_EXPERT[maze]
    score = 100.0 * (np.asarray(returns, dtype=np.float64) - lo) / (hi - lo)
    return float(score) if score.ndim == 0 else score
