import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from inferlab.envs.halma import (RULES, TRAIN_PIVOTS, HalmaEnv, Space, generate_split, move_action, oracle_action,
                                 oracle_episode, random_episode, space_digest)
from inferlab.envs.halma.panel import STYLES, digit_glyphs, panel_contents
from inferlab.envs.halma.rules import REACHABLE_DISTANCES, option_value

@pytest.mark.filterwarnings("ignore:.*not having a spec")
def test_check_env():
    check_env(HalmaEnv("train", count=4, render_mode="rgb_array"), skip_render_check=False)


def test_seeded_spaces_are_identical_on_every_machine():
    spaces = generate_split("train", 0, 8)
    assert spaces == generate_split("train", 0, 8) and spaces != generate_split("train", 1, 8)
    assert generate_split("perceptual", 0, 8) == spaces
    assert space_digest(spaces)[:16] == "a867264424fb96e3"  # numpy's PCG64 streams are the same everywhere


def test_options_and_super_halma_moves():
    assert option_value((1, 2, 3)) == 6 and option_value((2, 3, 0)) == 4 and option_value((0, 1, 2)) == 0
    assert REACHABLE_DISTANCES == [1, 2, 3, 4, 5, 6, 8]
    space = Space(7, frozenset({(3, 5), (3, 1), (1, 3)}), (3, 3), (0, 0))
    assert space.landing((3, 3), 1, 1) == (3, 4)  # a step into an empty hole
    assert space.landing((3, 3), 1, 4) is None  # landing at (3, 7): off the board
    assert space.landing((3, 3), 3, 4) is None  # pivot (3, 1) 2 away, landing (3, -1) off the board
    assert space.landing((3, 2), 3, 2) == (3, 0) and space.landing((3, 2), 3, 1) is None  # over it; into it
    assert space.landing((3, 0), 1, 2) == (3, 2)  # over the adjacent pawn
    assert space.landing((3, 3), 0, 4) is None and space.landing((3, 3), 0, 3) is None  # pivot at 2, but 4 is off
    assert space.landing((4, 3), 0, 6) is None  # pivot (1, 3) 3 away, landing (-2, 3) off the board
    assert Space(7, frozenset({(3, 3)}), (0, 3), (6, 3)).landing((0, 3), 2, 6) == (6, 3)  # a jump of 6
    assert space.landing((3, 3), 2, 2) is None  # no pawn to jump over


def test_every_space_is_solvable_and_the_oracle_walks_its_solution():
    for split in ("train", "conceptual", "algorithmic"):
        rule = RULES[split]
        for space in generate_split(split, 3, 6):
            steps, success = oracle_episode(space, rule.trial_steps)
            assert success.all() and rule.moves[0] <= steps[0] <= rule.moves[1]
            env = HalmaEnv(split, spaces=[space])
            env.reset(seed=0)
            for _ in range(steps[0]):
                _, reward, _, _, info = env.step(oracle_action(space, env.cell))
                assert info["valid"]
            assert reward == 1.0 and info["trial"] == 1 and info["trial_steps"] == [steps[0]]


def test_held_out_pivots_never_occur_in_train_and_conceptual_needs_them():
    for space in generate_split("train", 0, 40) + generate_split("algorithmic", 0, 5):
        assert space.jump_pivots() <= TRAIN_PIVOTS  # no jump of 6 or 8 is ever possible in train
    for space in generate_split("conceptual", 0, 10):
        restricted = space.solution(max_pivot=max(TRAIN_PIVOTS))
        assert restricted is None or len(restricted) > len(space.solution())
        assert 3 in space.jump_pivots() or 4 in space.jump_pivots()


def test_perceptual_glyphs_and_colours_are_held_out():
    train, held = digit_glyphs("train"), digit_glyphs("test")
    for d in range(10):
        flat = {g.tobytes() for g in train[d]}
        assert not any(g.tobytes() in flat for g in held[d])
    assert STYLES["train"].pawn != STYLES["held_out"].pawn


def test_panel_shows_nearest_pawns_walls_and_goal_offset():
    space = Space(7, frozenset({(3, 5)}), (3, 3), (1, 3))
    contents = panel_contents(space, (3, 3))
    assert contents[(2, 2)] == ("pawn", 2) and contents[(1, 1)] == ("wall", 4)
    assert contents[(0, 0)] == ("goal", "up") and contents[(0, 1)] == ("goal", 2)
    assert contents[(0, 2)] == ("goal", "ring") and (0, 3) not in contents


def test_trials_counters_memo_and_invalid_moves_stay():
    space = Space(7, frozenset({(3, 4)}), (3, 3), (3, 5))
    env = HalmaEnv("train", spaces=[space], trial_steps=4)
    obs, _ = env.reset(seed=0)
    assert obs["counters"].tolist() == [4, 3, 12]
    obs, reward, _, _, info = env.step(move_action(1, 1))  # a step into the pawn: invalid, stays
    assert not info["valid"] and env.cell == (3, 3) and reward == 0.0 and obs["counters"].tolist() == [3, 3, 11]
    obs, reward, _, _, info = env.step(move_action(1, 2))  # jump over it onto the goal
    assert info["valid"] and reward == 1.0 and info["trial"] == 1 and obs["counters"].tolist() == [4, 2, 8]
    assert [m["valid"] for m in info["memo"]] == [False, True] and info["memo"][1]["move"] == [1, 2, 0, 0]
    for _ in range(8):  # two trials that run out of steps
        obs, reward, terminated, _, info = env.step(move_action(3, 1))
    assert terminated and info["trial_steps"] == [2, 4, 4] and info["success"] == [True, False, False]
    assert len(info["memo"]) == 3 and obs["counters"].tolist() == [0, 0, 0]
    with pytest.raises(RuntimeError, match="reset"):
        env.step(move_action(0, 1))


@pytest.mark.parametrize("action", [[4, 0, 0, 0], [0, 1, 2], [0, 1, 2, -1], [0.5, 1, 1, 1]])
def test_an_action_outside_the_space_is_refused(action):
    env = HalmaEnv("train", count=1)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action"):
        env.step(np.array(action))


def test_random_soak_of_100k_steps():
    env = HalmaEnv("train", count=16)
    env.reset(seed=0)
    actions, rewards, episodes = np.random.default_rng(0).integers(0, 4, size=(100_000, 4)), 0.0, 0
    for a in actions:
        obs, reward, terminated, _, _ = env.step(a)
        rewards += reward
        if terminated:
            episodes += 1
            env.reset()
    assert episodes > 3000 and obs["panel"].shape == (32, 32, 3)


def test_random_agent_is_the_ceiling():
    space = generate_split("train", 0, 1)[0]
    rng = np.random.default_rng(0)
    steps = np.array([random_episode(space, 10, rng)[0] for _ in range(50)])
    assert steps.mean() > oracle_episode(space, 10)[0].mean()
