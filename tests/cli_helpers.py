"""Helpers shared by tests (importable because pyproject sets pythonpath = tests)."""

from __future__ import annotations

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
