"""LPT: Latent Plan Transformer, planning as latent space inference (Kong et al., NeurIPS 2024); baselines:
behaviour cloning (the same GPT without z) and Decision Transformer (return-to-go tokens)."""

from __future__ import annotations

import torch

from inferlab.engine.distributed import DistContext
from inferlab.methods.lpt.bench import bench
from inferlab.methods.lpt.config import PRESETS, LPTConfig
from inferlab.methods.lpt.train import LPTTask
from inferlab.methods.registry import MethodSpec


def make_task(cfg: LPTConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> LPTTask:
    return LPTTask(cfg, device, seed)


SPEC = MethodSpec(
    name="lpt",
    summary="latent plan z = UNet(z0) steers a causal GPT by cross-attention; z inferred from the target return "
            "by Langevin (Kong et al. 2024)",
    config_cls=LPTConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("bc", "dt"),
)
