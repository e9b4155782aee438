"""The path task's metrics (official cubic/main.py plot_curve) and rollouts of a policy in the known dynamics."""

from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from inferlab.envs.cubic_path import DX, MAX_DY, STEPS, cubic_transition
from inferlab.methods.lanmdp.context import RollingContext

ACCEPT_LEADING = 0.5
"""A path counts as cubic when the |leading coefficient| of its least-squares cubic is at least this (official)."""


def cubic_fit_metrics(paths: np.ndarray) -> dict[str, float]:
    """Official metrics of paths (N, 21, 2): fit y = p(x), deg 3, to each path (numpy Polynomial.fit on x = -1..1,
    whose window map is the identity there); acc_rate = share with |leading coefficient| >= 0.5; acc_res = mean over
    accepted paths of the mean |p(x) - y| (NaN when none is accepted); res_all = the same over every path."""
    x = -1.0 + DX * np.arange(paths.shape[1])
    leading, residual = [], []
    for y in paths[..., 0].astype(np.float64):
        p = np.polynomial.Polynomial.fit(x, y, deg=3)
        leading.append(abs(p.coef[-1]))
        residual.append(np.abs(p(x) - y).mean())
    accepted = np.asarray(leading) >= ACCEPT_LEADING
    residual = np.asarray(residual)
    return {"acc_rate": float(accepted.mean()),
            "acc_res": float(residual[accepted].mean()) if accepted.any() else float("nan"),
            "res_all": float(residual.mean())}


def roll_out_paths(choose: Callable[[torch.Tensor], torch.Tensor], starts: torch.Tensor, c: int) -> tuple[
        torch.Tensor, torch.Tensor]:
    """Paths from start heights (N,): at each of the 20 steps `choose(context (N, c, 2)) -> dy (N, 1)`, clipped to
    the action box, then the known transition. Returns states (N, 21, 2) and actions (N, 20, 1)."""
    state = torch.stack([starts, torch.full_like(starts, -1.0)], dim=-1)  # (N, 2)
    roller = RollingContext(len(starts), c, 2, starts.device)
    states, actions = [state], []
    for _ in range(STEPS):
        a = choose(roller.push(state)).clamp(-MAX_DY, MAX_DY)
        state = cubic_transition(state, a)
        states.append(state)
        actions.append(a)
    return torch.stack(states, 1), torch.stack(actions, 1)
