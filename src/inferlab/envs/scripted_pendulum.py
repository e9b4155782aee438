"""A scripted expert for gymnasium's InvertedDoublePendulum-v5: LQR on the dynamics linearised at the upright pose.

Observation (v5): cart x, sin q1, sin q2, cos q1, cos q2, velocities (x', q1', q2') clipped to +-10, one constraint
force. The state z = (x, q1, q2, x', q1', q2') is read from it (q = atan2(sin, cos)). One env step (frame_skip
MuJoCo steps with the control held) is linearised at z = 0, u = 0 by central differences of the simulator itself:
z_{t+1} ≈ A z_t + B u_t. The gain K solves the discrete-time LQR with costs Q = diag(1, 10, 10, 0.1, 0.1, 0.1),
R = 1 (Riccati equation P = A'PA - A'PB (R + B'PB)^-1 B'PA + Q, K = (R + B'PB)^-1 B'PA), and the action is
clip(-K z, -1, 1). It balances for the whole 1000-step episode from the env's reset noise (return about 9360
against about 49 for uniform random actions, which fall after about 6 steps).
"""

from __future__ import annotations

import gymnasium as gym
import mujoco
import numpy as np
import scipy.linalg

STATE_COST = (1.0, 10.0, 10.0, 0.1, 0.1, 0.1)
ACTION_COST = 1.0


def linearise_upright(env: gym.Env, eps: float = 1e-5) -> tuple[np.ndarray, np.ndarray]:
    """(A, B) of one env step at qpos = qvel = 0, ctrl = 0, by central differences through MuJoCo (a scratch
    MjData: the env's own state is not touched)."""
    model, skip = env.unwrapped.model, env.unwrapped.frame_skip
    data, nq = mujoco.MjData(model), model.nq

    def step(z: np.ndarray, u: np.ndarray) -> np.ndarray:
        mujoco.mj_resetData(model, data)
        data.qpos[:], data.qvel[:], data.ctrl[:] = z[:nq], z[nq:], u
        mujoco.mj_step(model, data, nstep=skip)
        return np.concatenate([data.qpos, data.qvel])

    z0, u0 = np.zeros(nq + model.nv), np.zeros(model.nu)
    a = np.stack([(step(z0 + eps * e, u0) - step(z0 - eps * e, u0)) / (2 * eps) for e in np.eye(len(z0))], 1)
    b = np.stack([(step(z0, u0 + eps * e) - step(z0, u0 - eps * e)) / (2 * eps) for e in np.eye(model.nu)], 1)
    return a, b


def lqr_gain(a: np.ndarray, b: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
    """K of the infinite-horizon discrete LQR: u = -K z minimises sum z'Qz + u'Ru under z' = Az + Bu."""
    p = scipy.linalg.solve_discrete_are(a, b, q, r)
    return np.linalg.solve(r + b.T @ p @ b, b.T @ p @ a)


class DoublePendulumExpert:
    """Policy (envs.rollout.Policy) for InvertedDoublePendulum-v5; deterministic."""

    def __init__(self, env: gym.Env):
        a, b = linearise_upright(env)
        self.gain = lqr_gain(a, b, np.diag(STATE_COST), np.array([[ACTION_COST]]))

    def reset(self) -> None:
        pass

    def act(self, obs: np.ndarray) -> np.ndarray:
        z = np.concatenate([obs[:1], np.arctan2(obs[1:3], obs[3:5]), obs[5:8]])
        return np.clip(-self.gain @ z, -1.0, 1.0).astype(np.float32)
