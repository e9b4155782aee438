from dataclasses import replace

import pytest
import torch

from inferlab.engine.distributed import DistContext
from inferlab.methods.sketch import make_task
from inferlab.methods.sketch.objective import actor_objective, lambda_returns, learning_rates
from inferlab.errors import UserError

G, LAM = 0.5, 0.5


def _hand_game():
    """Game 0 waits twice and wins in round 2; game 1 loses in round 0."""
    rewards = torch.tensor([[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]])
    values = torch.tensor([[0.5, 0.6, 0.7, 0.8], [0.5, 0.6, 0.7, 0.8]])
    alive = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    return rewards, values, alive


def test_lambda_returns_on_a_hand_computed_game():
    returns = lambda_returns(*_hand_game(), G, LAM)
    g1 = 0 + G * ((1 - LAM) * 0.7 + LAM * 1.0)  # 0.425
    g0 = 0 + G * ((1 - LAM) * 0.6 + LAM * g1)  # 0.25625
    assert torch.allclose(returns[0], torch.tensor([g0, g1, 1.0]))
    assert torch.allclose(returns[1], torch.tensor([-1.0, 0.6, 0.7]))  # over: the values


def test_actor_objective_weights_every_option_by_its_return():
    rewards, values, alive = _hand_game()
    returns = lambda_returns(rewards, values, alive, G, LAM)
    probs = torch.full((2, 3, 4), 0.25)
    target = torch.tensor([0, 2])
    nxt = torch.cat([returns[:, 1:], values[:, 3:]], 1)  # the return of waiting: discount x next round's
    expected = (0.25 * (1 - 1 - 1 + G * nxt)).mean()
    assert actor_objective(probs, target, returns, values, G, 0.0).item() == pytest.approx(expected.item())
    sure = torch.zeros(2, 3, 4).index_fill_(2, torch.tensor([0]), 1.0)  # always picks photo 0
    assert actor_objective(sure, target, returns, values, G, 0.0).item() == pytest.approx(0.0)  # +1 and -1


def test_learning_rates_warm_up_the_sender_then_decay():
    assert learning_rates(0, 1e-3, 1e-3, 10, 10, 0.5, 0.9) == (0.0, 1e-3)
    assert learning_rates(10, 1e-3, 1e-3, 10, 10, 0.5, 0.9) == pytest.approx((1e-3, 1e-3))
    assert learning_rates(20, 1e-3, 1e-3, 10, 10, 0.5, 0.9) == pytest.approx((5e-4, 9e-4))


@pytest.mark.parametrize("setting", ["complete", "max", "sender_fix", "one_step"])
def test_every_setting_trains_and_reports_the_paper_measures(setting, micro_config):
    cfg = micro_config(setting)
    torch.manual_seed(0)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    before = {k: v.clone() for k, v in task.sender.state_dict().items()}
    for step in range(3):
        logs = task.train_step(task.data[step * 4:(step + 1) * 4], step + 5)
    assert all(torch.isfinite(torch.tensor(v)) for v in logs.values())
    moved = any(not torch.equal(before[k], v) for k, v in task.sender.state_dict().items())
    assert moved == (setting != "sender_fix")
    metrics = task.evaluate()
    for key in ("acc_seen", "acc_unseen_instance", "acc_unseen_category", "rounds_seen", "symbolicity",
                "semanticity"):
        assert key in metrics
    assert 1 <= metrics["rounds_seen"] <= (1 if setting == "one_step" else 3)
    if setting == "max":
        assert metrics["rounds_seen"] == 3  # the receiver must wait until the last round


def test_bad_setting_is_a_user_error(micro_config):
    cfg = micro_config()
    with pytest.raises(UserError, match="game.setting"):
        make_task(replace(cfg, game=replace(cfg.game, setting="fast")), torch.device("cpu"), DistContext(), 0)


def test_canvas_grid_is_written(tmp_path, micro_config):
    task = make_task(micro_config(), torch.device("cpu"), DistContext(), 0)
    task.write_samples(tmp_path, 3)
    assert (tmp_path / "canvases_000003.png").is_file()
