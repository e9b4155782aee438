"""Offline RL data: trajectories, D4RL-style HDF5/npz loaders, normalised scores, and two seeded generators.

Generators:
- `maze_dataset`: D4RL maze2d-style suboptimal data for `GridMazeEnv`: a BFS planner walks to random waypoints
  with epsilon-noise, one long wander cut into fixed-length episodes, rewards relabelled for the evaluation
  goal; high-return behaviour must be stitched from pieces of several episodes.
- `connect_four_dataset`: games of a uniformly random agent against the epsilon-search opponent, one trajectory
  per game from the agent's view, the final result (+1/0/-1) as the only (last) reward.

Files (D4RL layout): arrays `observations` (N, ...), `actions` (N, ...), `rewards` (N,), `terminals` (N,) and,
optionally, `timeouts` (N,); a trajectory ends after a step whose terminal or timeout flag is set.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from inferlab.envs.connect_four import ConnectFourEnv
from inferlab.envs.gridmaze import ACTIONS, LAYOUTS, MAX_STEPS, Maze
from inferlab.errors import UserError

REQUIRED_KEYS = ("observations", "actions", "rewards", "terminals")
OPTIONAL_KEYS = ("timeouts",)
# D4RL reference returns (Farama-Foundation/D4RL, d4rl/infos.py REF_MIN_SCORE / REF_MAX_SCORE: the random and
# expert policy returns, the same for every dataset of an environment, v0 to v2).
D4RL_REF_MIN = {"hopper": -20.272305, "halfcheetah": -280.178953, "walker2d": 1.629008}
D4RL_REF_MAX = {"hopper": 3234.3, "halfcheetah": 12135.0, "walker2d": 4592.3}


@dataclass(frozen=True)
class Trajectory:
    """One episode: `observations` (T, ...), `actions` (T, ...), `rewards` (T,) float32.

    `terminated` is True when the episode ended in a terminal state, False when it was cut (timeout, end of data).
    """

    observations: np.ndarray
    actions: np.ndarray
    rewards: np.ndarray
    terminated: bool

    def __len__(self) -> int:
        return len(self.rewards)

    @property
    def ret(self) -> float:
        """The undiscounted return."""
        return float(self.rewards.sum())


# ---------------------------------------------------------------- D4RL-style files


def to_d4rl_arrays(trajectories: list[Trajectory]) -> dict[str, np.ndarray]:
    """Concatenate trajectories into D4RL arrays; the last step of each has its terminal or timeout flag set."""
    ends = [np.arange(len(t)) == len(t) - 1 for t in trajectories]
    return {
        "observations": np.concatenate([t.observations for t in trajectories]),
        "actions": np.concatenate([t.actions for t in trajectories]),
        "rewards": np.concatenate([t.rewards for t in trajectories]).astype(np.float32),
        "terminals": np.concatenate([e & t.terminated for e, t in zip(ends, trajectories)]),
        "timeouts": np.concatenate([e & (not t.terminated) for e, t in zip(ends, trajectories)]),
    }


def _check_keys(found: list[str], source: str) -> None:
    missing = [k for k in REQUIRED_KEYS if k not in found]
    if missing:
        raise UserError(
            f"{source} has no {', '.join(repr(k) for k in missing)} array. A D4RL-style file needs the arrays "
            f"{', '.join(REQUIRED_KEYS)} (and optionally {', '.join(OPTIONAL_KEYS)}); found: "
            f"{', '.join(sorted(found)) or 'nothing'}."
        )


def split_trajectories(arrays: Mapping[str, np.ndarray], source: str) -> list[Trajectory]:
    """Cut D4RL arrays into trajectories at terminals/timeouts; steps after the last flag form a cut trajectory.

    `source` names the file in error messages.
    """
    _check_keys(list(arrays), source)
    for key in ("rewards", "terminals", "timeouts"):
        if key in arrays and arrays[key].ndim != 1:
            raise UserError(f"{source}: array {key!r} has shape {arrays[key].shape}; it must be one-dimensional (N,).")
    n = len(arrays["rewards"])
    for key in REQUIRED_KEYS + tuple(k for k in OPTIONAL_KEYS if k in arrays):
        a = arrays[key]
        if a.ndim == 0 or len(a) != n:
            raise UserError(f"{source}: array {key!r} has shape {a.shape}, but 'rewards' has {n} steps; every array "
                            "must have one row per step.")
        if not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
            raise UserError(f"{source}: array {key!r} has dtype {a.dtype}; it must hold numbers or booleans.")
    if n == 0:
        raise UserError(f"{source} holds no steps (the arrays are empty); give a file with at least one step.")
    terminals = arrays["terminals"].astype(bool)
    ends = terminals | (arrays["timeouts"].astype(bool) if "timeouts" in arrays else False)
    stops = np.flatnonzero(ends) + 1
    if len(stops) == 0 or stops[-1] != n:
        stops = np.append(stops, n)
    out, start = [], 0
    for stop in stops:
        out.append(Trajectory(
            observations=np.asarray(arrays["observations"][start:stop]),
            actions=np.asarray(arrays["actions"][start:stop]),
            rewards=np.asarray(arrays["rewards"][start:stop], dtype=np.float32),
            terminated=bool(terminals[stop - 1]),
        ))
        start = stop
    return out


def _existing_file(path: str | Path, what: str) -> Path:
    p = Path(path).expanduser()
    if not p.is_file():
        problem = "is a directory, not a file" if p.is_dir() else "does not exist"
        raise UserError(f"{what} {p} {problem}; give the path of an existing {what}.")
    return p


def load_d4rl_hdf5(path: str | Path) -> list[Trajectory]:
    """Trajectories from a D4RL-style HDF5 file (top-level datasets named as in the module docstring)."""
    p = _existing_file(path, "HDF5 file")
    try:
        with h5py.File(p, "r") as f:
            _check_keys([k for k in f.keys() if isinstance(f[k], h5py.Dataset)], str(p))
            arrays = {k: f[k][()] for k in REQUIRED_KEYS + OPTIONAL_KEYS if isinstance(f.get(k), h5py.Dataset)}
    except OSError as err:
        raise UserError(f"Cannot read {p} as HDF5: {err}. Give a D4RL-style .hdf5 file.") from None
    return split_trajectories(arrays, str(p))


def save_d4rl_hdf5(trajectories: list[Trajectory], path: str | Path) -> Path:
    """Write trajectories as a D4RL-style HDF5 file (the `to_d4rl_arrays` arrays as top-level datasets)."""
    if not trajectories:
        raise UserError(f"No trajectories to write to {path}; give at least one.")
    p = check_output_file(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.partial")
    try:
        with h5py.File(tmp, "w") as f:
            for key, array in to_d4rl_arrays(trajectories).items():
                f.create_dataset(key, data=array, compression="gzip")
        tmp.replace(p)
    finally:
        tmp.unlink(missing_ok=True)
    return p


def check_output_file(path: str | Path) -> Path:
    """`path` as a Path if a file can be written there: not a folder, and its parent (if it exists) a folder."""
    p = Path(path).expanduser()
    if p.is_dir():
        raise UserError(f"--out {p} is a folder; give a file name such as {p / 'data.hdf5'}.")
    parent = next((a for a in p.parents if a.exists()), None)
    if parent is not None and not parent.is_dir():
        raise UserError(f"--out {p}: {parent} is a file, so no file can be written under it.")
    return p


def load_d4rl_npz(path: str | Path) -> list[Trajectory]:
    """Trajectories from an .npz file holding the D4RL arrays (no pickled objects)."""
    p = _existing_file(path, "npz file")
    hint = "Give an .npz file written by numpy.savez with the D4RL arrays."
    try:
        data = np.load(p, allow_pickle=False)
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise UserError(f"Cannot read {p} as an npz archive: {err}. {hint}") from None
    if not isinstance(data, np.lib.npyio.NpzFile):
        raise UserError(f"{p} holds a single array (.npy format), not an archive of named arrays. {hint}")
    with data:
        try:
            arrays = {k: data[k] for k in data.files}
        except (OSError, ValueError, zipfile.BadZipFile) as err:  # object arrays need pickle; damaged members
            raise UserError(f"Cannot read the arrays in {p}: {err}. {hint}") from None
    return split_trajectories(arrays, str(p))


def d4rl_normalized_score(env_name: str, returns: float | np.ndarray) -> float | np.ndarray:
    """100 * (return - random) / (expert - random) with D4RL's reference returns, for hopper/halfcheetah/walker2d.

    `env_name` is the environment or a D4RL dataset name ("hopper", "hopper-medium-v2", ...).
    """
    env = env_name.split("-")[0].lower()
    if env not in D4RL_REF_MIN:
        raise UserError(f"No D4RL reference returns for {env_name!r}; known environments: "
                        f"{', '.join(sorted(D4RL_REF_MIN))} (optionally with a dataset suffix like -medium-v2).")
    lo, hi = D4RL_REF_MIN[env], D4RL_REF_MAX[env]
    score = 100.0 * (np.asarray(returns, dtype=np.float64) - lo) / (hi - lo)
    return float(score) if score.ndim == 0 else score


# ---------------------------------------------------------------- generators


def maze_dataset(layout: str, rng: np.random.Generator, *, n_episodes: int = 100, episode_len: int | None = None,
                 eps: float = 0.2, eval_goal: tuple[int, int] | None = None) -> list[Trajectory]:
    """Suboptimal wandering data in maze `layout` (a key of gridmaze.LAYOUTS), D4RL maze2d style.

    One continuous walk: from a random free cell, a BFS shortest-path planner heads for a random waypoint (a new
    one on arrival), taking a uniformly random action instead with probability `eps`. The walk is cut into
    `n_episodes` episodes of `episode_len` steps (default: the env's time limit), all ending in a timeout. The
    reward of a step is 1 if it ends on `eval_goal` (default: the layout's 'G'), as in GridMazeEnv.
    Observations (T, 2) int64 [row, col]; actions (T,) int64.
    """
    if layout not in LAYOUTS:
        raise UserError(f"Unknown maze layout {layout!r}; choose one of {', '.join(sorted(LAYOUTS))}.")
    maze = Maze(LAYOUTS[layout])
    goal = maze.goal if eval_goal is None else tuple(eval_goal)
    if goal not in maze.free:
        raise UserError(f"eval_goal {goal} is not a free cell of the {layout!r} maze.")
    length = MAX_STEPS[layout] if episode_len is None else episode_len
    if n_episodes < 1 or length < 1 or not 0.0 <= eps <= 1.0:
        raise UserError(f"maze_dataset needs n_episodes >= 1, episode_len >= 1 and 0 <= eps <= 1; got "
                        f"n_episodes={n_episodes}, episode_len={length}, eps={eps}.")
    total = n_episodes * length
    obs = np.empty((total, 2), dtype=np.int64)
    actions = np.empty(total, dtype=np.int64)
    rewards = np.empty(total, dtype=np.float32)
    cell = maze.free[rng.integers(len(maze.free))]
    waypoint = cell
    for t in range(total):
        while waypoint == cell:
            waypoint = maze.free[rng.integers(len(maze.free))]
        if rng.random() < eps:
            action = int(rng.integers(len(ACTIONS)))
        else:
            action = maze.planner_action(cell, waypoint, rng)
        obs[t], actions[t] = cell, action
        cell = maze.move(cell, action)
        rewards[t] = cell == goal
    return [Trajectory(obs[i:i + length], actions[i:i + length], rewards[i:i + length], terminated=False)
            for i in range(0, total, length)]


def connect_four_dataset(n_games: int, rng: np.random.Generator, *, opponent_depth: int = 4,
                         opponent_eps: float = 0.1) -> list[Trajectory]:
    """Games of a uniformly random (legal-move) agent against EpsilonOpponent(opponent_depth, opponent_eps).

    The agent moves first in a random half of the games. Per game: observations (T, 2, 6, 7) int8 from the
    agent's view before each of its moves, actions (T,) int64, rewards (T,) float32 zero except the final
    result (+1 win, 0 draw, -1 loss) on the last step; every game ends terminated.
    """
    env = ConnectFourEnv(opponent_depth=opponent_depth, opponent_eps=opponent_eps)
    games = []
    for _ in range(n_games):
        env.agent_first = bool(rng.integers(2))
        obs, info = env.reset(seed=int(rng.integers(2**31)))
        observations, actions, done, reward = [], [], False, 0.0
        while not done:
            action = int(rng.choice(np.flatnonzero(info["action_mask"])))
            observations.append(obs)
            actions.append(action)
            obs, reward, done, _, info = env.step(action)
        rewards = np.zeros(len(actions), dtype=np.float32)
        rewards[-1] = reward
        games.append(Trajectory(np.stack(observations), np.array(actions, dtype=np.int64), rewards, terminated=True))
    return games
