"""Images with foreground masks for unsupervised foreground extraction (DRC): generated textured sprites, CLEVR-like
renders of 3-D primitives (objects3d), and
loaders for CUB-200-2011, the Stanford Dogs / Cars `*_resized.png` layout, and image + mask folders."""

from __future__ import annotations

from inferlab.data.foreground.base import ForegroundData
from inferlab.data.foreground.loaders import load_cub, load_image_mask_folder, load_resized_pairs
from inferlab.data.foreground.objects3d import objects3d_splits
from inferlab.data.foreground.textured import SHAPES, textured_splits
from inferlab.errors import UserError

KINDS = ("textured", "objects3d", "cub:DIR", "dogs:DIR", "cars:DIR", "pairs:DIR")


def load_foreground(name: str, *, image_size: int, seed: int, n_train: int = 2000, n_test: int = 200,
                    n_unseen: int = 0, held_out_shape: str = "star", max_objects: int = 4
                    ) -> dict[str, ForegroundData]:
    """Splits {"train", "test"[, "unseen"]} of the dataset `name` (see KINDS); test images are never training
    images. Real data: the official splits (CUB train_val_test_split.txt 0 / 2; Dogs/Cars train / test)."""
    if name == "textured":
        return textured_splits(n_train=n_train, n_test=n_test, n_unseen=n_unseen, size=image_size, seed=seed,
                               held_out=held_out_shape, max_objects=max_objects)
    if name == "objects3d":
        return objects3d_splits(n_train=n_train, n_test=n_test, n_unseen=n_unseen, size=image_size, seed=seed,
                                held_out=held_out_shape, max_objects=max_objects)
    kind, sep, path = name.partition(":")
    if not sep or not path:
        raise UserError(f"data.name={name!r}: DRC takes one of {', '.join(KINDS)}.")
    if kind == "cub":
        return {split: load_cub(path, split, image_size) for split in ("train", "test")}
    if kind in ("dogs", "cars"):
        return {split: load_resized_pairs(path, kind, split, image_size) for split in ("train", "test")}
    if kind == "pairs":
        return {split: load_image_mask_folder(f"{path}/{split}", image_size) for split in ("train", "test")}
    raise UserError(f"data.name={name!r}: unknown kind {kind!r}; DRC takes one of {', '.join(KINDS)}.")


__all__ = ["ForegroundData", "KINDS", "SHAPES", "load_cub", "load_foreground", "load_image_mask_folder",
           "load_resized_pairs", "objects3d_splits", "textured_splits"]
