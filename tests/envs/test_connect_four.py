import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from inferlab.envs.c4_solver import Position
from inferlab.envs.connect_four import ConnectFourEnv


def _play(env: ConnectFourEnv, seed: int, actions_rng: np.random.Generator) -> tuple[list[np.ndarray], float]:
    obs, info = env.reset(seed=seed)
    observations, done, reward = [obs], False, 0.0
    while not done:
        action = int(actions_rng.choice(np.flatnonzero(info["action_mask"])))
        obs, reward, done, truncated, info = env.step(action)
        assert not truncated
        observations.append(obs)
    return observations, reward


@pytest.mark.filterwarnings("ignore:.*not having a spec")  # check_env wants a registered env for that check
@pytest.mark.parametrize("agent_first", [True, False])
def test_check_env(agent_first):
    check_env(ConnectFourEnv(opponent_depth=2, agent_first=agent_first, render_mode="ansi"), skip_render_check=False)


def test_agent_view_and_second_player_start():
    env = ConnectFourEnv(opponent_depth=2, opponent_eps=0.0, agent_first=False)
    obs, info = env.reset(seed=0)
    assert obs.shape == (2, 6, 7) and obs.dtype == np.int8
    assert obs[0].sum() == 0 and obs[1].sum() == 1  # the opponent has moved once
    obs, *_ = env.step(0)
    assert obs[0, 5, 0] == 1 and obs[0].sum() == 1 and obs[1].sum() == 2


def test_illegal_move_is_a_loss():
    env = ConnectFourEnv(opponent_depth=1)
    env.reset(seed=3)
    env.position = Position.from_moves([0, 0, 0, 0, 0, 0])  # column 0 full, the agent (first player) to move
    obs, reward, done, truncated, info = env.step(0)
    assert done and not truncated and reward == -1.0 and info["illegal"] and info["action_mask"][0] == 0
    assert obs.sum() == 6


def test_agent_win_is_plus_one():
    env = ConnectFourEnv(opponent_depth=1)
    env.reset(seed=0)
    env.position = Position.from_moves([0, 1, 0, 1, 0, 1])  # the agent (first player) has three in column 0
    obs, reward, done, _, info = env.step(0)
    assert done and reward == 1.0 and not info["illegal"]
    assert obs[0, 2:, 0].sum() == 4  # the agent's plane, column 0, bottom four rows


def test_filling_the_board_without_four_is_a_draw(endgames):
    env = ConnectFourEnv(opponent_depth=1, agent_first=False)
    env.reset(seed=0)
    env.position = endgames(1, 1, 0)[0]  # 41 stones, the second player (the agent) to move, no win in one
    obs, reward, done, _, _ = env.step(env.position.legal_moves()[0])
    assert done and reward == 0.0 and obs.sum() == 42


def test_rewards_at_game_end_and_strong_opponent_beats_random():
    env = ConnectFourEnv(opponent_depth=3, opponent_eps=0.0)
    rng = np.random.default_rng(0)
    results = [_play(env, seed, rng)[1] for seed in range(8)]
    assert set(results) <= {-1.0, 0.0, 1.0}
    assert np.mean(results) < -0.5


def test_determinism_under_a_seed():
    used, fresh = (ConnectFourEnv(opponent_depth=4, opponent_eps=0.5) for _ in range(2))
    _play(used, 1, np.random.default_rng(0))  # an earlier episode must not change the next one
    runs = [_play(env, 5, np.random.default_rng(1)) for env in (used, fresh)]
    assert len(runs[0][0]) == len(runs[1][0]) and runs[0][1] == runs[1][1]
    assert all(np.array_equal(a, b) for a, b in zip(runs[0][0], runs[1][0]))


def test_render_ansi():
    env = ConnectFourEnv(opponent_depth=1, render_mode="ansi")
    env.reset(seed=0)
    env.step(3)
    text = env.render()
    assert text.splitlines()[-2].count("X") == 1 and text.count("O") == 1
