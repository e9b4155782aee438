"""`inferlab demo`'s benches in a pool of worker processes: one `inferlab bench NAME --preset tiny --json` child
per method, at most `jobs` at a time, the longest benches first so the last to finish is a short one.

Each child runs with `--threads` threads (default 1) and without progress bars; a child that fails does not stop
the others: its outcome carries the method's name and the last line it wrote to stderr (the CLI's one-line error).
Results come back in the order the methods were given, whatever order they finished in.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from inferlab.engine.threads import cpu_cores
from inferlab.errors import UserError

TINY_BENCH_SECONDS = {"lebm": 134, "damc": 274, "emd": 308, "alans": 189, "assist": 67, "lpt": 140, "drc": 227,
                      "ldebm": 130, "lanmdp": 105, "halma": 140, "sketch": 185}
"""Seconds of each method's tiny bench on one thread (README Quickstart's measurements), used only to start the
longest first; a method not listed is taken as the longest."""


@dataclass(frozen=True)
class BenchJob:
    method: str
    seed: int
    device: str
    out: Path
    threads: int


@dataclass(frozen=True)
class BenchOutcome:
    method: str
    result: dict[str, Any] | None
    """The bench's JSON envelope (`inferlab bench --json`), None when it failed."""
    error: str = ""
    """The failed child's last stderr line (or why no JSON came back)."""
    seconds: float = 0.0


Runner = Callable[[BenchJob], BenchOutcome]


def default_jobs(threads: int = 1) -> int:
    """Usable cores (the process's affinity mask) divided by the threads per bench, at least 1: 2 on a 2-core
    machine with one thread per bench."""
    return max(1, cpu_cores() // max(threads, 1))


def check_jobs(jobs: int) -> int:
    if jobs < 1:
        raise UserError(f"--jobs {jobs}: the demo needs at least 1 worker process; give a whole number >= 1 "
                        f"(default: usable cores / --threads, here {default_jobs()}).")
    return jobs


def longest_first(methods: Sequence[str]) -> list[str]:
    """`methods` by decreasing expected bench time (unknown methods first, ties in the given order)."""
    longest = max(TINY_BENCH_SECONDS.values()) + 1
    return sorted(methods, key=lambda m: -TINY_BENCH_SECONDS.get(m, longest))


def run_bench_process(job: BenchJob) -> BenchOutcome:
    """`python -m inferlab bench METHOD --preset tiny --json` in a child process; its JSON from the last stdout line."""
    cmd = [sys.executable, "-m", "inferlab", "bench", job.method, "--preset", "tiny", "--json", "--seed",
           str(job.seed), "--device", job.device, "--out", str(job.out), "--threads", str(job.threads),
           "--no-progress"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        return BenchOutcome(job.method, None, lines[-1] if lines else f"exit code {proc.returncode}", seconds)
    try:
        return BenchOutcome(job.method, json.loads(proc.stdout.strip().splitlines()[-1]), seconds=seconds)
    except (IndexError, json.JSONDecodeError):
        return BenchOutcome(job.method, None, "no JSON on the last line of the bench's stdout", seconds)


def run_benches(methods: Sequence[str], *, seed: int, device: str, out: Path, jobs: int, threads: int = 1,
                runner: Runner | None = None, log: Callable[[str], None] = print) -> list[BenchOutcome]:
    """Every method's tiny bench into out/METHOD, `jobs` at a time, longest first; one `log` line as each ends.
    Returns the outcomes in the order of `methods`."""
    runner = runner or run_bench_process
    check_jobs(jobs)
    t0, outcomes, lock = time.perf_counter(), {}, threading.Lock()

    def work(method: str) -> None:
        o = _guarded(runner, BenchJob(method, seed, device, out / method, threads))
        with lock:  # the line is written when the bench ends, numbered in finishing order
            outcomes[method] = o
            status = f"done in {o.seconds:.0f} s" if o.result is not None else f"FAILED: {o.error}"
            log(f"demo: {len(outcomes)}/{len(methods)} {method} {status} ({time.perf_counter() - t0:.0f} s so far)")

    with ThreadPoolExecutor(max_workers=min(jobs, max(len(methods), 1))) as pool:
        list(pool.map(work, longest_first(methods)))
    return [outcomes[m] for m in methods]


def _guarded(runner: Runner, job: BenchJob) -> BenchOutcome:
    """The runner's outcome, or a failed one when the runner itself raised (it must not stop the other benches)."""
    try:
        return runner(job)
    except Exception as exc:
        return BenchOutcome(job.method, None, f"{type(exc).__name__}: {exc}")
