"""The cubic path task of LanMDP (Qin et al. 2023, sec. 5.1): draw a curve from left to right, one step at a time.

State (y, x): height y and abscissa x, x from -1 to 1 by 0.1 (21 states, 20 actions). Action: the height change
dy in [-0.5, 0.5]; the transition is known: (y, x) -> (y + dy, x + 0.1). An episode starts at x = -1 with
y ~ U[-1, 1] and is truncated after 20 steps. Passing `options={"goal": g}` to `reset` makes the last step pay
-(y - g)^2 (a planning target); without a goal every reward is 0.
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import torch

STEPS = 20
"""Actions per episode (x from -1 to 1 by 0.1)."""
DX = 0.1
MAX_DY = 0.5
Y_BOUND = 1.0 + STEPS * MAX_DY


def cubic_transition(states: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
    """The known transition g(s, a) = (y + a, x + 0.1) for states (..., 2) and actions (..., 1)."""
    return torch.cat([states[..., :1] + actions, states[..., 1:] + DX], dim=-1)


class CubicPathEnv(gym.Env):
    """Gymnasium env of the cubic path task (module docstring)."""

    metadata = {"render_modes": []}

    def __init__(self):
        self.observation_space = gym.spaces.Box(np.array([-Y_BOUND, -1.0], np.float32),
                                                np.array([Y_BOUND, 1.0], np.float32), dtype=np.float32)
        self.action_space = gym.spaces.Box(-MAX_DY, MAX_DY, shape=(1,), dtype=np.float32)
        self._y, self._t, self._goal = 0.0, 0, None

    def _obs(self) -> np.ndarray:
        return np.array([self._y, -1.0 + DX * self._t], dtype=np.float32)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        options = options or {}
        self._y = float(options["y0"]) if "y0" in options else float(self.np_random.uniform(-1.0, 1.0))
        self._goal = options.get("goal")
        self._t = 0
        return self._obs(), {}

    def step(self, action):
        dy = float(np.clip(np.asarray(action, dtype=np.float64).reshape(-1)[0], -MAX_DY, MAX_DY))
        self._y = float(np.clip(self._y + dy, -Y_BOUND, Y_BOUND))
        self._t += 1
        truncated = self._t >= STEPS
        reward = -(self._y - float(self._goal)) ** 2 if (truncated and self._goal is not None) else 0.0
        return self._obs(), reward, False, truncated, {}
