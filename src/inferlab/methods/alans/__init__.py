"""ALANS: ALgebra-Aware Neuro-Semi-Symbolic learner for RPMs (Zhang et al., ECCV 2022); baselines: a crop CNN, WReN, SCL."""

from __future__ import annotations

import torch

from inferlab.engine.distributed import DistContext
from inferlab.methods.alans.bench import bench
from inferlab.methods.alans.config import PRESETS, ALANSConfig
from inferlab.methods.alans.train import ALANSTask
from inferlab.methods.registry import MethodSpec


def make_task(cfg: ALANSConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> ALANSTask:
    return ALANSTask(cfg, device, seed)


SPEC = MethodSpec(
    name="alans",
    summary="object-CNN frontend + algebraic backend: operators induced by least squares on M^k Z (Zhang et al. 2022)",
    config_cls=ALANSConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("cnn", "wren", "scl"),
)
