"""Helpers shared by tests (importable because pyproject sets pythonpath = tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
