"""The cubic path env: gymnasium's checker, the known transition, and demonstrations that the env reproduces."""

import numpy as np
import torch
from gymnasium.utils.env_checker import check_env

from inferlab.data.cubic_paths import cubic_demonstrations
from inferlab.envs.cubic_path import MAX_DY, STEPS, CubicPathEnv, cubic_transition


def test_env_passes_gymnasium_checks_and_truncates_after_twenty_steps():
    env = CubicPathEnv()
    check_env(env, skip_render_check=True)
    obs, _ = env.reset(seed=0, options={"y0": 0.3, "goal": 0.5})
    assert np.allclose(obs, [0.3, -1.0])
    for t in range(STEPS):
        obs, reward, terminated, truncated, _ = env.step(np.array([2.0], np.float32))  # clipped to 0.5
        assert not terminated and truncated == (t == STEPS - 1)
    assert np.allclose(obs, [0.3 + STEPS * MAX_DY, 1.0], atol=1e-5)
    assert reward == -(obs[0] - 0.5) ** 2


def test_demonstrations_follow_the_env_and_stay_in_the_action_box():
    demos = cubic_demonstrations(50, np.random.default_rng(0))
    assert demos.shape == (50, STEPS + 1, 2)
    steps = np.diff(demos[..., 0], axis=1)
    assert np.abs(steps).max() <= MAX_DY
    env = CubicPathEnv()
    obs, _ = env.reset(seed=0, options={"y0": float(demos[0, 0, 0])})
    for a in steps[0]:
        obs, *_ = env.step(np.array([a], np.float32))
    assert np.allclose(obs, demos[0, -1], atol=1e-5)
    nxt = cubic_transition(torch.from_numpy(demos[:, :-1]), torch.from_numpy(steps[..., None]))
    assert torch.allclose(nxt, torch.from_numpy(demos[:, 1:]), atol=1e-5)


def test_one_state_does_not_determine_the_next_step():
    """Curves of both slope signs cross the same state: the Markov state is ambiguous (the task's point)."""
    demos = cubic_demonstrations(400, np.random.default_rng(1))
    y, dy = demos[:, 1, 0], demos[:, 2, 0] - demos[:, 1, 0]  # state at x = -0.9 and the next step
    near = np.abs(y - 0.0) < 0.1
    assert (dy[near] > 0.1).any() and (dy[near] < -0.1).any()
