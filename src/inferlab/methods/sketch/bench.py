"""`inferlab bench sketch`: the official `complete` setting against the `one_step`, `max` and `sender_fix`
settings, on the same data, pretrained parts, seed and number of updates."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.bench import train_variant
from inferlab.methods.sketch.config import SketchConfig
from inferlab.methods.sketch.evaluate import final_canvases, semantic_similarities, symbolicity_games
from inferlab.methods.sketch.figures import plot_setting_curves, plot_similarity, read_rows

VARIANTS = ("complete", "one_step", "max", "sender_fix")
ROUNDS_WINDOW = 25
"""Updates per window of the training-rounds curve (in `tiny`: 25 updates of 16 games, 400 sampled games), or a
twentieth of the run if longer."""


def rounds_window(cfg: SketchConfig) -> int:
    return max(ROUNDS_WINDOW, cfg.train.steps // 20, cfg.train.log_every)


def rounds_windows(run_dir: Path, window: int) -> list[float]:
    """Mean rounds per training game (sampled receiver) of the logged updates in each consecutive window of
    `window` updates (every update's games when train.log_every is 1, as in `tiny`)."""
    by_window: dict[int, list[float]] = {}
    for row in read_rows(run_dir, "train"):
        by_window.setdefault((row["step"] - 1) // window, []).append(row["rounds"])
    return [sum(v) / len(v) for _, v in sorted(by_window.items())]


def bench(cfg: SketchConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    from inferlab.methods.sketch import make_task

    results, runs, figures, round_curves = {}, {}, [], {}
    w = rounds_window(cfg)
    for label in VARIANTS:
        var_cfg = replace(cfg, game=replace(cfg.game, setting=label))
        task, fit, run_dir = train_variant(make_task, var_cfg, label=label, device=device, seed=seed,
                                           out_dir=out_dir)
        results[label] = {k: v for k, v in fit.metrics.items() if k != "score"}
        results[label].update(train_seconds=fit.seconds, seconds_per_step=fit.seconds_per_step)
        windows = round_curves[label] = rounds_windows(run_dir, w)
        results[label].update(train_rounds_first=windows[0], train_rounds_peak=max(windows),
                              train_rounds_last=windows[-1],
                              **{f"train_rounds_w{i + 1:02d}": w for i, w in enumerate(windows)})
        runs[label] = run_dir
        if label in ("complete", "one_step"):
            grids = sorted((run_dir / "samples").glob("canvases_*.png"))
            for when, grid in (("early", grids[0]), ("late", grids[-1])) if grids else ():
                dest = out_dir / f"canvases_{label}_{when}.png"
                shutil.copyfile(grid, dest)
                figures.append(dest.name)
        if label == "complete":
            games = symbolicity_games(task.game_data)
            with torch.no_grad():
                feats = task.encoder(final_canvases(task, games)[2])
            cats = games[torch.arange(len(games)), 2 + games[:, 0]]
            word, sketch = semantic_similarities(task, feats, cats)
            names = [task.game_data.names[c] for c in task.game_data.split("seen")[0]]
            figures.append(plot_similarity(word, sketch, names, results[label]["semanticity"],
                                           out_dir / "similarity_complete.png").name)
    figures.append(plot_setting_curves(runs, out_dir / "curves.png", round_curves, w).name)
    d, g = cfg.data, cfg.game
    return {"metrics": results["complete"], "baselines": {k: v for k, v in results.items() if k != "complete"},
            "figures": figures,
            "notes": f"{d.categories - d.unseen_categories} seen + {d.unseen_categories} unseen categories x "
                     f"{d.instances} instances ({d.seen_instances} seen) at {d.image_size} px; {g.max_rounds} rounds "
                     f"x {g.strokes_per_round} strokes; {cfg.train.steps} updates of {cfg.train.batch_size} games "
                     "per setting from the same pretrained encoder and sender. acc_*: greedy games won (chance "
                     "1/3; waiting through every round counts as lost); waited_*: share of games waited out to the "
                     "end; rounds_*: mean rounds played; train_rounds_wK: mean rounds per training game (sampled "
                     f"receiver) over the K-th window of {w} updates ({w * cfg.train.batch_size} games), "
                     "train_rounds_first / _peak / _last: the first, highest and last window; symbolicity: "
                     "linear probe on the frozen encoder's features of the final canvases, trained on the first "
                     f"{d.seen_instances} instances of each seen category, tested on the rest (chance "
                     f"1/{d.categories - d.unseen_categories}); semanticity: Pearson r between word-vector and "
                     "canvas-feature cosine similarities over seen-category pairs. Baselines are the official "
                     "settings one_step (1 round), max (receiver waits until the last round), sender_fix (sender "
                     "not trained)."}
