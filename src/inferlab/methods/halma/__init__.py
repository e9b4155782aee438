"""HALMA (Xie et al. 2021, arXiv 2102.11344): PPO agents with CNN, CNN+LSTM and attention encoders on the HALMA
benchmark (envs/halma), scored against the BFS oracle and the random agent on four splits."""

from __future__ import annotations

import torch

from inferlab.engine.distributed import DistContext
from inferlab.methods.halma.bench import bench
from inferlab.methods.halma.config import PRESETS, HalmaConfig
from inferlab.methods.halma.ppo import PPOTask
from inferlab.methods.registry import MethodSpec


def make_task(cfg: HalmaConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> PPOTask:
    return PPOTask(cfg, device, seed)


SPEC = MethodSpec(
    name="halma",
    summary="HALMA benchmark: PPO agents (CNN, CNN+LSTM, attention) on digit panels, oracle BFS and random, "
            "perceptual/conceptual/algorithmic splits (Xie et al. 2021)",
    config_cls=HalmaConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("ppo_cnn", "ppo_cnn_lstm", "ppo_attention", "oracle", "random"),
)
