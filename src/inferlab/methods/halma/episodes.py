"""`HalmaBatch`: E HALMA episodes stepped together for PPO, with every random draw from torch's RNG and its whole
state in `state_dict()` (so a checkpoint resumes training exactly). The moves and trials follow HalmaEnv's rules
(`play_move`); a test checks the two agree."""

from __future__ import annotations

import numpy as np
import torch

from inferlab.envs.halma import TRIALS, Space, render_panel
from inferlab.envs.halma.env import play_move
from inferlab.envs.halma.panel import PANEL, PanelStyle


class TorchUniform:
    """The `rng.random(n)` that render_panel needs, drawn from torch's global RNG."""

    def random(self, n: int) -> np.ndarray:
        return torch.rand(n, dtype=torch.float64).numpy()


class HalmaBatch:
    """E episodes over `spaces`. fixed=True: episode i plays spaces[i] once (evaluation); else every reset draws a
    space uniformly (training) and episodes restart forever."""

    def __init__(self, spaces: list[Space], trial_steps: int, style: PanelStyle, n: int, *, fixed: bool = False):
        if fixed and n != len(spaces):
            raise ValueError("a fixed batch plays each space once: n must equal len(spaces)")
        self.spaces, self.trial_steps, self.style, self.n, self.fixed = spaces, trial_steps, style, n, fixed
        self.rng = TorchUniform()
        self.space = torch.zeros(n, dtype=torch.long)
        self.cell = torch.zeros(n, 2, dtype=torch.long)
        self.trial = torch.zeros(n, dtype=torch.long)
        self.steps = torch.zeros(n, dtype=torch.long)
        self.panel = torch.zeros(n, PANEL, PANEL, 3, dtype=torch.uint8)
        self.trial_log = torch.zeros(n, TRIALS, dtype=torch.long)
        """Steps of each finished trial of the current (fixed: the only) episode."""
        self.success = torch.zeros(n, TRIALS, dtype=torch.bool)
        for i in range(n):
            self._reset(i)

    def _reset(self, i: int) -> None:
        index = i if self.fixed else int(torch.randint(len(self.spaces), ()))
        self.space[i] = index
        self.cell[i] = torch.tensor(self.spaces[index].start)
        self.trial[i], self.steps[i] = 0, 0
        self.trial_log[i], self.success[i] = 0, False
        self._draw(i)

    def _draw(self, i: int) -> None:
        space = self.spaces[int(self.space[i])]
        self.panel[i] = torch.from_numpy(render_panel(space, tuple(self.cell[i].tolist()), self.style, self.rng))

    def counters(self) -> torch.Tensor:
        """(E, 3) float: steps left in the trial, trials left, steps left in the episode, each over its maximum."""
        left = self.trial_steps - self.steps
        trials_left = TRIALS - self.trial
        episode = left + (trials_left - 1).clamp(min=0) * self.trial_steps
        return torch.stack([left / self.trial_steps, trials_left / TRIALS,
                            episode / (TRIALS * self.trial_steps)], dim=1).float()

    def observation(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Panels (E, 3, 32, 32) float in [0, 1] and counters (E, 3)."""
        return self.panel.permute(0, 3, 1, 2).float() / 255.0, self.counters()

    def done(self) -> torch.Tensor:
        return self.trial >= TRIALS

    def step(self, actions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Apply actions (E, 4); returns rewards (E,) and episode ends (E,). Training batches reset finished
        episodes at once (the returned panel is the new episode's); fixed batches leave them finished."""
        rewards, ends = torch.zeros(self.n), torch.zeros(self.n, dtype=torch.bool)
        for i in range(self.n):
            if self.trial[i] >= TRIALS:
                continue
            space = self.spaces[int(self.space[i])]
            move = play_move(space, tuple(self.cell[i].tolist()), actions[i].numpy())
            self.cell[i] = torch.tensor(move.cell)
            self.steps[i] += 1
            rewards[i] = float(move.reached)
            if move.reached or self.steps[i] >= self.trial_steps:
                t = int(self.trial[i])
                self.trial_log[i, t], self.success[i, t] = self.steps[i], move.reached
                self.trial[i] += 1
                self.steps[i] = 0
                self.cell[i] = torch.tensor(space.start)
            if self.trial[i] >= TRIALS:
                ends[i] = True
                if not self.fixed:
                    self._reset(i)
                    continue
                self.steps[i] = self.trial_steps
            self._draw(i)
        return rewards, ends

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {k: getattr(self, k).clone() for k in ("space", "cell", "trial", "steps", "panel", "trial_log",
                                                       "success")}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        for k, v in state.items():
            getattr(self, k).copy_(v)
