"""Contexts of the last c states: training windows cut from demonstrations, and the running context of a rollout.

Padding as the official code: positions before an episode's first state are zeros (cubic/main.py TrainingSet,
mujoco/data.py TrainingSet, and the zero-initialised state buffer of both rollouts).
"""

from __future__ import annotations

import torch


def context_windows(episodes: list[torch.Tensor], c: int, *, start_window: bool = False) -> torch.Tensor:
    """Windows (N, c + 1, S): the c states before a transition's next state, then that next state.

    For an episode s_0..s_{T-1} the window of the transition into s_t (t = 1..T-1) is
    [s_{t-c}, ..., s_{t-1}, s_t] with zeros for indices below 0. `start_window` adds the official cubic window
    [0, ..., 0, s_0] (an all-zero context whose "next state" is the start state).
    """
    out = []
    for states in episodes:  # (T, S)
        padded = torch.cat([states.new_zeros(c, states.shape[1]), states])  # (c + T, S)
        first = 0 if start_window else 1
        for t in range(first, len(states)):
            out.append(padded[t: t + c + 1])  # padded index t + c is s_t
    return torch.stack(out)


class RollingContext:
    """The last c states of n parallel episodes, zero-padded before their first state."""

    def __init__(self, n: int, c: int, state_dim: int, device: torch.device | str = "cpu"):
        self.states = torch.zeros(n, c, state_dim, device=device)  # (n, c, S)

    def push(self, state: torch.Tensor) -> torch.Tensor:
        """Append the newest state (n, S); returns the context (n, c, S)."""
        self.states = torch.cat([self.states[:, 1:], state[:, None]], dim=1)
        return self.states
