"""Shared fixtures: an isolated cache for the FD feature nets."""

from __future__ import annotations

import os
import pytest

@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    os.environ["INFERLAB_CACHE"] = str(tmp_path_factory.mktemp("cache"))
