"""Dropout on the frozen encoder's features (official: VGG16 left in training mode, dropout on fc7): the receiver
reads dropped features in training games and clean ones in evaluation, the value model always reads dropped ones;
seeded, the training game is reproducible; at p = 0 nothing changes."""

from dataclasses import replace

import pytest
import torch

from inferlab.engine.distributed import DistContext
from inferlab.methods.sketch import make_task
from inferlab.methods.sketch.networks import Encoder


def test_encoder_dropout_zeroes_units_beneath_the_standardisation():
    enc = Encoder(16, 64, 3)
    enc.mean.uniform_(0.5, 1.5)
    enc.std.uniform_(0.5, 2.0)
    torch.manual_seed(0)
    raw = torch.rand(400, 64) + 0.1  # the fc layer's (ReLU) output, all units active
    feats = (raw - enc.mean) / enc.std
    assert enc.dropout(feats, 0.0) is feats
    dropped = enc.dropout(feats, 0.5) * enc.std + enc.mean  # back to the fc layer's output
    zero = dropped.abs() < 1e-5
    assert 0.45 < zero.float().mean().item() < 0.55
    assert torch.allclose(dropped[~zero], 2 * raw[~zero], atol=1e-5)  # kept units scaled by 1 / (1 - p)


def _task(micro_config, p: float):
    cfg = micro_config("complete")
    return make_task(replace(cfg, model=replace(cfg.model, feature_dropout=p)), torch.device("cpu"), DistContext(), 0)


@pytest.mark.parametrize("p", [0.0, 0.5])
def test_dropout_in_training_games_only_and_reproducible_under_a_seed(micro_config, p):
    task = _task(micro_config, p)
    games = task.test_games["seen"]
    plays = []
    for seed in (1, 1, 2):  # greedy play: only dropout can make a training game differ
        torch.manual_seed(seed)
        plays.append(task.play(games, greedy=True, train=True))
    first_round = [r.probs[:, 0] for r in plays]
    assert torch.equal(first_round[0], first_round[1]) and torch.equal(plays[0].values, plays[1].values)
    if p == 0:
        assert torch.equal(first_round[0], first_round[2]) and torch.equal(plays[0].values, plays[2].values)
    else:  # the receiver's and the value model's features are dropped, with fresh masks
        assert not torch.allclose(first_round[0], first_round[2])
        assert not torch.allclose(plays[0].values[:, 0], plays[2].values[:, 0])
    evals = []
    for seed in (1, 2):
        torch.manual_seed(seed)
        evals.append(task.play(games, greedy=True, train=False).probs[:, 0])
    assert torch.equal(evals[0], evals[1])  # evaluation: no dropout for the receiver
    assert torch.allclose(evals[0], first_round[0]) == (p == 0)
