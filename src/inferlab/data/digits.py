"""scikit-learn's bundled 8x8 handwritten digits (1797 images, ships with sklearn, no download).

The train/test split is fixed (stratified 80/20, its own seed, independent of any run seed), so test
images never leak into training whatever seed a run uses.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import torch

from inferlab.data.base import TensorDataset
from inferlab.errors import UserError

DIGITS_SPLITS = ("train", "test", "all")
_TEST_FRACTION = 0.2
_SPLIT_SEED = 20240101  # fixed on purpose: the split must not depend on the user's seed


@lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Images (N, 1, 8, 8) float32 in [-1, 1], labels (N,) int64, and the test mask (N,) bool."""
    import sklearn.datasets  # imported here: sklearn costs ~0.8 s to import

    bunch = sklearn.datasets.load_digits()
    x = (bunch.images.astype(np.float32) / 8.0 - 1.0)[:, None]  # pixel values 0..16 -> [-1, 1]
    y = bunch.target.astype(np.int64)
    rng = np.random.default_rng(_SPLIT_SEED)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):  # stratified: 20% of every digit goes to test
        idx = rng.permutation(np.flatnonzero(y == label))
        test[idx[: round(_TEST_FRACTION * len(idx))]] = True
    for a in (x, y, test):
        a.setflags(write=False)
    return x, y, test


def load_digits(split: str = "train", exclude_labels: Iterable[int] = ()) -> TensorDataset:
    """Digits of `split` ("train" ~1437, "test" ~360, "all" 1797) as (N, 1, 8, 8) in [-1, 1], y int64.

    `exclude_labels` drops those digits (e.g. hold out a digit for anomaly detection).
    """
    if split not in DIGITS_SPLITS:
        raise UserError(f"Unknown digits split {split!r}; allowed splits are: {', '.join(DIGITS_SPLITS)}.")
    excluded = list(exclude_labels)
    if any(isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 0 <= d <= 9 for d in excluded):
        raise UserError(f"exclude_labels={excluded!r} for digits is not allowed; labels must be integers 0..9.")
    x, y, test = _digits_arrays()
    keep = {"train": ~test, "test": test, "all": np.ones_like(test)}[split] & ~np.isin(y, excluded)
    if not keep.any():
        raise UserError(f"exclude_labels={excluded!r} removes every digit of split {split!r}; keep at least one digit.")
    return TensorDataset("digits", torch.from_numpy(x[keep].copy()), torch.from_numpy(y[keep].copy()))
