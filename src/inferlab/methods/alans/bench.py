"""`inferlab bench alans`: ALANS against a pure-neural panel CNN, same data, seed, batches and updates,
tested on the iid, systematicity, productivity and localism splits (data.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.bench import train_variant
from inferlab.methods.alans.config import ALANSConfig
from inferlab.methods.alans.data import HELD_OUT


def bench(cfg: ALANSConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    from inferlab.methods.alans import make_task

    results, figures = {}, []
    for label in ("alans", "cnn"):
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
    return {"metrics": results["alans"], "baselines": {"cnn": results["cnn"]}, "figures": figures,
            "notes": "acc_*: answer-selection accuracy (8 I-RAVEN candidates, chance 0.125) on single-object panels. "
                     "Training/iid: object in the left half, no held-out (attribute, rule) pair, Progression steps "
                     f"+-1. systematicity: at least one held-out pair ({held}); productivity: Progression with step "
                     "+-2 (operator applied twice); localism: object in the right half. generation_acc: the "
                     "generated answer (most probable value under the executed operators, rendered) has the true "
                     "answer's Type/Size/Color, iid split; generation_acc_nearest: the value whose M^k Z is nearest "
                     "to the likeliest operator's predicted matrix. cnn: CNN over whole panels + row-relation MLP "
                     "scorer, answer loss only. Unlike the paper, tiny ALANS also trains its frontend on "
                     "ground-truth attributes (loss.attr_weight=1), which the cnn baseline does not get: see README."}
