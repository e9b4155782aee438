"""Loaders for foreground-extraction data a user brings, following DRC's official data/dataset.py.

Images become (N, 3, S, S) float32 in [-1, 1] (bilinear resize, as torchvision's Resize on PIL images); masks
are read as 1-bit images (PIL convert("1")), resized nearest-neighbour and returned as (N, 1, S, S) in {0, 1}.
A missing or malformed file raises UserError naming it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from inferlab.data.folders import IMAGE_EXTENSIONS, _require
from inferlab.data.foreground.base import ForegroundData
from inferlab.errors import UserError

CUB_SPLITS = {"train": 0, "test": 2}
"""train_val_test_split.txt codes the official CUB loader uses (0 = training split, 2 = testing split)."""
SELECTION_FILES = {"dogs": ("data_tr_sel.npy", "data_te_sel.npy"),
                   "cars": ("data_mrcnn_train_select.npy", "data_mrcnn_test_select.npy")}
"""Per dataset: the .npy lists of image tokens of the training and test splits (official layout)."""


def _open(path: Path, mode: str, box: tuple[int, int, int, int] | None, size: int) -> np.ndarray:
    """Pixels of `path` converted to `mode`, cropped to `box` (x1, y1, x2, y2) and resized to size x size
    (size 0: no resize)."""
    if not path.is_file():
        raise UserError(f"Missing file {path}; the dataset's index lists it.")
    try:
        with Image.open(path) as im:
            im = im.convert(mode)
            if box is not None:
                im = im.crop(box)
            if size:
                im = im.resize((size, size), Image.Resampling.BILINEAR)  # PIL uses nearest for mode "1"
            return np.asarray(im)
    except (OSError, ValueError, Image.DecompressionBombError) as err:
        raise UserError(f"Cannot read image {path}: {err}. Replace or remove it.") from None


def _stack(name: str, images: list[np.ndarray], masks: list[np.ndarray], where: Path) -> ForegroundData:
    if not images:
        raise UserError(f"No images found for {name} under {where}.")
    x = torch.from_numpy(np.stack(images).astype(np.float32)).permute(0, 3, 1, 2) / 127.5 - 1
    m = torch.from_numpy(np.stack(masks).astype(np.float32))[:, None]
    return ForegroundData(name, x.contiguous(), m)


def _table(path: Path, columns: int, kind: type) -> list[list]:
    """Whitespace-separated rows of `columns` fields; the first is the image id."""
    _require(path, "file", "Index file")
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split()
        try:
            if len(fields) != columns:
                raise ValueError
            rows.append([int(fields[0])] + [kind(f) for f in fields[1:]])
        except ValueError:
            raise UserError(f"{path}, line {number}: expected {columns} whitespace-separated fields "
                            f"(an integer id, then {kind.__name__} values), got {line.strip()!r}.") from None
    return rows


def cub_crop(box: list[float], width: int, height: int) -> tuple[int, int, int, int]:
    """The official square crop around a bird: side 1.5 max(w, h) centred on the box, clipped to the image."""
    x, y, w, h = (int(v) for v in box)
    r = int(max(w, h) * 0.75)
    cx, cy = int((2 * x + w) / 2), int((2 * y + h) / 2)
    return max(0, cx - r), max(0, cy - r), min(width, cx + r), min(height, cy + r)


def load_cub(root: str | Path, split: str, size: int) -> ForegroundData:
    """CUB-200-2011: images.txt, bounding_boxes.txt, train_val_test_split.txt (codes 0 train / 2 test),
    images/<key>.jpg and segmentations/<key>.png, cropped around the box as the official loader does."""
    root = _require(root, "directory", "CUB-200-2011 folder")
    if split not in CUB_SPLITS:
        raise UserError(f"CUB split {split!r}: choose one of {', '.join(CUB_SPLITS)}.")
    files = {i: p for i, p in _table(root / "images.txt", 2, str)}
    boxes = {row[0]: row[1:] for row in _table(root / "bounding_boxes.txt", 5, float)}
    codes = {i: c for i, c in _table(root / "train_val_test_split.txt", 2, int)}
    for what, table in (("bounding_boxes.txt", boxes), ("train_val_test_split.txt", codes)):
        missing = sorted(set(files) - set(table))
        if missing:
            raise UserError(f"{root / what} has no row for image id {missing[0]} of images.txt; the three index "
                            "files must list the same ids.")
    images, masks = [], []
    for i, rel in files.items():
        if codes[i] != CUB_SPLITS[split]:
            continue
        key = rel.rsplit(".", 1)[0]
        image_path = root / "images" / f"{key}.jpg"
        height, width = _open(image_path, "RGB", None, 0).shape[:2]
        box = cub_crop(boxes[i], width, height)
        images.append(_open(image_path, "RGB", box, size))
        masks.append(_open(root / "segmentations" / f"{key}.png", "1", box, size))
    return _stack(f"cub:{root}:{split}", images, masks, root)


def load_resized_pairs(root: str | Path, kind: str, split: str, size: int) -> ForegroundData:
    """Stanford Dogs / Cars as the official code reads them: tokens from the split's selection .npy, images
    data_mrcnn/<split>/resized/<token>_resized.png and masks <token>_maskresized.png."""
    root = _require(root, "directory", f"{kind} folder")
    if kind not in SELECTION_FILES or split not in ("train", "test"):
        raise UserError(f"Resized-pairs data {kind!r}/{split!r}: kinds {', '.join(SELECTION_FILES)}; "
                        "splits train, test.")
    selection = root / SELECTION_FILES[kind][split == "test"]
    _require(selection, "file", "Selection file")
    try:
        tokens = np.load(selection, allow_pickle=False).reshape(-1)
    except (OSError, ValueError) as err:
        raise UserError(f"Cannot read {selection} as a .npy array of image tokens: {err}.") from None
    folder = root / "data_mrcnn" / split / "resized"
    images = [_open(folder / f"{t}_resized.png", "RGB", None, size) for t in tokens]
    masks = [_open(folder / f"{t}_maskresized.png", "1", None, size) for t in tokens]
    return _stack(f"{kind}:{root}:{split}", images, masks, folder)


def load_image_mask_folder(root: str | Path, size: int) -> ForegroundData:
    """root/images/<stem>.png|jpg with root/masks/<stem>.png (non-zero = foreground)."""
    root = _require(root, "directory", "Image + mask folder")
    image_dir = _require(root / "images", "directory", "Images folder")
    _require(root / "masks", "directory", "Masks folder")
    files = sorted(p for p in image_dir.iterdir() if p.suffix.lower() in IMAGE_EXTENSIONS)
    images = [_open(p, "RGB", None, size) for p in files]
    masks = [_open(root / "masks" / f"{p.stem}.png", "1", None, size) for p in files]
    return _stack(f"pairs:{root}", images, masks, image_dir)
