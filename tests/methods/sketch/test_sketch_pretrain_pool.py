from dataclasses import replace

import torch

from inferlab.engine.distributed import DistContext
from inferlab.envs.sketch_game import game_tensors
from inferlab.methods.sketch import make_task
from inferlab.methods.sketch.config import DataConfig, paper, tiny
from inferlab.methods.sketch.game import play
from inferlab.methods.sketch.pretrain import _pretrain_pool, pretrain_categories


def test_pretraining_pool_adds_categories_beyond_the_game_but_never_an_unseen_one():
    cats = pretrain_categories(tiny())  # 16 game categories, the last 3 unseen
    assert cats == list(range(13)) + list(range(16, 26))
    assert not {13, 14, 15} & set(cats)
    assert pretrain_categories(paper()) == list(range(20))  # the game uses all 26: no extra category is left
    narrow = replace(tiny(), data=replace(tiny().data, pretrain_categories=15))
    assert pretrain_categories(narrow) == list(range(13)) + [16, 17]


def test_pretraining_pool_holds_the_chosen_categories():
    cfg = replace(tiny(), data=DataConfig(categories=7, unseen_categories=3, instances=2, seen_instances=1,
                                          image_size=16, pretrain_instances=2, pretrain_categories=6))
    pool = _pretrain_pool(cfg, 0)
    assert pool.photos.shape[:2] == (6, 2) and pool.sketches.shape[:2] == (6, 2)
    from inferlab.data.sketch.categories import CATEGORY_NAMES
    assert pool.names == tuple(CATEGORY_NAMES[c] for c in (0, 1, 2, 3, 7, 8))


def _pool_config(micro_config, rounds: int):
    """The micro config with 3 instances per category and 8 pretraining categories (one beyond the game's 7)."""
    cfg = micro_config()
    return replace(cfg, data=replace(cfg.data, instances=3, seen_instances=2, train_games=16, pretrain_categories=8),
                   game=replace(cfg.game, max_rounds=rounds))


def test_precomputed_encoder_features_play_the_same_game(micro_config):
    cfg = _pool_config(micro_config, rounds=3)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    games = task.data[:8]
    target, sketch, photos = game_tensors(games, task.photos, task.sketches)
    kw = dict(rounds=3, progress_rounds=3, setting="complete", train_sender=False, greedy=True, stroke_width=1.0,
              step_cost=0.0)
    with torch.no_grad():
        fresh = play(task.sender, task.receiver, None, task.encoder, sketch, photos, target, **kw)
        cached = task.play(games, greedy=True, train=False)
    assert torch.allclose(fresh.photo_features, cached.photo_features, atol=1e-5)
    assert torch.allclose(fresh.sketch_features, cached.sketch_features, atol=1e-5)
    assert torch.equal(fresh.rounds, cached.rounds) and torch.equal(fresh.correct, cached.correct)


class _ThresholdReceiver(torch.nn.Module):
    """Picks the photo most like the canvas once the canvas's features are far from the empty canvas's."""

    def forward(self, photos, previous, current):
        if not hasattr(self, "empty"):
            self.empty = previous[:1].clone()
        moved = (current - self.empty).norm(dim=-1)
        picks = (photos * current[:, None]).sum(-1)
        if not hasattr(self, "threshold"):  # midway between the batch's two middle distinct distances (identical
            v = torch.unique(moved.round(decimals=3))  # canvases give one): no game sits on it, batched or alone
            self.threshold = (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2
        wait = torch.where(moved > self.threshold, picks.min(-1).values - 1, picks.max(-1).values + 1)
        return torch.softmax(torch.cat([picks, wait[:, None]], -1), -1)


def test_evaluation_draws_only_running_games_and_each_game_plays_as_if_alone(micro_config):
    cfg = _pool_config(micro_config, rounds=4)
    torch.manual_seed(1)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    task.receiver = _ThresholdReceiver()  # picks once the canvas has moved far enough: games end in different rounds
    games = task.data[:12]
    with torch.no_grad():
        batch = task.play(games, greedy=True, train=False)
        alone = [task.play(games[i:i + 1], greedy=True, train=False) for i in range(len(games))]
    assert len(set(batch.rounds.tolist())) > 1  # games end in different rounds
    for i, roll in enumerate(alone):
        assert batch.rounds[i] == roll.rounds[0] and batch.correct[i] == roll.correct[0]
        k = int(roll.rounds[0])
        assert torch.allclose(batch.canvases[i, :k], roll.canvases[0, :k], atol=1e-5)
        if k < batch.canvases.shape[1]:  # over: the canvas is left as it was
            assert torch.equal(batch.canvases[i, k:], batch.canvases[i, k - 1:k].expand_as(batch.canvases[i, k:]))
