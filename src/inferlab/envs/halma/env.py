"""`HalmaEnv`: the gymnasium environment of HALMA (Xie et al. 2021, arXiv 2102.11344; our reconstruction).

Observation: {"panel": (32, 32, 3) uint8 (panel.py), "counters": [steps left in the trial, trials left (this one
included), steps left in the episode]}. Action: MultiDiscrete([4, 4, 4, 4]) = (direction up/right/down/left,
3 option slots from EOS / +1 / +2 / x2), normalised after the first EOS. A valid move lands the agent at once; an
invalid one leaves it where it was and costs a step. An episode is 3 trials in one space; a trial ends at the goal
(reward +1) or after the split's step limit, and the agent respawns at the start. The episode terminates when the
third trial ends. `info` carries the move's validity and distance, per-trial steps and successes, and the memo: the
last 3 panels seen, the moves made on them and whether each was valid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gymnasium as gym
import numpy as np

from inferlab.envs.actions import check_action
from inferlab.envs.halma.generator import RULES, generate_split
from inferlab.envs.halma.panel import PANEL, STYLES, render_panel
from inferlab.envs.halma.rules import Cell, Space, normalise_option, option_value

TRIALS = 3
MEMO = 3


@dataclass(frozen=True)
class Move:
    """What one action did: the normalised action, the option's distance, validity, the agent's hole after it."""

    action: list[int]
    distance: int
    valid: bool
    cell: Cell
    reached: bool


def play_move(space: Space, cell: Cell, action: np.ndarray) -> Move:
    """Apply a checked action (direction, 3 option slots) at `cell`: land if valid, else stay."""
    direction, option = int(action[0]), normalise_option(tuple(int(a) for a in action[1:]))
    distance = option_value(option)
    landing = space.landing(cell, direction, distance) if distance > 0 else None
    cell = cell if landing is None else landing
    return Move([direction, *option], distance, landing is not None, cell, cell == space.goal)


class HalmaEnv(gym.Env[dict, np.ndarray]):
    """HALMA on the spaces of `split` (generated from `generator_seed`, `count` of them) or on given `spaces`.

    reset(options={"space": i}) plays space i; otherwise a space is drawn from the env's seeded RNG.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 2}

    def __init__(self, split: str = "train", *, spaces: list[Space] | None = None, generator_seed: int = 0,
                 count: int = 64, trial_steps: int | None = None, render_mode: str | None = None) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.spaces = list(spaces) if spaces is not None else generate_split(split, generator_seed, count)
        if not self.spaces:
            raise ValueError("HalmaEnv needs at least one space")
        self.trial_steps = RULES[split].trial_steps if trial_steps is None else trial_steps
        self.style = STYLES["held_out" if split == "perceptual" else "train"]
        self.render_mode = render_mode
        budget = TRIALS * self.trial_steps
        self.observation_space = gym.spaces.Dict({
            "panel": gym.spaces.Box(0, 255, (PANEL, PANEL, 3), np.uint8),
            "counters": gym.spaces.Box(0, budget, (3,), np.int64)})
        self.action_space = gym.spaces.MultiDiscrete([4, 4, 4, 4])
        self.space: Space = self.spaces[0]
        self.cell: Cell = self.space.start
        self.trial, self.steps, self.trial_log, self.success = 0, 0, [], []
        self.memo: list[dict[str, Any]] = []
        self.panel = np.zeros((PANEL, PANEL, 3), np.uint8)

    def counters(self) -> np.ndarray:
        left = self.trial_steps - self.steps
        trials_left = TRIALS - self.trial
        return np.array([left, trials_left, left + max(trials_left - 1, 0) * self.trial_steps], dtype=np.int64)

    def _obs(self) -> dict:
        self.panel = render_panel(self.space, self.cell, self.style, self.np_random)
        return {"panel": self.panel, "counters": self.counters()}

    def _info(self, **extra: Any) -> dict:
        return {"space": self.space, "cell": self.cell, "trial": self.trial, "trial_steps": list(self.trial_log),
                "success": list(self.success), "memo": list(self.memo), **extra}

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[dict, dict]:
        super().reset(seed=seed)
        index = (options or {}).get("space")
        if index is None:
            index = int(self.np_random.integers(len(self.spaces)))
        elif not 0 <= index < len(self.spaces):
            raise ValueError(f"space {index} does not exist: this env holds spaces 0 to {len(self.spaces) - 1}")
        self.space = self.spaces[index]
        self.cell, self.trial, self.steps, self.trial_log, self.success, self.memo = \
            self.space.start, 0, 0, [], [], []
        return self._obs(), self._info()

    def step(self, action: Any) -> tuple[dict, float, bool, bool, dict]:
        if self.trial >= TRIALS:
            raise RuntimeError("the episode is over: call reset() first")
        action = check_action(self.action_space, action)
        move = play_move(self.space, self.cell, action)
        self.memo = (self.memo + [{"panel": self.panel, "move": move.action, "valid": move.valid}])[-MEMO:]
        self.cell, self.steps = move.cell, self.steps + 1
        if move.reached or self.steps >= self.trial_steps:
            self.trial_log.append(self.steps)
            self.success.append(move.reached)
            self.trial, self.steps, self.cell = self.trial + 1, 0, self.space.start
        terminated = self.trial >= TRIALS
        if terminated:  # the counters of the last panel read 0 steps and 0 trials left
            self.steps = self.trial_steps
        obs = self._obs()
        return obs, float(move.reached), terminated, False, self._info(valid=move.valid, distance=move.distance,
                                                                         reached=move.reached)

    def render(self) -> np.ndarray | None:
        return self.panel.copy() if self.render_mode == "rgb_array" else None
