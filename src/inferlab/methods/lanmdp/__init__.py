"""LanMDP: non-Markovian decision-making learned from state-only sequences with a latent energy-based policy
(Qin, Gao, Li, Zhu & Xie, NeurIPS 2023); baselines: lanmdp_markov (c = 1), bc_states, lanmdp_c2
(c = 2 on MuJoCo), bco, gaifo, bc_actions."""

from __future__ import annotations

import torch

from inferlab.engine.distributed import DistContext
from inferlab.engine.task import TrainTask
from inferlab.methods.lanmdp.bench import BASELINES, bench
from inferlab.methods.lanmdp.config import PRESETS, LanMDPConfig
from inferlab.methods.registry import MethodSpec


def make_task(cfg: LanMDPConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> TrainTask:
    if cfg.task.env == "cubic":
        from inferlab.methods.lanmdp.train import CubicTask

        return CubicTask(cfg, device, seed)
    if cfg.policy.kind == "gaifo":
        from inferlab.methods.lanmdp.gaifo_task import GaifoTask

        return GaifoTask(cfg, device, seed)
    from inferlab.methods.lanmdp.mujoco import MujocoTask

    return MujocoTask(cfg, device, seed)


SPEC = MethodSpec(
    name="lanmdp",
    summary="energy-based policy over the last c states learned from state-only sequences by importance-sampled "
            "MLE; acting and planning as prior/posterior sampling (Qin et al. 2023)",
    config_cls=LanMDPConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=BASELINES,
)
