"""Checkpoints: plain state dicts written atomically and read back without unpickling code."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import torch

from inferlab.errors import UserError

FORMAT_VERSION = 1


def save_checkpoint(path: Path, state: dict) -> None:
    """Write `state` to `path` atomically: a temp file in the same folder, fsync, then rename over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save({"format_version": FORMAT_VERSION, **state}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_checkpoint(path: Path, map_location: str | torch.device = "cpu") -> dict:
    """Read a checkpoint with `weights_only=True`; a missing or unreadable file is a `UserError`."""
    if not path.is_file():
        raise UserError(f"No checkpoint at {path}: the run folder has no such file. "
                        "Train first, or pass a run folder that holds checkpoints/last.pt.")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # torch raises several types for truncated or foreign files
        raise UserError(f"Checkpoint {path} is corrupt or not an inferlab checkpoint ({type(exc).__name__}: "
                        f"{str(exc).splitlines()[0][:200]}). Use another run folder or delete the file.") from None
    if not isinstance(state, dict) or state.get("format_version") != FORMAT_VERSION:
        raise UserError(f"Checkpoint {path} has format {state.get('format_version') if isinstance(state, dict) else '?'}; "
                        f"this inferlab reads format {FORMAT_VERSION}.")
    return state


def load_state_dicts(objects: dict, saved: dict, path: Path) -> None:
    """Load each saved state dict into its object; a shape or key mismatch is a `UserError` naming the part."""
    missing = sorted(set(objects) - set(saved))
    if missing:
        raise UserError(f"Checkpoint {path} lacks {', '.join(missing)}; it was written by another method or version.")
    for name, obj in objects.items():
        try:
            obj.load_state_dict(saved[name])
        except (RuntimeError, KeyError, ValueError) as exc:
            raise UserError(f"Checkpoint {path} does not fit this model's {name!r}: "
                            f"{str(exc).splitlines()[0][:300]}. Was the config changed since training?") from None
