"""The training loop every method plugs into: batching, logging, checkpoints, exact resume, DDP."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist

from inferlab.engine.batching import EpochBatcher
from inferlab.engine.checkpoint import load_state_dicts, save_checkpoint
from inferlab.engine.distributed import DistContext
from inferlab.engine.logging import RunLogger
from inferlab.engine.seed import rng_state, set_rng_state
from inferlab.engine.task import TrainTask
from inferlab.errors import DivergenceError, UserError
from inferlab.progress import progress_bar


@dataclass(frozen=True)
class TrainConfig:
    """Loop settings shared by every method."""

    steps: int = 1000
    """Parameter updates in the whole run."""
    batch_size: int = 100
    """Samples per update on each process."""
    log_every: int = 50
    """Steps between rows in metrics.jsonl / TensorBoard."""
    checkpoint_every: int = 100
    """Steps between writes of checkpoints/last.pt (a kill loses at most this many steps)."""
    eval_every: int = 0
    """Steps between evaluations that may update best.pt; 0 = only at the end."""

    def __post_init__(self) -> None:
        for name in ("steps", "batch_size", "log_every", "checkpoint_every"):
            if getattr(self, name) < 1:
                raise UserError(f"train.{name}={getattr(self, name)}: it must be a whole number >= 1.")
        if self.eval_every < 0:
            raise UserError(f"train.eval_every={self.eval_every}: it must be >= 0 (0 = evaluate at the end only).")


@dataclass
class FitResult:
    step: int
    metrics: dict[str, float]
    """The final evaluation."""
    seconds: float
    """Wall time of this call, evaluation included."""
    seconds_per_step: float
    """Training time per update: batching, steps, logging and checkpoints, evaluation excluded."""


def fit(task: TrainTask, cfg: TrainConfig, *, seed: int, run_dir: Path | None = None,
        dist_ctx: DistContext = DistContext(), resume: dict | None = None, progress: bool = True,
        desc: str = "train") -> FitResult:
    """Train `task` for `cfg.steps` updates, resuming from a loaded checkpoint dict if given.

    Rank 0 alone writes files. Checkpoints hold every state object, the step, the data order,
    each rank's RNG states and the best score, so a resumed run retraces the uninterrupted one.
    A `DivergenceError` stops training without touching the last good checkpoint.
    """
    writer = dist_ctx.is_main and run_dir is not None
    logger = RunLogger(run_dir if writer else None)
    batcher = EpochBatcher(len(task.data), cfg.batch_size, seed, dist_ctx.rank, dist_ctx.world_size)
    start, best = 0, float("inf")
    if resume is not None:
        load_state_dicts(task.state_objects(), resume["objects"], Path(run_dir or ".") / "checkpoints/last.pt")
        rngs = resume["rng"]
        set_rng_state(rngs[dist_ctx.rank] if dist_ctx.rank < len(rngs) else rngs[0])
        start, best = resume["step"], resume["best_score"]
        logger.truncate_after(start)

    def checkpoint(step: int, name: str = "last.pt") -> None:
        states = _gather_rng(dist_ctx)
        if writer:
            save_checkpoint(run_dir / "checkpoints" / name, {
                "step": step, "objects": {k: v.state_dict() for k, v in task.state_objects().items()},
                "rng": states, "data_order": batcher.position(step), "best_score": best})

    bar = progress_bar(total=cfg.steps, initial=start, disable=not (progress and dist_ctx.is_main),
                       dynamic_ncols=True, mininterval=1.0, desc=desc)
    t0, metrics, eval_seconds = time.perf_counter(), {}, 0.0
    try:
        for step in range(start, cfg.steps):
            batch = task.data[batcher.indices(step)]
            logs = task.train_step(batch, step)
            done = step + 1
            bar.update(1)
            if done % cfg.log_every == 0 or done == cfg.steps:
                bar.set_postfix({k: f"{v:.3g}" for k, v in list(logs.items())[:3]})
                logger.log(done, {**logs, "seconds_per_step": (time.perf_counter() - t0) / (done - start)})
            evaluating = done == cfg.steps or (cfg.eval_every and done % cfg.eval_every == 0)
            if evaluating:
                t_eval = time.perf_counter()
                metrics = _evaluate(task, seed + done, dist_ctx, run_dir / "samples" if writer else None, done)
                logger.log(done, metrics, kind="eval")
                logger.log_images(done, run_dir / "samples" if writer else None)
                if metrics.get("score", float("inf")) < best:
                    best = metrics["score"]
                    checkpoint(done, "best.pt")
                eval_seconds += time.perf_counter() - t_eval
            if done % cfg.checkpoint_every == 0 or done == cfg.steps:
                checkpoint(done)
        logger.log_hparams(metrics)
    except DivergenceError as exc:
        logger.log(step + 1, {"diverged": 1.0, "where": exc.where, "reason": exc.reason}, kind="error")
        raise DivergenceError(f"training iteration {step + 1}, {exc.where}", exc.reason) from None
    finally:
        bar.close()
        logger.close()
    seconds = time.perf_counter() - t0
    return FitResult(cfg.steps, metrics, seconds, (seconds - eval_seconds) / max(cfg.steps - start, 1))


def _evaluate(task: TrainTask, eval_seed: int, dist_ctx: DistContext, sample_dir: Path | None,
              step: int) -> dict[str, float]:
    """Evaluate (and write samples) on rank 0 inside a forked RNG, so training randomness is untouched."""
    metrics: dict[str, float] = {}
    if dist_ctx.is_main:
        devices = [torch.cuda.current_device()] if torch.cuda.is_available() else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(eval_seed)
            metrics = task.evaluate()
            if sample_dir is not None:
                task.write_samples(sample_dir, step)
    if dist_ctx.enabled:  # every rank needs the score: best.pt's save is a collective (it gathers RNG states)
        shared = [metrics]
        dist.broadcast_object_list(shared, src=0)
        metrics = shared[0]
    return metrics


def _gather_rng(dist_ctx: DistContext) -> list[dict]:
    """Every rank's RNG states, in rank order (one entry without DDP)."""
    state = rng_state()
    if not dist_ctx.enabled:
        return [state]
    states: list = [None] * dist_ctx.world_size
    dist.all_gather_object(states, state)
    return states
