"""The training loop every method plugs into: batching, logging, checkpoints, exact resume, DDP."""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.distributed as dist

from inferlab.engine.batching import EpochBatcher
from inferlab.engine.checkpoint import load_state_dicts, save_checkpoint
from inferlab.engine.config import bounded
from inferlab.engine.distributed import DistContext
from inferlab.engine.logging import RunLogger
from inferlab.engine.seed import rng_state, set_rng_state
from inferlab.engine.task import TrainTask
from inferlab.errors import DivergenceError
from inferlab.progress import progress_bar


@dataclass(frozen=True)
class TrainConfig:
    """Loop settings shared by every method."""

    steps: int = bounded(1000, ge=1)
    """Parameter updates in the whole run."""
    batch_size: int = bounded(100, ge=1)
    """Samples per update on each process."""
    log_every: int = bounded(50, ge=1)
    """Steps between rows in metrics.jsonl / TensorBoard."""
    checkpoint_every: int = bounded(100, ge=1)
    """Steps between writes of checkpoints/last.pt (a kill loses at most this many steps)."""
    eval_every: int = bounded(0, ge=0)
    """Steps between evaluations that may update best.pt; 0 = only at the end."""


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
    A `DivergenceError` stops training without touching the last good checkpoint; weights are checked to be
    finite before each checkpoint is written. In a single-process run with a run folder, SIGINT or SIGTERM
    finishes the current step, writes last.pt and raises `TrainingInterrupted`.
    """
    writer = dist_ctx.is_main and run_dir is not None
    logger = RunLogger(run_dir if writer else None)
    batcher = EpochBatcher(len(task.data), cfg.batch_size, seed, dist_ctx.rank, dist_ctx.world_size)
    start, best, saved_step = 0, float("inf"), None
    if resume is not None:
        load_state_dicts(task.state_objects(), resume["objects"], Path(run_dir or ".") / "checkpoints/last.pt")
        rngs = resume["rng"]
        set_rng_state(rngs[dist_ctx.rank] if dist_ctx.rank < len(rngs) else rngs[0])
        start, best = resume["step"], resume["best_score"]
        saved_step = start
        logger.truncate_after(start)

    def checkpoint(step: int, name: str = "last.pt") -> None:
        nonlocal saved_step
        _check_finite(task.state_objects(), step)
        states = _gather_rng(dist_ctx)
        if writer:
            saved_step = step if name == "last.pt" else saved_step
            save_checkpoint(run_dir / "checkpoints" / name, {
                "step": step, "objects": {k: v.state_dict() for k, v in task.state_objects().items()},
                "rng": states, "data_order": batcher.position(step), "best_score": best})

    bar = progress_bar(total=cfg.steps, initial=start, disable=not (progress and dist_ctx.is_main),
                       dynamic_ncols=True, mininterval=1.0, desc=desc)
    t0, metrics, eval_seconds = time.perf_counter(), {}, 0.0
    stop = StopRequest() if writer and not dist_ctx.enabled else None
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
            stopping = stop is not None and stop.signal_name is not None and done < cfg.steps
            if done % cfg.checkpoint_every == 0 or done == cfg.steps or stopping:
                checkpoint(done)
            if stopping:
                raise TrainingInterrupted(f"stopped by {stop.signal_name} after step {done}, which "
                                          f"{run_dir / 'checkpoints' / 'last.pt'} holds. Continue with: "
                                          f"inferlab train --resume {run_dir}", stop.exit_code)
        logger.log_hparams(metrics)
    except DivergenceError as exc:
        logger.log(step + 1, {"diverged": 1.0, "where": exc.where, "reason": exc.reason}, kind="error")
        note = ""
        if writer:
            note = (f"; checkpoints/last.pt holds step {saved_step}, the last good state" if saved_step is not None
                    else "; no checkpoint was written, so `inferlab train --resume` starts the run again from step 0")
        raise DivergenceError(f"training iteration {step + 1}, {exc.where}", exc.reason + note) from None
    finally:
        if stop is not None:
            stop.restore()
        bar.close()
        logger.close()
    seconds = time.perf_counter() - t0
    return FitResult(cfg.steps, metrics, seconds, (seconds - eval_seconds) / max(cfg.steps - start, 1))


class TrainingInterrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped `fit` after a checkpoint; the message says how to continue."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class StopRequest:
    """Turns the first SIGINT / SIGTERM into a request that `fit` honours after the current step (a second one
    interrupts at once). Only the main thread can own signal handlers; elsewhere nothing is installed."""

    def __init__(self) -> None:
        self.signal_name: str | None = None
        self.exit_code = 130
        self._previous: dict[int, object] = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame) -> None:
        if self.signal_name is not None:
            raise KeyboardInterrupt
        self.signal_name, self.exit_code = signal.Signals(signum).name, 128 + signum

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


def _check_finite(objects: dict, step: int) -> None:
    """Refuse to checkpoint NaN or infinite weights: a `DivergenceError` naming the first bad tensor."""
    for name, obj in objects.items():
        if isinstance(obj, torch.nn.Module):
            for key, value in obj.state_dict().items():
                if value.is_floating_point() and not torch.isfinite(value).all():
                    raise DivergenceError(f"{name}.{key} after step {step}", "non-finite weights (NaN or Inf); "
                                          "they were not checkpointed")


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
