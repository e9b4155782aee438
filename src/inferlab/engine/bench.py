"""Helpers for `inferlab bench`: train one variant in a run folder of its own, time network passes."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Callable

import torch

from inferlab.engine.config import config_to_dict
from inferlab.engine.distributed import DistContext
from inferlab.engine.rundir import new_run_dir, write_run_config
from inferlab.engine.seed import seed_everything
from inferlab.engine.task import TrainTask
from inferlab.engine.trainer import FitResult, fit


def train_variant(make_task: Callable, cfg: Any, *, label: str, device: torch.device, seed: int,
                  out_dir: Path) -> tuple[TrainTask, FitResult, Path]:
    """Build and train one bench variant from the same seed as the others, in out_dir/label."""
    run_dir = new_run_dir(label, str(out_dir / label))
    write_run_config(run_dir, label, "bench", config_to_dict(cfg), seed, str(device))
    seed_everything(seed)
    task = make_task(cfg, device, DistContext(), seed)
    seed_everything(seed)
    return task, fit(task, cfg.train, seed=seed, run_dir=run_dir, desc=label), run_dir


def seconds_per_call(fn: Callable[[], None], repeats: int, warmup: int = 2) -> float:
    """Mean wall time of fn() after `warmup` untimed calls (synchronising CUDA around the timed ones)."""
    for _ in range(warmup):
        fn()
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    sync()
    t0 = time.perf_counter()
    for _ in range(repeats):
        fn()
    sync()
    return (time.perf_counter() - t0) / repeats
