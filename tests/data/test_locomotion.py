from __future__ import annotations

import numpy as np
import pytest

from inferlab.data.locomotion import (
    ClockLinearPolicy,
    locomotion_dataset,
    locomotion_normalized_score,
    make_locomotion_env,
)
from inferlab.data.offline_rl import d4rl_normalized_score, load_d4rl_hdf5, save_d4rl_hdf5
from inferlab.errors import UserError
from inferlab.envs.rollout import rollout_episodes


@pytest.mark.filterwarnings("ignore:.*settotalmass")
def test_hopper_dataset_spends_the_budget_is_reproducible_and_spreads_returns():
    a = locomotion_dataset("hopper", np.random.default_rng(0), n_steps=2500)
    b = locomotion_dataset("Hopper-v5", np.random.default_rng(0), n_steps=2500)
    assert sum(len(t) for t in a) == 2500
    assert len(a) == len(b) and all(np.array_equal(x.observations, y.observations) for x, y in zip(a, b))
    t = a[0]
    assert t.observations.shape == (len(t), 11) and t.observations.dtype == np.float32
    assert t.actions.shape == (len(t), 3) and t.actions.dtype == np.float32 and np.abs(t.actions).max() <= 1.0
    assert sum(t.terminated for t in a) >= len(a) - 1  # hoppers fall; only the budget cut may end otherwise
    returns = np.array([t.ret for t in a])
    assert returns.max() - returns.min() > 50
    first, last = returns[:8].mean(), returns[-9:-1].mean()  # the search improves on its random start
    assert last > first


@pytest.mark.filterwarnings("ignore:.*settotalmass")
def test_halfcheetah_episodes_hit_the_time_limit_and_round_trip_through_hdf5(tmp_path):
    trajs = locomotion_dataset("halfcheetah", np.random.default_rng(1), n_steps=450, max_episode_steps=100)
    assert [len(t) for t in trajs] == [100, 100, 100, 100, 50] and not any(t.terminated for t in trajs)
    loaded = load_d4rl_hdf5(save_d4rl_hdf5(trajs, tmp_path / "cheetah.hdf5"))
    assert len(loaded) == len(trajs)
    for x, y in zip(trajs, loaded):
        np.testing.assert_array_equal(x.observations, y.observations)
        np.testing.assert_array_equal(x.actions, y.actions)
        np.testing.assert_array_equal(x.rewards, y.rewards)
        assert x.terminated == y.terminated


@pytest.mark.filterwarnings("ignore:.*settotalmass")
def test_walker_clock_policy_runs_in_the_env_and_scores_use_d4rl_references():
    env = make_locomotion_env("walker2d", max_episode_steps=30)
    assert env.spec.id == "Walker2d-v5" and env.observation_space.shape == (17,)
    policy = ClockLinearPolicy(np.zeros((6, 20)), period_steps=62.5)
    (t,) = rollout_episodes(env, policy, 1, seed=0)
    assert len(t) == 30 and np.all(t.actions == 0.0)  # zero weights: no torque
    assert locomotion_normalized_score("walker2d", 1000.0) == pytest.approx(d4rl_normalized_score("walker2d", 1000.0))
    assert locomotion_normalized_score("hopper-v5", 3234.3) == pytest.approx(100.0)


def test_bad_arguments_raise_user_errors(tmp_path):
    with pytest.raises(UserError, match="choose one of hopper, halfcheetah, walker2d"):
        make_locomotion_env("ant")
    with pytest.raises(UserError, match="elites <= population"):
        locomotion_dataset("hopper", np.random.default_rng(0), n_steps=10, elites=9)
    with pytest.raises(UserError, match="at least one"):
        save_d4rl_hdf5([], tmp_path / "x.hdf5")


def test_cli_writes_a_d4rl_file(tmp_path):
    import json

    from cli_helpers import run_cli

    out = tmp_path / "hopper.hdf5"
    proc = run_cli("data", "locomotion", "--env", "hopper", "--steps", "300", "--out", str(out), "--no-progress",
                   check=True)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    trajs = load_d4rl_hdf5(out)
    assert figures["episodes"] == len(trajs) and sum(len(t) for t in trajs) == 300
    assert figures["return_max"] == pytest.approx(max(t.ret for t in trajs), abs=1e-3)
    assert "success_rate" not in figures
