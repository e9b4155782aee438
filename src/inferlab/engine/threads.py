"""CPU threads per process: one by default, and never more than the cores divided among torchrun's processes.

Our models are small: a second intra-op thread gains nothing on an idle 2-core machine (LEBM tiny, 60 steps:
4.02 s with two threads, 3.82 s with one) and costs a great deal as soon as anything else runs, because torch's
threads spin and wait for each other (with a second copy running: 32.2 s with two threads, 4.13 s with one).
`benchmarks/threads.py` measures it.
"""

from __future__ import annotations

import os

DEFAULT_THREADS = 1
"""Intra-op threads per process when --threads is not given (see the module docstring for why)."""


def cpu_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count, where the OS tells)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def threads_per_process(requested: int | None, local_processes: int = 1) -> int:
    """`requested` (or the default) threads, capped so that `local_processes` processes share the cores."""
    share = max(1, cpu_cores() // max(local_processes, 1))
    return max(1, min(requested or DEFAULT_THREADS, share))


def set_threads(requested: int | None = None) -> int:
    """Fix torch's (and OpenMP's) CPU threads for this process before any work; returns the count.

    Under torchrun, LOCAL_WORLD_SIZE processes split the cores. The environment variables reach child processes
    (data-loading workers, a renderer) and libraries that read them at import."""
    n = threads_per_process(requested, int(os.environ.get("LOCAL_WORLD_SIZE", "1")))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(n)
    import torch

    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(n)
    except RuntimeError:  # already fixed by earlier parallel work in this process; intra-op threads matter most
        pass
    return n
