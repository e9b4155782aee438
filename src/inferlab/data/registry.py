"""One entry point from a dataset spec string (config field / CLI flag) to a TensorDataset.

Splits: "digits" and MNIST directories have their own fixed splits; generated sets draw "test" from an
independent stream of the same seed; other user data (image folder, npz, one IDX file) gets a fixed,
seed-independent 80/20 holdout, so test samples never appear in train.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from inferlab.data.base import TensorDataset
from inferlab.data.digits import load_digits
from inferlab.data.folders import load_image_folder, load_mnist_dir, load_mnist_idx, load_npz_images
from inferlab.data.shapes import make_shapes
from inferlab.data.toy2d import TOY2D_NAMES, load_toy2d
from inferlab.errors import UserError

SPLITS = ("train", "test", "all")
SPEC_FORMS = (
    "digits", "shapes", f"toy2d:<{'|'.join(TOY2D_NAMES)}>",
    "folder:<dir>", "npz:<file.npz>", "mnist:<dir or images-idx3 file>", "an existing path (auto-detected)",
)
GENERATED_DEFAULT_N = 10_000  # samples drawn from "shapes"/"toy2d:*" when n <= 0
_HOLDOUT_TEST_FRACTION = 0.2
_HOLDOUT_SEED = 0  # fixed: the holdout must not depend on the run's seed


def _split_seed(seed: int, split: str) -> int:
    """Generated data: train/all use `seed` itself; test uses an independent stream derived from it."""
    return seed if split != "test" else int(np.random.SeedSequence([seed, 1]).generate_state(1)[0])


def _holdout(ds: TensorDataset, split: str) -> TensorDataset:
    """Fixed shuffled 80/20 split of user data; "all" is the whole set in the same shuffled order."""
    order = np.random.default_rng(_HOLDOUT_SEED).permutation(len(ds))
    n_test = round(_HOLDOUT_TEST_FRACTION * len(ds))
    idx = {"train": order[n_test:], "test": order[:n_test], "all": order}[split]
    if len(idx) == 0:
        raise UserError(f"Dataset {ds.name} has {len(ds)} samples, too few for a non-empty {split!r} split "
                        f"({_HOLDOUT_TEST_FRACTION:.0%} go to test); give more samples or use split 'all'.")
    return TensorDataset(ds.name, ds.x[idx], None if ds.y is None else ds.y[idx])


def _detect(path: Path) -> str:
    """Loader kind for a bare existing path."""
    if path.is_dir():
        return "mnist" if any("idx3" in p.name for p in path.iterdir()) else "folder"
    if path.suffix.lower() == ".npz":
        return "npz"
    if "idx3" in path.name:
        return "mnist"
    raise UserError(f"Cannot tell what kind of dataset {path} is; allowed specs are: {'; '.join(SPEC_FORMS)}.")


def load_dataset(spec: str, *, n: int, seed: int, split: str = "train") -> TensorDataset:
    """Load dataset `spec` (see SPEC_FORMS).

    Generated sets draw `n` samples (GENERATED_DEFAULT_N when `n` <= 0); for stored data `n` > 0 keeps
    the first `n` of the split and `n` <= 0 keeps all.
    """
    if split not in SPLITS:
        raise UserError(f"Unknown split {split!r} for dataset {spec!r}; allowed splits are: {', '.join(SPLITS)}.")
    n_generated = n if n > 0 else GENERATED_DEFAULT_N
    if spec == "shapes":
        return make_shapes(n_generated, np.random.default_rng(_split_seed(seed, split)))
    kind, _, arg = spec.partition(":")
    if kind == "toy2d":
        return load_toy2d(arg, n_generated, _split_seed(seed, split))
    if spec == "digits":
        ds = load_digits(split)
    elif kind in ("folder", "npz", "mnist") and arg:
        if kind == "mnist" and Path(arg).expanduser().is_dir():
            ds = load_mnist_dir(arg, split)
        else:
            ds = _holdout({"folder": load_image_folder, "npz": load_npz_images, "mnist": load_mnist_idx}[kind](arg), split)
    elif spec and Path(spec).expanduser().exists():
        return load_dataset(f"{_detect(Path(spec).expanduser())}:{spec}", n=n, seed=seed, split=split)
    else:
        raise UserError(f"Unknown dataset {spec!r}; allowed specs are: {'; '.join(SPEC_FORMS)}.")
    return ds if n <= 0 else TensorDataset(ds.name, ds.x[:n], None if ds.y is None else ds.y[:n])
