"""The LQR expert for InvertedDoublePendulum-v5: it balances where random actions fall at once."""

import gymnasium as gym
import numpy as np

from inferlab.envs.rollout import rollout_episodes
from inferlab.envs.scripted_pendulum import DoublePendulumExpert, linearise_upright


def test_linearisation_is_unstable_open_loop_and_stable_under_the_lqr_gain():
    env = gym.make("InvertedDoublePendulum-v5")
    a, b = linearise_upright(env)
    assert a.shape == (6, 6) and b.shape == (6, 1)
    assert np.abs(np.linalg.eigvals(a)).max() > 1.0  # the upright pose falls without control
    gain = DoublePendulumExpert(env).gain
    assert np.abs(np.linalg.eigvals(a - b @ gain)).max() < 1.0  # closed loop z' = (A - BK) z is stable


def test_expert_balances_for_the_whole_episode_and_random_actions_fall():
    env = gym.make("InvertedDoublePendulum-v5", max_episode_steps=100)
    expert = rollout_episodes(env, DoublePendulumExpert(env), 3, seed=0)
    assert [len(t) for t in expert] == [100] * 3 and not any(t.terminated for t in expert)
    assert min(t.ret for t in expert) > 900  # about 9.36 per step

    class Random:
        rng = np.random.default_rng(0)

        def reset(self):
            pass

        def act(self, obs):
            return self.rng.uniform(-1, 1, 1)

    falls = rollout_episodes(env, Random(), 3, seed=0)
    assert all(t.terminated and len(t) < 30 for t in falls)
