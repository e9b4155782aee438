"""`inferlab bench alans`: ALANS against three connectionist baselines (cnn on ALANS's crops, WReN, SCL; see
baselines.py), same data, seed, batches and updates, tested on the iid, systematicity, productivity and localism
splits (data/raven/splits.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.bench import train_variant
from inferlab.methods.alans.config import ALANSConfig
from inferlab.methods.alans.train import VARIANTS
from inferlab.data.raven.splits import HELD_OUT


def bench(cfg: ALANSConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    from inferlab.methods.alans import make_task

    results, figures = {}, []
    for label in VARIANTS:
        var_cfg = replace(cfg, model=replace(cfg.model, variant=label))
        task, fit, run_dir = train_variant(make_task, var_cfg, label=label, device=device, seed=seed, out_dir=out_dir)
        steps_per_epoch = cfg.data.train_problems / cfg.train.batch_size
        metrics = {k: v for k, v in fit.metrics.items() if k != "score"}
        metrics.update(train_seconds=fit.seconds, seconds_per_step=fit.seconds_per_step,
                       seconds_per_epoch=fit.seconds_per_step * steps_per_epoch,
                       epochs=cfg.train.steps / steps_per_epoch,
                       parameters=sum(p.numel() for p in task.model.parameters()))
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
                     f"panels); learning rates {cfg.optim.lr:g} (alans) / {cfg.optim.cnn_lr:g} / "
                     f"{cfg.optim.wren_lr:g} / {cfg.optim.scl_lr:g}. ALANS answer objective: {cfg.model.answer} "
                     "(scoring.py). ALANS also gets the auxiliary rule loss (as in the "
                     "paper); its perception is label-free unless loss.attr_weight > 0 (tiny: 0), which adds a loss "
                     "on ground-truth attributes that the paper does not use and that answer generation needs: "
                     "without it the frontend's value indices are an arbitrary relabelling of the levels, so "
                     "generation_acc stays near 0. See README."}
