"""LEBM: latent-space energy-based prior model (Pang et al., NeurIPS 2020); ABP is its Gaussian-prior baseline."""

from __future__ import annotations

import torch

from inferlab.data.registry import load_dataset
from inferlab.engine.distributed import DistContext
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.lebm.bench import bench
from inferlab.methods.lebm.config import PRESETS, LEBMConfig
from inferlab.methods.lebm.train import LEBMTask
from inferlab.methods.registry import MethodSpec


def make_task(cfg: LEBMConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> LEBMTask:
    train = load_dataset(cfg.data.name, n=cfg.data.n, seed=seed, split="train")
    return LEBMTask(cfg, train, SampleEvaluator(cfg.data.name, train, n=cfg.eval.samples, seed=seed), device, dist_ctx)


SPEC = MethodSpec(
    name="lebm",
    summary="latent-space EBM prior over a generator, short-run Langevin for prior and posterior (Pang et al. 2020)",
    config_cls=LEBMConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("abp",),
)
