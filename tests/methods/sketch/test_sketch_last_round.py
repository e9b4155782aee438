"""The last round as the official code plays it (architectures_dreamer_v2.Players.forward): waiting stays an option
in the last round (and in one_step's only round), the wait option of the last recorded round is valued by the
value model on one more drawing round (the bootstrap), and a game waited out counts as lost."""

import pytest
import torch
from torch import nn

from inferlab.engine.distributed import DistContext
from inferlab.methods.sketch import make_task
from inferlab.methods.sketch.game import WAIT
from inferlab.methods.sketch.objective import actor_objective, lambda_returns


class AlwaysWait(nn.Module):
    """A receiver whose probabilities put all mass on waiting."""

    def forward(self, photos: torch.Tensor, previous: torch.Tensor, current: torch.Tensor) -> torch.Tensor:
        probs = torch.zeros(photos.shape[0], photos.shape[1] + 1)
        probs[:, WAIT] = 1.0
        return probs


@pytest.mark.parametrize("setting, rounds", [("complete", 3), ("one_step", 1)])
def test_a_receiver_may_wait_in_the_last_round_and_then_loses(micro_config, setting, rounds):
    task = make_task(micro_config(setting), torch.device("cpu"), DistContext(), 0)
    task.receiver = AlwaysWait()
    games = task.test_games["seen"]
    roll = task.play(games, greedy=True, train=False)
    assert (roll.choices == WAIT).all() and roll.choices.shape == (len(games), rounds)
    assert (roll.rounds == rounds).all()
    assert (roll.correct == 0).all()  # waited out: no pick, lost (official precision counts picks only)
    metrics = task.evaluate()
    assert metrics["acc_seen"] == 0.0
    for split in ("seen", "unseen_instance", "unseen_category"):
        assert metrics[f"waited_{split}"] == 1.0


class AlwaysFirstPhotoAfterRounds(nn.Module):
    """A receiver that waits `rounds - 1` rounds and then picks the first photo."""

    def __init__(self, rounds: int):
        super().__init__()
        self.rounds, self.calls = rounds, 0

    def forward(self, photos: torch.Tensor, previous: torch.Tensor, current: torch.Tensor) -> torch.Tensor:
        probs = torch.zeros(photos.shape[0], photos.shape[1] + 1)
        probs[:, WAIT if self.calls % self.rounds < self.rounds - 1 else 0] = 1.0
        self.calls += 1
        return probs


def test_a_game_picked_in_the_last_round_is_not_waited_out(micro_config):
    task = make_task(micro_config("complete"), torch.device("cpu"), DistContext(), 0)
    task.receiver = AlwaysFirstPhotoAfterRounds(3)
    metrics = task.evaluate()
    for split in ("seen", "unseen_instance", "unseen_category"):
        assert metrics[f"rounds_{split}"] == 3.0 and metrics[f"waited_{split}"] == 0.0
        first_is_target = (task.test_games[split][:, 0] == 0).float().mean().item()
        assert metrics[f"acc_{split}"] == pytest.approx(first_is_target)


@pytest.mark.parametrize("setting, rounds", [("complete", 3), ("one_step", 1)])
def test_the_last_rounds_wait_is_valued_by_one_more_drawing_round(micro_config, setting, rounds):
    cfg = micro_config(setting)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    task.receiver = AlwaysWait()
    games = task.data[:4]
    torch.manual_seed(0)
    roll = task.play(games, greedy=False, train=True)
    assert roll.probs.shape[1] == rounds and roll.values.shape == (4, rounds + 1)  # the bootstrap round's value
    assert (roll.alive == 1).all() and (roll.rewards == 0).all()
    g = cfg.game
    returns = lambda_returns(roll.rewards, roll.values, roll.alive, g.discount, g.lam)
    assert torch.equal(returns[:, -1], torch.zeros(4))  # the last round's return is its wait reward
    # all mass on waiting: the objective is the mean over rounds of discount x the next round's return, and the
    # last round's is discount x the bootstrap value
    nxt = torch.cat([returns[:, 1:], roll.values[:, rounds:]], 1)
    objective = actor_objective(roll.probs, games[:, 0], returns, roll.values, g.discount, g.step_cost)
    assert objective.item() == pytest.approx((g.discount * nxt).mean().item(), abs=1e-6)
    assert torch.isfinite(roll.values[:, rounds]).all() and roll.values[:, rounds].abs().sum() > 0
