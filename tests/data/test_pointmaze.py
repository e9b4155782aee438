from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from inferlab.data.pointmaze import (
    EVAL_GOAL,
    MAZES,
    REF_EXPERT,
    START,
    TIME_LIMIT,
    WaypointController,
    cell_to_xy,
    free_cells,
    make_pointmaze_env,
    pointmaze_dataset,
    pointmaze_normalized_score,
    reference_returns,
    xy_to_cell,
)
from inferlab.errors import UserError


@pytest.mark.filterwarnings("ignore:.*not having a spec", "ignore:.*infinity")  # positions/velocities unbounded
@pytest.mark.parametrize("maze", ["umaze", "medium"])
def test_env_passes_check_env_and_has_the_time_limit(maze):
    env = make_pointmaze_env(maze)
    check_env(env.unwrapped)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (4,) and obs.dtype == np.float32
    assert xy_to_cell(env.unwrapped.maze_map, obs[:2]) == START[maze]
    steps, truncated = 0, False
    while not truncated:
        obs, reward, terminated, truncated, _ = env.step(env.action_space.sample())
        assert not terminated and reward == 0.0  # random actions never reach the far goal
        steps += 1
    assert steps == TIME_LIMIT[maze]


def test_cell_coordinates_round_trip():
    maze_map = MAZES["medium"]
    for cell in free_cells(maze_map):
        assert xy_to_cell(maze_map, cell_to_xy(maze_map, cell)) == cell
    np.testing.assert_allclose(cell_to_xy(maze_map, (0, 0)), [-3.5, 3.5])  # 8 x 8 map centred on the origin


def test_controller_path_follows_free_neighbouring_cells():
    maze_map = MAZES["medium"]
    controller = WaypointController(maze_map, np.random.default_rng(0))
    controller.set_target(cell_to_xy(maze_map, START["medium"]), EVAL_GOAL["medium"])
    cells = [START["medium"]] + [xy_to_cell(maze_map, w + 0.1) for w in controller.waypoints]
    assert cells[-1] == EVAL_GOAL["medium"] and all(c in free_cells(maze_map) for c in cells)
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in zip(cells, cells[1:]))
    assert len(cells) - 1 == 10  # the shortest route from (1, 1) to (6, 6) in the medium maze


def test_dataset_shapes_reproducibility_and_spread_of_returns():
    a = pointmaze_dataset("umaze", np.random.default_rng(0), n_steps=6000, episode_len=100)
    b = pointmaze_dataset("umaze", np.random.default_rng(0), n_steps=6000, episode_len=100)
    assert len(a) == 60 and all(len(t) == 100 and not t.terminated for t in a)
    t = a[0]
    assert t.observations.shape == (100, 4) and t.observations.dtype == np.float32
    assert t.actions.shape == (100, 2) and t.actions.dtype == np.float32 and np.abs(t.actions).max() <= 1.0
    assert all(np.array_equal(x.observations, y.observations) and np.array_equal(x.rewards, y.rewards)
               for x, y in zip(a, b))
    returns = np.array([t.ret for t in a])
    assert (returns == 0).sum() >= 10 and (returns > 0).sum() >= 5  # returns vary across episodes
    assert returns.max() < 100  # no 100-step episode sits at the goal throughout: the walk keeps moving
    cells = {xy_to_cell(MAZES["umaze"], o[:2]) for t in a for o in t.observations}
    assert len(cells) == 7  # the walk visits every free cell of the U


def test_dataset_transitions_and_rewards_match_the_env():
    (episode,) = pointmaze_dataset("medium", np.random.default_rng(3), n_steps=600, action_noise=0.3)
    env = make_pointmaze_env("medium").unwrapped
    env.reset(seed=0)
    for t in range(0, 599, 37):
        env.sim.point_env.set_state(episode.observations[t, :2].astype(np.float64),
                                    episode.observations[t, 2:].astype(np.float64))
        obs, reward, *_ = env.step(episode.actions[t])
        np.testing.assert_allclose(obs, episode.observations[t + 1], atol=1e-5)
        assert reward == episode.rewards[t]
        env.sim.point_env.set_state(cell_to_xy(env.maze_map, EVAL_GOAL["medium"]) + [0.3, -0.2], np.zeros(2))
        assert env.step(np.zeros(2, dtype=np.float32))[1] == 1.0  # within GOAL_RADIUS of the goal's centre


def test_reference_returns_are_remeasured_and_scores_normalise():
    measured = reference_returns("umaze", episodes=3)
    assert measured["random"] == 0.0
    assert measured["expert"] == pytest.approx(REF_EXPERT["umaze"], abs=8.0)
    assert pointmaze_normalized_score("umaze", REF_EXPERT["umaze"]) == pytest.approx(100.0)
    np.testing.assert_allclose(pointmaze_normalized_score("medium", np.array([0.0, REF_EXPERT["medium"] / 2])),
                               [0.0, 50.0])


def test_bad_arguments_raise_user_errors():
    with pytest.raises(UserError, match="choose one of umaze, medium"):
        make_pointmaze_env("large")
    with pytest.raises(UserError, match="choose one of umaze, medium"):
        pointmaze_dataset("maze2d", np.random.default_rng(0), n_steps=10)
    with pytest.raises(UserError, match="not a free cell"):
        make_pointmaze_env("umaze", eval_goal=(2, 1))
    with pytest.raises(UserError, match="start cell"):
        pointmaze_dataset("umaze", np.random.default_rng(0), n_steps=10, eval_goal=START["umaze"])
    with pytest.raises(UserError, match="n_steps >= 1"):
        pointmaze_dataset("umaze", np.random.default_rng(0), n_steps=0)


def test_cli_writes_a_d4rl_file(tmp_path):
    import json

    from cli_helpers import run_cli

    from inferlab.data.offline_rl import load_d4rl_hdf5

    out = tmp_path / "pm.hdf5"
    proc = run_cli("data", "pointmaze", "--maze", "umaze", "--steps", "900", "--out", str(out), "--no-progress",
                   check=True)
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    trajs = load_d4rl_hdf5(out)
    assert figures["episodes"] == len(trajs) == 3 and [len(t) for t in trajs] == [300, 300, 300]
    assert figures["return_mean"] == pytest.approx(np.mean([t.ret for t in trajs]), abs=1e-3)
    bad = run_cli("data", "pointmaze", "--steps", "0", "--out", str(tmp_path / "other.hdf5"))
    assert bad.returncode == 2 and "--steps" in bad.stderr and "below 1" in bad.stderr
    assert not (tmp_path / "other.hdf5").exists()
