"""`inferlab bench alans`: ALANS against three connectionist baselines (cnn on ALANS's crops, WReN, SCL; see
baselines.py), same data, seed, batches and updates, tested on the iid, systematicity, productivity and localism
splits (data/raven/splits.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.bench import train_variant
from inferlab.data.raven.splits import HELD_OUT
from inferlab.errors import DivergenceError, UserError
from inferlab.methods.alans.config import ALANSConfig
from inferlab.methods.alans.train import VARIANTS


LR_FIELDS = {"alans": "lr", "cnn": "cnn_lr", "wren": "wren_lr", "scl": "scl_lr"}
"""The OptimConfig field holding each variant's learning rate."""


def _train(cfg: ALANSConfig, label: str, run_label: str, device: torch.device, seed: int, out_dir: Path) -> tuple:
    from inferlab.methods.alans import make_task

    var_cfg = replace(cfg, model=replace(cfg.model, variant=label))
    return train_variant(make_task, var_cfg, label=run_label, device=device, seed=seed, out_dir=out_dir)


def _tuned(cfg: ALANSConfig, label: str, device: torch.device, seed: int, out_dir: Path) -> tuple[tuple, dict]:
    """Train `label` at every rate of optim.lr_grid (run folders <label>_lr<rate>) and keep the run with the best
    acc_val; a run that diverges counts as failed. Returns that run and {"acc_val_lr<rate>": acc_val, None when the
    run diverged}."""
    sweep, best, best_acc = {}, None, -1.0
    for lr in cfg.optim.lr_grid:
        run_cfg = replace(cfg, optim=replace(cfg.optim, **{LR_FIELDS[label]: lr}))
        try:
            run = _train(run_cfg, label, f"{label}_lr{lr:g}", device, seed, out_dir)
        except DivergenceError:
            sweep[f"acc_val_lr{lr:g}"] = None
            continue
        acc = run[1].metrics["acc_val"]
        sweep[f"acc_val_lr{lr:g}"] = acc
        if acc > best_acc:
            best, best_acc = (run, lr), acc
    if best is None:
        raise UserError(f"alans bench: every learning rate of optim.lr_grid diverged for {label}.")
    return best, sweep


def bench(cfg: ALANSConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    results, figures = {}, []
    for label in VARIANTS:
        if cfg.optim.lr_grid:
            ((task, fit, run_dir), lr), sweep = _tuned(cfg, label, device, seed, out_dir)
        else:
            (task, fit, run_dir), sweep = _train(cfg, label, label, device, seed, out_dir), None
            lr = getattr(cfg.optim, LR_FIELDS[label])
        steps_per_epoch = cfg.data.train_problems / cfg.train.batch_size
        metrics = {k: v for k, v in fit.metrics.items() if k != "score"}
        metrics.update(lr=lr, train_seconds=fit.seconds, seconds_per_step=fit.seconds_per_step,
                       seconds_per_epoch=fit.seconds_per_step * steps_per_epoch,
                       epochs=cfg.train.steps / steps_per_epoch,
                       parameters=sum(p.numel() for p in task.model.parameters()))
        metrics.update(sweep or {})
        results[label] = metrics
        samples = sorted((run_dir / "samples").glob("*.png"))
        if samples:
            figures.append(str(samples[-1].relative_to(out_dir)))
    held = ", ".join(f"{r} on {a}" for a, r in HELD_OUT)
    return {"metrics": results["alans"], "baselines": {k: v for k, v in results.items() if k != "alans"},
            "figures": figures,
            "notes": "acc_*: answer-selection accuracy (8 I-RAVEN candidates, chance 0.125). One training set: "
                     "distribute_four (2x2 grid, 1-4 entities), no held-out (attribute, rule) pair. iid: the same "
                     f"distribution; systematicity: distribute_four with >= 1 held-out pair ({held}); productivity: "
                     "distribute_nine (3x3 grid, 1-9 entities); localism: the two components of "
                     "left_center_single_right_center_single, each reasoned on locally. generation_acc (iid): the "
                     "generated answer (layout from the better-fitting Position/Number branch, most probable "
                     "Type/Size/Color under the executed operators) equals the true answer. Baselines, answer loss "
                     "only: cnn (ALANS's per-slot crops + box embedding, summed per panel, row-relation MLP), wren "
                     "(WReN relation network on whole panels), scl (Scattering Compositional Learner on whole "
                     "panels); each variant's learning rate in `lr` (with optim.lr_grid: the grid rate with the "
                     "best acc_val, the sweep's acc_val per rate in acc_val_lr<rate>, the same grid for every "
                     "variant). acc_val: an iid validation draw used only for choices. ALANS answer objective: {cfg.model.answer} "
                     "(scoring.py). ALANS also gets the auxiliary rule loss (as in the "
                     "paper); its perception is label-free unless loss.attr_weight > 0 (tiny: 0), which adds a loss "
                     "on ground-truth attributes that the paper does not use and that answer generation needs: "
                     "without it the frontend's value indices are an arbitrary relabelling of the levels, so "
                     "generation_acc stays near 0. See README."}
