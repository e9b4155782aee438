from __future__ import annotations

import os

import gymnasium as gym
import numpy as np
import pytest

from inferlab.envs.gridmaze import MAX_STEPS, GridMazeEnv
from inferlab.errors import UserError
from inferlab.envs.rollout import flat_observation, return_stats, rollout_episodes


class NoisyPlanner:
    """BFS planner to the goal taking a random action with probability eps; re-seeded per episode by a counter."""

    def __init__(self, env: GridMazeEnv, eps: float, seed: int) -> None:
        self.maze, self.eps, self.seed, self.episode = env.maze, eps, seed, 0
        self.rng = np.random.default_rng(seed)

    def reset(self) -> None:
        self.rng = np.random.default_rng([self.seed, self.episode])
        self.episode += 1

    def act(self, obs: np.ndarray) -> int:
        if self.rng.random() < self.eps:
            return int(self.rng.integers(5))
        return self.maze.planner_action(tuple(int(v) for v in obs), self.maze.goal, self.rng)


def test_rollouts_are_reproducible_under_the_seed_and_bounded_by_the_time_limit():
    def run(seed):
        env = GridMazeEnv("medium", random_start=True)
        return rollout_episodes(env, NoisyPlanner(env, eps=0.3, seed=1), episodes=6, seed=seed)

    a, b, c = run(10), run(10), run(11)
    assert [t.ret for t in a] == [t.ret for t in b]
    assert all(np.array_equal(x.observations, y.observations) and np.array_equal(x.actions, y.actions)
               for x, y in zip(a, b))
    assert any(not np.array_equal(x.observations[0], y.observations[0]) for x, y in zip(a, c))  # seeded starts
    for t in a:
        assert len(t) == MAX_STEPS["medium"] and not t.terminated
        assert t.observations.shape == (len(t), 2) and t.actions.shape == (len(t),) and t.rewards.dtype == np.float32
    # the noisy planner reaches the goal in every episode, but later than the optimal policy
    assert all(0 < t.ret < MAX_STEPS["medium"] for t in a)


def test_first_observation_is_the_reset_state_and_rewards_follow_the_env():
    env = GridMazeEnv("umaze")
    (t,) = rollout_episodes(env, NoisyPlanner(env, eps=0.0, seed=0), episodes=1, seed=0)
    assert tuple(t.observations[0]) == env.maze.start
    on_goal = np.all(np.roll(t.observations, -1, axis=0)[:-1] == env.maze.goal, axis=1)
    np.testing.assert_array_equal(t.rewards[:-1], on_goal.astype(np.float32))
    assert t.ret == MAX_STEPS["umaze"] - 10  # S to G takes 11 steps on the U-maze: reward on steps 11..60


def test_max_steps_caps_the_episode_and_stats_summarise_returns():
    env = GridMazeEnv("umaze")
    trajs = rollout_episodes(env, NoisyPlanner(env, eps=0.0, seed=0), episodes=3, seed=0, max_steps=12)
    assert [len(t) for t in trajs] == [12, 12, 12] and not any(t.terminated for t in trajs)
    stats = return_stats(trajs)
    assert stats["return_mean"] == pytest.approx(2.0) and stats["return_std"] == 0.0
    assert stats["success_rate"] == 1.0 and stats["length_mean"] == 12.0
    short = rollout_episodes(env, NoisyPlanner(env, eps=0.0, seed=0), episodes=2, seed=0, max_steps=5)
    assert return_stats(short)["success_rate"] == 0.0


def test_goal_env_dict_observations_are_stored_flat():
    import gymnasium_robotics

    gym.register_envs(gymnasium_robotics)
    env = gym.make("PointMaze_UMaze-v3")
    os.remove(env.unwrapped.tmp_xml_file_path)  # gymnasium-robotics leaves its generated MJCF file behind

    class Still:
        def reset(self) -> None:
            pass

        def act(self, obs):
            assert isinstance(obs, dict)  # the policy sees the env's own observation
            return np.zeros(2, dtype=np.float32)

    (t,) = rollout_episodes(env, Still(), episodes=1, seed=3, max_steps=4)
    assert t.observations.shape == (4, 4) and t.actions.shape == (4, 2)
    with pytest.raises(UserError, match="'observation' key"):
        flat_observation({"pixels": np.zeros(3)})


def test_bad_arguments_raise_user_errors():
    env = GridMazeEnv("umaze")
    with pytest.raises(UserError, match="episodes >= 1"):
        rollout_episodes(env, NoisyPlanner(env, 0.0, 0), episodes=0, seed=0)
    with pytest.raises(UserError, match="at least one trajectory"):
        return_stats([])
