import h5py
import numpy as np
import pytest

from inferlab.data.offline_rl import (
    Trajectory, connect_four_dataset, d4rl_normalized_score, load_d4rl_hdf5, load_d4rl_npz, maze_dataset,
    to_d4rl_arrays,
)
from inferlab.envs.gridmaze import LAYOUTS, MAX_STEPS, Maze
from inferlab.errors import UserError


def _arrays() -> dict[str, np.ndarray]:
    """7 steps: a terminal after step 2, a timeout after step 4, and two trailing steps without a flag."""
    return {
        "observations": np.arange(14, dtype=np.float32).reshape(7, 2),
        "actions": np.arange(7, dtype=np.float32).reshape(7, 1),
        "rewards": np.arange(7, dtype=np.float32),
        "terminals": np.array([0, 0, 1, 0, 0, 0, 0], dtype=bool),
        "timeouts": np.array([0, 0, 0, 0, 1, 0, 0], dtype=bool),
    }


def _write_hdf5(path, arrays):
    with h5py.File(path, "w") as f:
        for k, v in arrays.items():
            f.create_dataset(k, data=v)
        f.create_group("infos").create_dataset("qpos", data=np.zeros((3, 3)))
    return path


def _check_split(trajs):
    assert [len(t) for t in trajs] == [3, 2, 2]
    assert [t.terminated for t in trajs] == [True, False, False]
    assert [t.ret for t in trajs] == [3.0, 7.0, 11.0]
    assert trajs[1].observations.tolist() == [[6.0, 7.0], [8.0, 9.0]] and trajs[2].actions.shape == (2, 1)


def test_hdf5_and_npz_split_at_terminals_and_timeouts(tmp_path):
    _check_split(load_d4rl_hdf5(_write_hdf5(tmp_path / "d.hdf5", _arrays())))
    np.savez(tmp_path / "d.npz", **_arrays())
    _check_split(load_d4rl_npz(tmp_path / "d.npz"))


def test_timeouts_are_optional(tmp_path):
    arrays = _arrays()
    del arrays["timeouts"]
    np.savez(tmp_path / "d.npz", **arrays)
    assert [len(t) for t in load_d4rl_npz(tmp_path / "d.npz")] == [3, 4]


def test_generated_dataset_round_trips_through_files(tmp_path):
    trajs = maze_dataset("umaze", np.random.default_rng(0), n_episodes=3, episode_len=10)
    np.savez(tmp_path / "m.npz", **to_d4rl_arrays(trajs))
    _write_hdf5(tmp_path / "m.hdf5", to_d4rl_arrays(trajs))
    for loaded in (load_d4rl_npz(tmp_path / "m.npz"), load_d4rl_hdf5(tmp_path / "m.hdf5")):
        assert len(loaded) == 3
        for a, b in zip(trajs, loaded):
            assert np.array_equal(a.observations, b.observations) and np.array_equal(a.rewards, b.rewards)
            assert np.array_equal(a.actions, b.actions) and a.terminated == b.terminated


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.pop("terminals"), "no 'terminals' array"),
        (lambda a: a.update(actions=np.zeros((6, 1))), "one row per step"),
        (lambda a: a.update(rewards=np.zeros((7, 2))), "one-dimensional"),
        (lambda a: a.update(rewards=np.float32(1.0)), "one-dimensional"),
        (lambda a: a.update({k: v[:0] for k, v in a.items()}), "no steps"),
        (lambda a: a.update(observations=np.array([b"x"] * 7)), "numbers or booleans"),
    ],
)
def test_bad_contents_raise_user_error(tmp_path, change, message):
    arrays = _arrays()
    change(arrays)
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(UserError, match=message):
        load_d4rl_npz(tmp_path / "bad.npz")
    with pytest.raises(UserError, match=message):
        load_d4rl_hdf5(_write_hdf5(tmp_path / "bad.hdf5", arrays))


