"""Demonstrations for the cubic path task (envs/cubic_path.py), generated here (the official data file is not public).

Each demonstration is the curve y(x) = y0 + k (x^3 - x) sampled at x = -1, -0.9, ..., 1 (21 states), with
y0 ~ U[-1, 1] and k = sign * U[k_min, k_max], sign = +-1 with equal odds. Its leading coefficient is k (|k| >= 0.5
passes the official acceptance test) and every step |dy| <= 0.171 |k| <= 0.5 stays in the action box.

Why the next step needs more than the last state: every (y, x) is crossed by curves of many slopes k (any
y0 = y - k (x^3 - x) is a valid start), so the step from (y, x) is ambiguous given that state alone; two states
on the curve determine k, and with it every later step. A Markov policy (context 1) can only mix slopes; a policy
that sees the last few states can follow one curve.
"""

from __future__ import annotations

import numpy as np

from inferlab.envs.cubic_path import DX, STEPS


def cubic_demonstrations(n: int, rng: np.random.Generator, *, k_min: float = 0.75,
                         k_max: float = 2.0) -> np.ndarray:
    """n demonstration paths as an array (n, 21, 2) of states (y, x)."""
    x = -1.0 + DX * np.arange(STEPS + 1)  # (21,)
    y0 = rng.uniform(-1.0, 1.0, size=(n, 1))
    k = rng.choice([-1.0, 1.0], size=(n, 1)) * rng.uniform(k_min, k_max, size=(n, 1))
    y = y0 + k * (x**3 - x)  # (n, 21)
    return np.stack([y, np.broadcast_to(x, y.shape)], axis=-1).astype(np.float32)
