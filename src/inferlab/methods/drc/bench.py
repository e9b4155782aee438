"""`inferlab bench drc`: DRC against no_reassign, gaussian_prior (same data, seed and updates) and per-image
k-means, scored by IoU / Dice of the predicted foreground on held-out images (seen and unseen shape classes)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.bench import train_variant
from inferlab.eval.report import plot_curves
from inferlab.eval.segmentation import mean_iou_dice
from inferlab.methods.drc.config import DRCConfig
from inferlab.methods.drc.figures import save_segmentation_figure
from inferlab.methods.drc.kmeans import kmeans_foreground

TRAINED = {"drc": {}, "no_reassign": {"reassign": False}, "gaussian_prior": {"prior": "gaussian"}}


def bench(cfg: DRCConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    from inferlab.methods.drc import load_splits, make_task

    results, figures = {}, []
    for label, change in TRAINED.items():
        variant = replace(cfg, model=replace(cfg.model, **change))
        task, fit, run_dir = train_variant(make_task, variant, label=label, device=device, seed=seed, out_dir=out_dir)
        results[label] = {k: v for k, v in fit.metrics.items() if k != "score"}
        results[label].update(train_seconds=fit.seconds, seconds_per_iter=fit.seconds_per_step)
        if task.last_eval is not None:
            figures.append(str(save_segmentation_figure(*task.last_eval, out_dir / f"{label}_segmentation.png")
                               .relative_to(out_dir)))
    splits = load_splits(cfg, seed)
    results["kmeans"] = kmeans_metrics(splits, cfg.eval.samples, seed)
    reference = ", ".join(f"{k} {v:.3f}" for k, v in all_foreground_metrics(splits, cfg.eval.samples).items()
                          if k.startswith("iou"))
    figures.append(str(plot_curves(out_dir / "drc" / "metrics.jsonl", ["recon_mse", "gen_loss", "ebm_loss"],
                                   out_dir / "drc_curves.png").relative_to(out_dir)))
    return {"metrics": results.pop("drc"), "baselines": results, "figures": figures,
            "notes": "iou/dice: official test.py (pred = pi_f > 0.5, mean over images) on held-out test images of "
                     "the seen shape classes; *_unseen on images whose sprites are all of the held-out class. "
                     "Trained variants share data, seed and number of updates; kmeans clusters each test image "
                     f"alone (no training). Reference, calling every pixel foreground: {reference}."}


def kmeans_metrics(splits: dict, samples: int, seed: int) -> dict[str, float]:
    """IoU / Dice of per-image k-means on the same test images the trained variants are scored on."""
    return split_metrics(splits, samples, lambda images: kmeans_foreground(images, seed))


def all_foreground_metrics(splits: dict, samples: int) -> dict[str, float]:
    """IoU / Dice of calling every pixel foreground (IoU = the foreground's share of the image): the floor a
    segmentation has to clear."""
    return split_metrics(splits, samples, lambda images: torch.ones_like(images[:, :1]))


def split_metrics(splits: dict, samples: int, predict) -> dict[str, float]:
    """Mean IoU / Dice of `predict(images) -> masks` on the first `samples` images of every test split."""
    metrics: dict[str, float] = {}
    for split, data in splits.items():
        if split == "train":
            continue
        n = min(samples, len(data))
        scores = mean_iou_dice(predict(data.images[:n]), data.masks[:n])
        suffix = "" if split == "test" else f"_{split}"
        metrics.update({f"{k}{suffix}": v for k, v in scores.items()})
    return metrics
