"""DRC: Deep Region Competition for unsupervised foreground extraction (Yu et al., NeurIPS 2021)."""

from __future__ import annotations

import torch

from inferlab.data.foreground import load_foreground
from inferlab.engine.distributed import DistContext
from inferlab.errors import UserError
from inferlab.methods.drc.bench import bench
from inferlab.methods.drc.config import PRESETS, DRCConfig
from inferlab.methods.drc.train import DRCTask
from inferlab.methods.registry import MethodSpec


def load_splits(cfg: DRCConfig, seed: int) -> dict:
    d = cfg.data
    return load_foreground(d.name, image_size=d.image_size, seed=seed, n_train=d.n_train, n_test=d.n_test,
                           n_unseen=d.n_unseen, held_out_shape=d.held_out_shape, max_objects=d.max_objects)


def make_task(cfg: DRCConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> DRCTask:
    if dist_ctx.enabled:
        raise UserError("drc trains in one process: its persistent per-image chains are not shared between "
                        "DDP ranks. Run `inferlab train drc` without torchrun.")
    return DRCTask(cfg, load_splits(cfg, seed), device)


SPEC = MethodSpec(
    name="drc",
    summary="unsupervised foreground extraction: EBM-prior fg/bg experts, pixel re-assignment, EM with Langevin "
            "(Yu et al. 2021)",
    config_cls=DRCConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("no_reassign", "gaussian_prior", "kmeans"),
)
