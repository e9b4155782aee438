"""Run folders: runs/<method>-<timestamp>/ with config.json (resolved config, provenance, one history entry per
invocation), checkpoints/, metrics.jsonl, tb/ and samples/.

A folder is created only once its config is valid and its task is built, and a folder that holds a config but no
checkpoint yet (a start that failed or was killed before its first checkpoint) can be started again.
"""

from __future__ import annotations

import json
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import torch

import inferlab
from inferlab.engine.atomic import atomic_write_text, remove_stale_temp_files
from inferlab.errors import UserError

LAST = Path("checkpoints") / "last.pt"


def default_run_dir(method: str) -> Path:
    return Path("runs") / f"{method}-{time.strftime('%Y%m%d-%H%M%S')}"


def check_new_run_dir(path: Path) -> None:
    """Refuse a folder that holds a run with a checkpoint (use --resume) or files that no inferlab run made."""
    if not path.exists():
        return
    if not path.is_dir():
        raise UserError(f"--out {path} is a file; give a folder for the run.")
    if (path / "config.json").is_file():
        if (path / LAST).is_file():
            raise UserError(f"--out {path} already holds a run; continue it with --resume {path} or choose another "
                            "folder.")
        return
    if any(path.iterdir()):
        raise UserError(f"--out {path} is not empty and holds no inferlab run; choose an empty or new folder so "
                        "nothing of yours is mixed with the run's files.")


def create_run_dir(path: Path) -> Path:
    """Make the run folder's layout; a folder left without a checkpoint loses its old logs and samples, since the
    run starts again from step 0."""
    if (path / "config.json").is_file() and not (path / LAST).is_file():
        for leftover in ("metrics.jsonl", "tb", "samples"):
            target = path / leftover
            shutil.rmtree(target) if target.is_dir() else target.unlink(missing_ok=True)
    (path / "checkpoints").mkdir(parents=True, exist_ok=True)
    (path / "samples").mkdir(exist_ok=True)
    remove_stale_temp_files(path / "checkpoints")
    return path


def new_run_dir(method: str, out: str | None) -> Path:
    """`out` if given (absent, empty, or a run without checkpoint), else runs/<method>-<YYYYmmdd-HHMMSS>."""
    path = Path(out) if out else default_run_dir(method)
    check_new_run_dir(path)
    return create_run_dir(path)


def write_run_config(path: Path, method: str, preset: str, config: dict, seed: int, device: str,
                     previous: dict | None = None, command: list[str] | None = None) -> None:
    """Write config.json atomically. `previous` (the meta of a resumed run) keeps its first provenance and history;
    this invocation (`command`, default sys.argv) is appended to the history."""
    now = invocation(command)
    history = list(previous.get("history", [])) if previous else []
    meta = {"method": method, "preset": preset, "seed": seed, "device": device, "config": config,
            "provenance": previous.get("provenance", now) if previous else now, "history": [*history, now]}
    atomic_write_text(path / "config.json", json.dumps(meta, indent=2) + "\n")


def read_run_config(path: Path) -> dict:
    """config.json of a run folder; missing or unreadable is a `UserError`."""
    file = Path(path) / "config.json"
    if not file.is_file():
        raise UserError(f"{path} is not a run folder: it has no config.json. Pass a folder written by `inferlab train`.")
    try:
        meta = json.loads(file.read_text())
        _ = meta["method"], meta["config"], meta["seed"]
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise UserError(f"{file} is not a valid run config ({type(exc).__name__}: {exc}).") from None
    if not isinstance(meta["seed"], int) or isinstance(meta["seed"], bool):
        raise UserError(f"{file}: seed={meta['seed']!r} must be a whole number.")
    return meta


def invocation(command: list[str] | None = None) -> dict:
    """What made this invocation: command line, time, git commit and whether the tree had uncommitted changes,
    torch's thread count and the versions."""
    command = command or [Path(sys.argv[0]).name, *sys.argv[1:]]
    return {"command": shlex.join(command), "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            **_git_state(), "threads": torch.get_num_threads(), "inferlab": inferlab.__version__,
            "torch": torch.__version__, "python": platform.python_version()}


def _git_state() -> dict:
    here = Path(inferlab.__file__).parent

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(["git", *args], capture_output=True, text=True, timeout=5, cwd=here)
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD") or None
    status = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"git_commit": commit, "git_dirty": None if status is None else bool(status)}
