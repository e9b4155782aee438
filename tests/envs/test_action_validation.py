"""An action outside the action space is a ValueError in every environment we own or wrap."""

from __future__ import annotations

import numpy as np
import pytest

from inferlab.data.locomotion import make_locomotion_env
from inferlab.data.pointmaze import make_pointmaze_env, pointmaze_dataset
from inferlab.envs import ConnectFourEnv, GridMazeEnv
from inferlab.errors import UserError


@pytest.mark.parametrize("action,message", [(-1, "outside the action space"), (5, "outside the action space"),
                                            (1.5, "whole number"), ("up", "whole number"), ([1], "whole number")])
def test_gridmaze_refuses_actions_outside_its_space(action, message):
    env = GridMazeEnv("umaze")
    env.reset(seed=0)
    with pytest.raises(ValueError, match=message):
        env.step(action)
    assert env.steps == 0
    env.step(np.int64(3))  # numpy integers are fine


def test_connect_four_refuses_a_column_that_does_not_exist():
    env = ConnectFourEnv()
    env.reset(seed=0)
    for action in (-1, 7):
        with pytest.raises(ValueError, match="allowed are 0 to 6"):
            env.step(action)


@pytest.mark.parametrize("make", [lambda: make_pointmaze_env("umaze"),
                                  lambda: make_locomotion_env("hopper", max_episode_steps=5)])
def test_continuous_envs_refuse_nan_out_of_bounds_and_misshaped_actions(make):
    env = make()
    env.reset(seed=0)
    shape = env.action_space.shape
    for action, message in ((np.full(shape, np.nan), "not finite"), (np.full(shape, 1.5), "outside the action space"),
                            (np.zeros(shape[0] + 1), "shape")):
        with pytest.raises(ValueError, match=message):
            env.step(action)
    obs, *_ = env.step(np.zeros(shape))
    assert np.isfinite(obs).all()


@pytest.mark.parametrize("noise", [float("nan"), float("inf"), -0.1])
def test_pointmaze_dataset_refuses_bad_action_noise(noise):
    with pytest.raises(UserError, match="action_noise"):
        pointmaze_dataset("umaze", np.random.default_rng(0), n_steps=50, action_noise=noise)
