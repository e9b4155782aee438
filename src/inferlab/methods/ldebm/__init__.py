"""LDEBM: latent diffusion energy-based model for interpretable text modelling (Yu et al., ICML 2022); SVEBM-IB
and a VAE are its baselines."""

from __future__ import annotations

import torch

from inferlab.data.text import load_corpus
from inferlab.data.toy2d_ldebm import load_ldebm_toy
from inferlab.engine.distributed import DistContext
from inferlab.methods.ldebm.bench import bench
from inferlab.methods.ldebm.config import PRESETS, LDEBMConfig
from inferlab.methods.ldebm.train import LDEBMTask
from inferlab.methods.registry import MethodSpec


def load_data(cfg: LDEBMConfig, seed: int) -> tuple[object, dict]:
    """(training set, {"test": held-out set}) of the configured task; the toy test points come from another seed."""
    d = cfg.data
    if d.task == "toy":
        return load_ldebm_toy(d.toy, d.toy_n, seed), {"test": load_ldebm_toy(d.toy, 2000, seed + 7919)}
    train, _, test = load_corpus(d.text, max_len=d.max_len, vocab_size=d.vocab_size, n=d.text_n, seed=seed)
    return train, {"test": test}


def make_task(cfg: LDEBMConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> LDEBMTask:
    train, evaluation = load_data(cfg, seed)
    return LDEBMTask(cfg, train, evaluation, device, dist_ctx)


SPEC = MethodSpec(
    name="ldebm",
    summary="symbol-vector latent EBM prior learned by diffusion recovery likelihood, with information bottleneck "
            "and k-means pseudo-labels (Yu et al. 2022)",
    config_cls=LDEBMConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("svebm_ib", "vae"),
)
