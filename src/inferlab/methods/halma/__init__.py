"""HALMA (Xie et al. 2021, arXiv 2102.11344): PPO agents with CNN, CNN+LSTM and attention encoders on the HALMA
benchmark (envs/halma), scored against the BFS oracle and the random agent on four splits."""

from __future__ import annotations


def make_task(cfg, device, dist_ctx, seed):
    """The PPO TrainTask of cfg.agent.encoder (imports torch and the agent code on first use)."""
    from inferlab.methods.halma.ppo import PPOTask

    return PPOTask(cfg, device, seed)


def __getattr__(name: str):
    """SPEC loads on first use (PEP 562), so `inferlab halma --help` imports no model code."""
    if name != "SPEC":
        raise AttributeError(f"module 'inferlab.methods.halma' has no attribute {name!r}")
    from inferlab.methods.halma.bench import bench
    from inferlab.methods.halma.config import PRESETS, HalmaConfig
    from inferlab.methods.registry import METHODS, MethodSpec

    spec = MethodSpec(name="halma", summary=METHODS["halma"].summary, config_cls=HalmaConfig, presets=PRESETS,
                      make_task=make_task, bench=bench,
                      baselines=("ppo_cnn", "ppo_cnn_lstm", "ppo_attention", "oracle", "random"))
    globals()["SPEC"] = spec
    return spec