def test_bad_files_raise_user_error(tmp_path):
    (tmp_path / "junk.hdf5").write_bytes(b"not hdf5")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    np.save(tmp_path / "one.npy", np.zeros(3))
    np.savez(tmp_path / "obj.npz", observations=np.array([{"a": 1}], dtype=object))
    with pytest.raises(UserError, match="as HDF5"):
        load_d4rl_hdf5(tmp_path / "junk.hdf5")
    with pytest.raises(UserError, match="npz archive"):
        load_d4rl_npz(tmp_path / "junk.npz")
    with pytest.raises(UserError, match="single array"):
        load_d4rl_npz(tmp_path / "one.npy")
    with pytest.raises(UserError, match="Cannot read the arrays"):
        load_d4rl_npz(tmp_path / "obj.npz")
    with pytest.raises(UserError, match="does not exist"):
        load_d4rl_hdf5(tmp_path / "missing.hdf5")
    with pytest.raises(UserError, match="is a directory"):
        load_d4rl_npz(tmp_path)


def test_d4rl_normalized_score():
    assert d4rl_normalized_score("hopper-medium-v2", 3234.3) == pytest.approx(100.0)
    assert d4rl_normalized_score("halfcheetah", -280.178953) == pytest.approx(0.0)
    scores = d4rl_normalized_score("walker2d-expert-v2", np.array([1.629008, (1.629008 + 4592.3) / 2]))
    assert np.allclose(scores, [0.0, 50.0])
    with pytest.raises(UserError, match="hopper"):
        d4rl_normalized_score("ant-medium-v2", 1.0)


def test_maze_dataset_shapes_rewards_and_determinism():
    trajs = maze_dataset("medium", np.random.default_rng(3), n_episodes=20)
    again = maze_dataset("medium", np.random.default_rng(3), n_episodes=20)
    maze = Maze(LAYOUTS["medium"])
    assert len(trajs) == 20 and all(len(t) == MAX_STEPS["medium"] and not t.terminated for t in trajs)
    t = trajs[0]
    assert t.observations.shape == (len(t), 2) and t.observations.dtype == np.int64
    assert t.actions.dtype == np.int64 and t.rewards.dtype == np.float32
    for a, b in zip(trajs, again):
        assert np.array_equal(a.observations, b.observations) and np.array_equal(a.actions, b.actions)
    flat = to_d4rl_arrays(trajs)
    obs, act = flat["observations"], flat["actions"]
    for i in range(len(obs) - 1):  # consecutive steps follow the maze dynamics (one continuous walk)
        assert maze.move(tuple(obs[i]), int(act[i])) == tuple(obs[i + 1])
    nxt = [tuple(o) for o in obs[1:]]
    assert np.array_equal(flat["rewards"][:-1], [float(c == maze.goal) for c in nxt])
    best = MAX_STEPS["medium"] - maze.distances(maze.goal)[maze.start] + 1
    assert max(t.ret for t in trajs) < best / 4  # suboptimal: a good episode needs stitching


def test_maze_dataset_bad_arguments():
    with pytest.raises(UserError, match="umaze"):
        maze_dataset("spiral", np.random.default_rng(0))
    with pytest.raises(UserError, match="not a free cell"):
        maze_dataset("umaze", np.random.default_rng(0), eval_goal=(0, 0))
    with pytest.raises(UserError, match="episode_len >= 1"):
        maze_dataset("umaze", np.random.default_rng(0), episode_len=0)


def test_connect_four_dataset():
    games = connect_four_dataset(6, np.random.default_rng(0), opponent_depth=2, opponent_eps=0.3)
    again = connect_four_dataset(6, np.random.default_rng(0), opponent_depth=2, opponent_eps=0.3)
    for g, h in zip(games, again):
        assert isinstance(g, Trajectory) and g.terminated
        assert g.observations.shape == (len(g), 2, 6, 7) and g.observations.dtype == np.int8
        assert g.actions.dtype == np.int64 and g.rewards.dtype == np.float32
        assert np.all(g.rewards[:-1] == 0) and g.ret in (-1.0, 0.0, 1.0)
        assert np.array_equal(g.observations, h.observations) and np.array_equal(g.actions, h.actions)
        counts = g.observations.sum(axis=(2, 3))  # agent stones, opponent stones before each agent move
        assert np.all(np.diff(counts[:, 0]) == 1)
        assert np.all(g.observations[np.arange(len(g)), :, 0, g.actions].sum(axis=1) == 0)  # legal moves only
    assert {g.observations[0, 1].sum() for g in games} == {0, 1}  # both first and second-player games
