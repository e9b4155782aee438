"""The benchmark's reference agents on the true state: `oracle` (BFS, the floor of steps per trial) and `random`
(uniform moves, the ceiling), and the per-split summary every agent is scored with."""

from __future__ import annotations

import numpy as np

from inferlab.envs.halma.env import TRIALS
from inferlab.envs.halma.rules import OPTION_FOR_DISTANCE, Cell, Space, normalise_option, option_value


def move_action(direction: int, distance: int) -> np.ndarray:
    """The action (direction, 3 option slots) of the shortest option that evaluates to `distance`."""
    return np.array([direction, *OPTION_FOR_DISTANCE[distance]], dtype=np.int64)


def oracle_action(space: Space, cell: Cell) -> np.ndarray:
    """The first move of a shortest solution from `cell` (BFS on the true state)."""
    path = space.solution(start=cell)
    if not path:
        raise ValueError(f"no way from {cell} to the goal {space.goal}")
    return move_action(*path[0])


def oracle_episode(space: Space, trial_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Steps and success of each of the 3 trials for the oracle: the BFS solution length every trial."""
    path = space.solution()
    if path is None or len(path) > trial_steps:
        raise ValueError("the space is not solvable within a trial")
    return np.full(TRIALS, len(path)), np.ones(TRIALS, dtype=bool)


def random_episode(space: Space, trial_steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Steps and success of each trial for uniform random actions from MultiDiscrete([4, 4, 4, 4]) (the same rules
    as HalmaEnv, without drawing panels: random moves do not look at them)."""
    steps, success = np.zeros(TRIALS, dtype=np.int64), np.zeros(TRIALS, dtype=bool)
    for trial in range(TRIALS):
        cell, actions = space.start, rng.integers(0, 4, size=(trial_steps, 4))
        for t, a in enumerate(actions, start=1):
            distance = option_value(normalise_option(tuple(int(x) for x in a[1:])))
            landing = space.landing(cell, int(a[0]), distance) if distance > 0 else None
            cell = cell if landing is None else landing
            if cell == space.goal:
                steps[trial], success[trial] = t, True
                break
        else:
            steps[trial] = trial_steps
    return steps, success


def summarise(steps: np.ndarray, success: np.ndarray) -> dict[str, float]:
    """Metrics of episodes (E, 3): success rate per trial, mean steps per trial, and steps of trials 1, 2, 3."""
    out = {"success": float(success.mean()), "steps_per_trial": float(steps.mean())}
    out.update({f"steps_trial{t + 1}": float(steps[:, t].mean()) for t in range(steps.shape[1])})
    return out


def normalised_score(agent_steps: float, random_steps: float, oracle_steps: float) -> float:
    """(random - agent) / (random - oracle) steps per trial: 0 = random, 1 = oracle."""
    return (random_steps - agent_steps) / max(random_steps - oracle_steps, 1e-9)
