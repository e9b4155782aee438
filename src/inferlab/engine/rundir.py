"""Run folders: runs/<method>-<timestamp>/ with config.json (resolved config + provenance)."""

from __future__ import annotations

import json
import platform
import subprocess
import time
from pathlib import Path

import torch

import inferlab
from inferlab.errors import UserError


def new_run_dir(method: str, out: str | None) -> Path:
    """`out` if given (must be empty or absent), else runs/<method>-<YYYYmmdd-HHMMSS>."""
    path = Path(out) if out else Path("runs") / f"{method}-{time.strftime('%Y%m%d-%H%M%S')}"
    if path.exists() and (path / "config.json").exists():
        raise UserError(f"--out {path} already holds a run; continue it with --resume {path} or choose another folder.")
    (path / "checkpoints").mkdir(parents=True, exist_ok=True)
    (path / "samples").mkdir(exist_ok=True)
    return path


def write_run_config(path: Path, method: str, preset: str, config: dict, seed: int, device: str) -> None:
    meta = {"method": method, "preset": preset, "seed": seed, "device": device, "config": config,
            "provenance": provenance()}
    (path / "config.json").write_text(json.dumps(meta, indent=2) + "\n")


def read_run_config(path: Path) -> dict:
    """config.json of a run folder; missing or unreadable is a `UserError`."""
    file = Path(path) / "config.json"
    if not file.is_file():
        raise UserError(f"{path} is not a run folder: it has no config.json. Pass a folder written by `inferlab train`.")
    try:
        meta = json.loads(file.read_text())
        _ = meta["method"], meta["config"], meta["seed"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise UserError(f"{file} is not a valid run config ({type(exc).__name__}: {exc}).") from None
    return meta


def provenance() -> dict:
    """Versions and git commit, so a run can be traced to the code that made it."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                                cwd=Path(inferlab.__file__).parent).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"inferlab": inferlab.__version__, "torch": torch.__version__, "python": platform.python_version(),
            "git_commit": commit, "time": time.strftime("%Y-%m-%dT%H:%M:%S")}
