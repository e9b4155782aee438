"""Progress bars that one switch silences everywhere (`--no-progress`): training, benches, data generation.

`silence()` also sets INFERLAB_NO_PROGRESS=1, so processes started from this one (torchrun ranks, workers) stay
quiet too."""

from __future__ import annotations

import os

from tqdm import tqdm

ENV_VAR = "INFERLAB_NO_PROGRESS"


def silence() -> None:
    """Disable every later progress bar in this process and its children."""
    os.environ[ENV_VAR] = "1"


def silenced() -> bool:
    return os.environ.get(ENV_VAR, "") not in ("", "0")


def progress_bar(iterable=None, *, disable: bool = False, **kwargs) -> tqdm:
    """tqdm(iterable, **kwargs), disabled when asked or when progress bars are silenced."""
    return tqdm(iterable, disable=disable or silenced(), **kwargs)
