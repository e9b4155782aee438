"""Helpers shared by tests (importable because pyproject sets pythonpath = tests)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 1200, check: bool = False,
            env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m inferlab ARGS` in a subprocess, output captured."""
    proc = subprocess.run([sys.executable, "-m", "inferlab", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})
    if check and proc.returncode != 0:
        raise AssertionError(f"inferlab {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


def logged_step(run_dir: Path) -> int:
    """The last step a run folder's metrics.jsonl holds (0 before the first row); ignores a half-written line."""
    path = run_dir / "metrics.jsonl"
    if not path.exists():
        return 0
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]
    return max((r["step"] for r in rows), default=0)


def signal_at_step(args: list[str], run_dir: Path, at_step: int, sig: int = signal.SIGKILL,
                   timeout: float = 900) -> subprocess.Popen:
    """Start `inferlab ARGS --out run_dir`, send it `sig` once its metrics.jsonl reaches `at_step` (the timeout
    guards against hangs only) and return the process (stderr piped as text)."""
    proc = subprocess.Popen([sys.executable, "-m", "inferlab", *args, "--out", str(run_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    deadline = time.time() + timeout
    while logged_step(run_dir) < at_step and time.time() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(sig)
    return proc


def run_and_kill(args: list[str], run_dir: Path, at_step: int) -> None:
    """kill -9 a run once it has logged `at_step`; assert it was still running."""
    proc = signal_at_step(args, run_dir, at_step)
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, "the run ended before it could be killed"
