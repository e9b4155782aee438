"""Atomic file writes: a temp file in the same folder, fsync, then rename over the target, so a kill at any moment
leaves either the old file or the new one, never a torn one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

TMP_SUFFIX = ".tmp"


def atomic_write(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Create or replace `path` with what `write(file)` writes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=TMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda f: f.write(text.encode()))


def remove_stale_temp_files(folder: Path) -> None:
    """Delete the temp files that `atomic_write` left in `folder` when a kill -9 came before its rename."""
    for tmp in folder.glob(f"*.*{TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
