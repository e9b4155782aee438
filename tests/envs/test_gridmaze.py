import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from inferlab.envs.gridmaze import LAYOUTS, GridMazeEnv, Maze


@pytest.mark.filterwarnings("ignore:.*not having a spec")  # check_env wants a registered env for that check
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_check_env_and_layout_is_connected(layout):
    check_env(GridMazeEnv(layout, render_mode="ansi"), skip_render_check=False)
    maze = Maze(LAYOUTS[layout])
    dist = maze.distances(maze.goal)
    assert all(dist[c] >= 0 for c in maze.free)  # every free cell reaches the goal


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_planner_reaches_random_goals_on_shortest_paths(layout):
    maze, rng = Maze(LAYOUTS[layout]), np.random.default_rng(0)
    for _ in range(20):
        start, target = (maze.free[i] for i in rng.integers(len(maze.free), size=2))
        cell, steps = start, 0
        while cell != target:
            cell = maze.move(cell, maze.planner_action(cell, target, rng))
            steps += 1
        assert steps == maze.distances(target)[start]


def test_planner_policy_in_env_collects_the_optimal_return():
    env = GridMazeEnv("umaze")
    obs, _ = env.reset(seed=0)
    maze, rng, total, truncated = env.maze, np.random.default_rng(0), 0.0, False
    while not truncated:
        obs, reward, terminated, truncated, _ = env.step(maze.planner_action(tuple(obs), maze.goal, rng))
        assert not terminated
        total += reward
    assert total == env.max_steps - maze.distances(maze.goal)[maze.start] + 1


def test_walls_block_and_random_start_is_seeded():
    env = GridMazeEnv("umaze", random_start=True)
    starts = [tuple(env.reset(seed=s)[0]) for s in (1, 1, 2, 3, 4)]
    assert starts[0] == starts[1] and len(set(starts)) > 1
    env = GridMazeEnv("umaze")
    obs, _ = env.reset(seed=0)
    assert tuple(env.step(2)[0]) == tuple(obs)  # 'S' sits on the bottom row: down is a wall


def test_bad_layout_names_the_choices():
    with pytest.raises(ValueError, match="umaze"):
        GridMazeEnv("spiral")
    with pytest.raises(ValueError, match="exactly one 'G'"):
        Maze("####\n#S.#\n####")
    with pytest.raises(ValueError, match="enclosed"):
        Maze("####\n#S.G\n####")
