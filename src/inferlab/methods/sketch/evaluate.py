"""The paper's measures of what the players learned (official test_generalization, classification/train.py,
semantic_correlation), on greedy games:

iconicity     acc_<split> (right picks / games, chance 1/3), rounds_<split> (mean rounds played) and
              waited_<split> (share of games waited out to the end without a pick, counted as lost) on the seen,
              unseen-instance and unseen-category splits;
symbolicity   accuracy of a linear classifier on the frozen encoder's features of the final canvases, trained on the
              games whose sketch is one of the first `seen_instances` instances of each seen category and tested on
              the rest (official: frozen VGG16 + a trained last layer, first 7 of 10 instances train it);
semanticity   Pearson r between the category-pair cosine similarities of the word vectors and of the categories'
              mean final-canvas features (official: every ordered pair including i = j; ours: the pairs i < j, since
              the diagonal's similarity 1 on both sides inflates r).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from inferlab.envs.sketch_game import N_PHOTOS, game_tensors
from inferlab.methods.sketch.game import WAIT

SPLITS = ("seen", "unseen_instance", "unseen_category")


def _chunks(games: torch.Tensor, size: int = 100):
    return games.split(size)


def final_canvases(task, games: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(correct (N,), rounds (N,), final canvas (N, 1, S, S), waited out (N,)) of greedy games; a game is waited
    out when its last played option is the wait."""
    out = []
    for chunk in _chunks(games):
        roll = task.play(chunk, greedy=True, train=False)
        rows, last = torch.arange(len(chunk)), (roll.rounds.long() - 1).clamp_min(0)
        out.append((roll.correct, roll.rounds, roll.canvases[rows, last], (roll.choices[rows, last] == WAIT).float()))
    return tuple(torch.cat(parts) for parts in zip(*out))


def symbolicity_games(data, seed: int = 0) -> torch.Tensor:
    """One game per (seen category, instance): that instance's sketch, the category's photo among two others."""
    rng, rows = np.random.default_rng(seed), []
    cats, seen_inst = data.split("seen")
    for c in cats:
        for k in range(data.photos.shape[1]):
            others = rng.choice(cats[cats != c], N_PHOTOS - 1, replace=False)
            target = int(rng.integers(N_PHOTOS))
            row_cats = np.insert(others, target, c)
            rows.append([target, k, *row_cats, *rng.choice(seen_inst, N_PHOTOS)])
    return torch.tensor(rows, dtype=torch.int64)


def linear_probe_accuracy(x_train: torch.Tensor, y_train: torch.Tensor, x_test: torch.Tensor, y_test: torch.Tensor,
                          n_classes: int, steps: int) -> float:
    """Test accuracy of a linear softmax classifier trained full-batch with Adam (lr 1e-2) on standardised
    features."""
    mu, sd = x_train.mean(0), x_train.std(0) + 1e-6
    head = torch.nn.Linear(x_train.shape[1], n_classes)
    opt = torch.optim.Adam(head.parameters(), lr=1e-2)
    with torch.enable_grad():
        for _ in range(steps):
            loss = F.cross_entropy(head((x_train - mu) / sd), y_train)
            opt.zero_grad()
            loss.backward()
            opt.step()
    return (head((x_test - mu) / sd).argmax(-1) == y_test).float().mean().item()


def cosine_matrix(x: torch.Tensor) -> torch.Tensor:
    x = F.normalize(x, dim=-1)
    return x @ x.T


def semantic_similarities(task, features: torch.Tensor, categories: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(word-vector cosine matrix, mean canvas-feature cosine matrix) over the seen categories."""
    cats = task.game_data.split("seen")[0]
    means = torch.stack([features[categories == c].mean(0) for c in cats])
    return cosine_matrix(task.game_data.word_vectors[cats]).numpy(), cosine_matrix(means).cpu().numpy()


def pearson_off_diagonal(a: np.ndarray, b: np.ndarray) -> float:
    iu = np.triu_indices_from(a, k=1)
    return float(np.corrcoef(a[iu], b[iu])[0, 1])


def evaluate_players(task) -> dict[str, float]:
    metrics = {}
    for split in SPLITS:
        correct, rounds, _, waited = final_canvases(task, task.test_games[split])
        metrics[f"acc_{split}"] = correct.mean().item()
        metrics[f"rounds_{split}"] = rounds.mean().item()
        metrics[f"waited_{split}"] = waited.mean().item()
    games = symbolicity_games(task.game_data)
    canvases = final_canvases(task, games)[2]
    feats = task.encoder(canvases)
    categories = games[torch.arange(len(games)), 2 + games[:, 0]].to(feats.device)
    train = games[:, 1] < task.cfg.data.seen_instances
    labels = categories - categories.min()
    metrics["symbolicity"] = linear_probe_accuracy(feats[train], labels[train], feats[~train], labels[~train],
                                                   int(labels.max()) + 1, task.cfg.eval.classifier_steps)
    metrics["semanticity"] = pearson_off_diagonal(*semantic_similarities(task, feats, categories))
    return metrics


def write_canvas_grid(task, path: Path, n: int = 4) -> Path:
    """PNG: for the first n seen test games, a row [sketch | canvas after rounds 1..R (grey once the receiver has
    picked) | the photos, the target framed white]."""
    from inferlab.eval.images import save_image_grid

    games = task.test_games["seen"][:n]
    with torch.no_grad():
        roll = task.play(games, greedy=True, train=False)
    target, sketch, photos = game_tensors(games.to(task.device), task.photos, task.sketches)
    r_max = task.rounds
    canv = torch.full((n, r_max, 3, *sketch.shape[-2:]), 0.5, device=sketch.device)
    for i in range(n):
        k = int(roll.rounds[i])
        canv[i, :k] = roll.canvases[i, :k].expand(-1, 3, -1, -1)
    photos = photos.clone()
    for i in range(n):
        frame = photos[i, target[i]]
        frame[:, [0, -1], :] = 1.0
        frame[:, :, [0, -1]] = 1.0
    tiles = torch.cat([sketch[:, None].expand(-1, -1, 3, -1, -1), canv, photos], 1)  # (n, 1 + R + K, 3, S, S)
    return save_image_grid(tiles.flatten(0, 1).cpu() * 2 - 1, path, nrow=tiles.shape[1])
