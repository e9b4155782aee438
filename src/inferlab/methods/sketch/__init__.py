"""Emergent graphical conventions in a visual communication game (Qiu, Xie, Fan, Gao, Joo, Zhu & Zhu, NeurIPS 2022):
a sender sketches with Bézier strokes, a receiver picks the referent among photos or waits; learned with
Dreamer-style lambda-returns through a differentiable rasteriser. Baselines: the official one_step, max and
sender_fix settings."""

from __future__ import annotations

import torch

from inferlab.engine.distributed import DistContext
from inferlab.methods.registry import MethodSpec
from inferlab.methods.sketch.bench import bench
from inferlab.methods.sketch.config import PRESETS, SketchConfig
from inferlab.methods.sketch.train import SketchTask


def make_task(cfg: SketchConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> SketchTask:
    return SketchTask(cfg, device, seed)


SPEC = MethodSpec(
    name="sketch",
    summary="emergent graphical conventions: a sketching sender and a photo-picking receiver learned with "
            "lambda-returns through a differentiable Bezier rasteriser (Qiu et al. 2022)",
    config_cls=SketchConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("one_step", "max", "sender_fix"),
)
