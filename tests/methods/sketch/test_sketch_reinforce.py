"""The REINFORCE settings `retrieve` and `cum` (official architectures_retrieve_5stroke.py, architectures_cum.py)."""

import math

import pytest
import torch

from inferlab.engine.distributed import DistContext
from inferlab.methods.sketch import make_task
from inferlab.methods.sketch.game import WAIT
from inferlab.methods.sketch.objective import chosen_log_probs, cumulative_returns, reinforce_loss


def test_reinforce_loss_on_a_hand_computed_batch():
    # game 0 picks option 1 with p = 1/2 and return +1; game 1 picks option 2 with p = 1/4 and return -1 (one round)
    logits = torch.log(torch.tensor([[[0.25, 0.5, 0.125, 0.125]], [[0.25, 0.25, 0.25, 0.25]]])).requires_grad_()
    choices, returns = torch.tensor([[1], [2]]), torch.tensor([[1.0], [-1.0]])
    log_p = chosen_log_probs(torch.softmax(logits, -1), choices)
    assert torch.allclose(log_p, torch.log(torch.tensor([[0.5], [0.25]])), atol=1e-6)
    loss = reinforce_loss(log_p, returns)
    assert loss.item() == pytest.approx(-(math.log(0.5) - math.log(0.25)) / 2, abs=1e-6)
    loss.backward()
    # d loss / d logit_chosen = -(1/B) G (1 - p): a rewarded pick is made more likely, a punished one less likely
    assert logits.grad[0, 0, 1].item() == pytest.approx(-0.5 * (1 - 0.5), abs=1e-6)
    assert logits.grad[1, 0, 2].item() == pytest.approx(0.5 * (1 - 0.25), abs=1e-6)
    assert logits.grad[0, 0, 0].item() > 0  # the options not taken by a rewarded game lose probability
    returns.requires_grad_()
    reinforce_loss(chosen_log_probs(torch.softmax(logits, -1), choices), returns).backward()
    assert returns.grad is None  # the returns are detached


def test_cum_returns_on_a_hand_computed_game():
    """Game 0 waits twice, then wins (discount 0.5); game 1 loses in round 0, and its later rewards are masked."""
    rewards = torch.tensor([[0.0, 0.0, 1.0], [-1.0, 1.0, 1.0]])
    alive = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    returns = cumulative_returns(rewards, alive, 0.5)
    assert torch.allclose(returns, torch.tensor([[0.25, 0.5, 1.0], [-1.0, 0.0, 0.0]]))
    waits_cost = cumulative_returns(torch.tensor([[-0.1, -0.1, -1.0]]), torch.ones(1, 3), 0.5)
    assert torch.allclose(waits_cost, torch.tensor([[-0.1 - 0.05 - 0.25, -0.1 - 0.5, -1.0]]))


def test_retrieve_draws_every_round_then_picks_once(micro_config):
    task = make_task(micro_config("retrieve"), torch.device("cpu"), DistContext(), 0)
    games = task.test_games["seen"]
    for greedy, train in ((True, False), (False, True)):
        torch.manual_seed(1)
        roll = task.play(games, greedy=greedy, train=train)
        assert roll.choices.shape == (len(games), 3)
        assert (roll.choices[:, :-1] == WAIT).all()  # no pick before the last round
        assert (roll.rounds == 3).all()
        assert torch.equal(roll.correct, (roll.choices[:, -1] == games[:, 0]).float())
        ink = roll.canvases.flatten(2).sum(-1)  # (B, R)
        assert (ink[:, 1:] > ink[:, :-1]).all()  # the sender drew in every round
        assert roll.values.numel() == 0  # no value model


@pytest.mark.parametrize("setting", ["retrieve", "cum"])
def test_reinforce_settings_train_what_they_should(micro_config, setting):
    torch.manual_seed(0)
    task = make_task(micro_config(setting), torch.device("cpu"), DistContext(), 0)
    nets = {"sender": task.sender, "receiver": task.receiver, "value_model": task.value_model}
    before = {n: [p.detach().clone() for p in m.parameters()] for n, m in nets.items()}
    for step in range(3):
        logs = task.train_step(task.data[step * 4:(step + 1) * 4], step + 5)
    assert all(math.isfinite(v) for v in logs.values())
    moved = {n: any(not torch.equal(a, p) for a, p in zip(before[n], m.parameters())) for n, m in nets.items()}
    # retrieve: official --sender_fixed 1; cum: the sender learns through the receiver's log-probabilities
    assert moved == {"sender": setting == "cum", "receiver": True, "value_model": False}
    metrics = task.evaluate()
    assert 0 <= metrics["acc_seen"] <= 1
    if setting == "retrieve":
        assert metrics["rounds_seen"] == metrics["rounds_unseen_category"] == 3
    else:
        assert 1 <= metrics["rounds_seen"] <= 3
