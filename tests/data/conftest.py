"""Fixtures that write small data files (PNG folders, npz, MNIST IDX) into tmp_path."""

from __future__ import annotations

import gzip
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def _write_idx(path: Path, array: np.ndarray, *, compress: bool = False, magic: int | None = None) -> Path:
    """Write a uint8 array as an IDX file (magic 0x0801 for 1-D, 0x0803 for 3-D unless given)."""
    magic = magic if magic is not None else (0x0800 | array.ndim)
    raw = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw) if compress else raw)
    return path


@pytest.fixture
def write_idx() -> Callable[..., Path]:
    return _write_idx


@pytest.fixture
def mnist_dir(tmp_path: Path) -> Path:
    """A directory in MNIST layout: 6 train images (gzip) and 4 test images (raw), 5x7 pixels, with labels."""
    d = tmp_path / "mnist"
    d.mkdir()
    rng = np.random.default_rng(0)
    _write_idx(d / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (6, 5, 7)), compress=True)
    _write_idx(d / "train-labels-idx1-ubyte.gz", np.arange(6) % 10, compress=True)
    _write_idx(d / "t10k-images-idx3-ubyte", np.full((4, 5, 7), 255))
    _write_idx(d / "t10k-labels-idx1-ubyte", np.array([9, 8, 7, 6]))
    return d


@pytest.fixture
def class_folder(tmp_path: Path) -> Path:
    """cats/ (2 red PNGs) and dogs/ (3 blue PNGs), all 6 wide x 5 high RGB."""
    root = tmp_path / "pets"
    for cls, colour, count in (("cats", (255, 0, 0), 2), ("dogs", (0, 0, 255), 3)):
        (root / cls).mkdir(parents=True)
        for i in range(count):
            Image.new("RGB", (6, 5), colour).save(root / cls / f"{i}.png")
    return root
