"""Checkpoints: plain state dicts written atomically and read back without unpickling code."""

from __future__ import annotations

from pathlib import Path

import torch

from inferlab.engine.atomic import atomic_write
from inferlab.errors import UserError

FORMAT_VERSION = 1


def save_checkpoint(path: Path, state: dict) -> None:
    """Write `state` to `path` atomically (engine.atomic)."""
    atomic_write(path, lambda f: torch.save({"format_version": FORMAT_VERSION, **state}, f))


def load_checkpoint(path: Path, map_location: str | torch.device = "cpu") -> dict:
    """Read a checkpoint with `weights_only=True`; a missing or unreadable file is a `UserError`."""
    if not path.is_file():
        raise UserError(f"No checkpoint at {path}: the run folder has no such file. "
                        "Train first, or pass a run folder that holds checkpoints/last.pt.")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except Exception as exc:  # torch raises several types for empty, truncated or foreign files
        raise UserError(f"Checkpoint {path} is corrupt or not an inferlab checkpoint ({_reason(exc)}). "
                        f"{_corrupt_advice(path)}") from None
    if not isinstance(state, dict) or state.get("format_version") != FORMAT_VERSION:
        raise UserError(f"Checkpoint {path} has format {state.get('format_version') if isinstance(state, dict) else '?'}; "
                        f"this inferlab reads format {FORMAT_VERSION}.")
    return state


def _reason(exc: Exception) -> str:
    """The exception's first line, without torch's advice to retry with weights_only=False: that would unpickle
    (run code from) the file, which we never do."""
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    if "weights_only" in str(exc) or not text:
        return type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _corrupt_advice(path: Path) -> str:
    best = path.with_name("best.pt")
    if path.name == "last.pt" and best.is_file():
        return (f"{best} holds the best evaluated state: evaluate it with --checkpoint best, or delete {path} and "
                "resume with --resume (training restarts from step 0).")
    if path.name == "last.pt":
        return f"Delete {path} and resume with --resume: training restarts from step 0 with the run's config."
    return "Use another checkpoint or run folder."


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
                            f"{' '.join(str(exc).split())[:300]}. Was the config changed since training?") from None
