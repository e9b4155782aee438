"""DAMC: a latent EBM prior learned with diffusion-amortized MCMC (Yu et al., NeurIPS 2023); LEBM is its baseline."""

from __future__ import annotations

import torch

from inferlab.data.base import TensorDataset
from inferlab.data.registry import load_dataset
from inferlab.engine.distributed import DistContext
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.damc.bench import bench
from inferlab.methods.damc.config import PRESETS, DAMCConfig
from inferlab.methods.damc.official_toy import OfficialToyTask
from inferlab.methods.damc.toy import OFFICIAL_TOY_SPEC, TOY_SPEC, load_toy
from inferlab.methods.damc.train import DAMCTask
from inferlab.methods.registry import MethodSpec


def load_train(cfg: DAMCConfig, seed: int) -> TensorDataset:
    """The training set: the DAMC toy for data.name = toy:pinwheel-mlp, else any `load_dataset` spec."""
    if cfg.data.name == TOY_SPEC:
        return load_toy(cfg.data.n or 5000, seed)
    return load_dataset(cfg.data.name, n=cfg.data.n, seed=seed, split="train")


def make_task(cfg: DAMCConfig, device: torch.device, dist_ctx: DistContext, seed: int,
              train: TensorDataset | None = None) -> DAMCTask:
    if cfg.data.name == OFFICIAL_TOY_SPEC:
        return OfficialToyTask(cfg, device, dist_ctx, seed)
    train = load_train(cfg, seed) if train is None else train
    return DAMCTask(cfg, train, SampleEvaluator(cfg.data.name, train, n=cfg.eval.samples, seed=seed), device, dist_ctx)


SPEC = MethodSpec(
    name="damc",
    summary="latent EBM prior with a conditional latent diffusion amortizer warm-starting short-run Langevin "
            "(Yu et al. 2023)",
    config_cls=DAMCConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("lebm",),
)
