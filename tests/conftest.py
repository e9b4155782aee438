"""Shared test set-up: one thread per test process (pytest runs two workers on two cores; oversubscribed OpenMP
threads slow torch down many times), and an isolated cache for the FD feature nets."""

from __future__ import annotations

import os

os.environ["OMP_NUM_THREADS"] = "1"  # inherited by the CLI subprocesses the tests start

import pytest  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    os.environ["INFERLAB_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _progress_bars_on(monkeypatch):
    """A test that runs the CLI in-process with --no-progress silences bars through the environment; undo it."""
    monkeypatch.delenv("INFERLAB_NO_PROGRESS", raising=False)
