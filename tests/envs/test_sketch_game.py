import numpy as np
import pytest
import torch
from pettingzoo.test import parallel_api_test

from inferlab.data.sketch import make_sketch_data
from inferlab.envs.sketch_game import SketchGameEnv, choice_reward


@pytest.fixture(scope="module")
def data():
    return make_sketch_data(n_categories=6, n_unseen_categories=3, n_instances=3, n_seen_instances=2, size=16,
                            seed=0)


def test_env_passes_the_pettingzoo_parallel_api_test(data):
    env = SketchGameEnv(data, max_rounds=3)
    parallel_api_test(env, num_cycles=40)  # raises AssertionError on any API violation
    assert set(env.possible_agents) == {"sender", "receiver"}


def _play(env, seed, strokes, choices):
    obs, _ = env.reset(seed=seed)
    frames, rewards = [obs["receiver"]["photos"].copy()], []
    for s, c in zip(strokes, choices):
        obs, _, _, _, _ = env.step({"sender": s, "receiver": 0})
        frames.append(obs["receiver"]["canvas"].copy())
        _, rew, term, trunc, _ = env.step({"sender": s, "receiver": c})
        rewards.append(rew.get("receiver"))
        if not env.agents:
            break
    return frames, rewards


def test_a_seeded_game_is_identical_every_time(data):
    strokes = np.random.default_rng(0).uniform(size=(2, 5, 6)).astype(np.float32)
    a = _play(SketchGameEnv(data), 3, strokes, [3, 3])
    b = _play(SketchGameEnv(data), 3, strokes, [3, 3])
    assert all(np.array_equal(x, y) for x, y in zip(a[0], b[0])) and a[1] == b[1]


def test_rewards_follow_the_official_rules(data):
    env = SketchGameEnv(data, max_rounds=2, step_cost=0.1)
    _, info = env.reset(seed=5)
    target, wrong = info["receiver"]["target"], (info["receiver"]["target"] + 1) % 3
    still = np.zeros((5, 6), np.float32)
    _, rewards = _play(env, 5, [still, still], [3, target])
    assert rewards == pytest.approx([-0.1, 1.0])
    _, rewards = _play(env, 5, [still], [wrong])
    assert rewards == [-1.0] and env.agents == []
    _, rewards = _play(env, 5, [still, still, still], [3, 3, 3])  # waiting through the last round truncates
    assert rewards == pytest.approx([-0.1, -0.1])
    assert choice_reward(torch.tensor([0, 1, 3]), torch.tensor([0, 0, 0]), 0.0).tolist() == [1.0, -1.0, -0.0]
