"""Loaders for image data a user brings: a folder of PNG/JPEG files, an .npz array file, MNIST IDX files.

Every loader returns images (N, C, H, W) float32 in [-1, 1] (from uint8 pixels: p / 127.5 - 1) and
labels int64 or None. Anything wrong with the input raises UserError saying what, where and what is allowed.
"""

from __future__ import annotations

import gzip
import struct
import zipfile
import zlib
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from inferlab.data.base import TensorDataset
from inferlab.errors import UserError

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
NPZ_IMAGE_KEYS = ("x", "images", "image", "imgs", "data", "arr_0", "x_train")
NPZ_LABEL_KEYS = ("y", "labels", "label", "target", "targets", "y_train")
MNIST_SPLIT_PREFIXES = {"train": ("train",), "test": ("t10k", "test")}
_GRAY_MODES = {"1", "L", "LA", "I", "F"}  # PIL modes, ignoring a ";16"-style suffix
_IDX_MAGIC = {"images": (0x0803, 3), "labels": (0x0801, 1)}  # MNIST: unsigned byte, (N, H, W) / (N,)


def _require(path: str | Path, kind: str, what: str) -> Path:
    """Resolve `path` and check it is an existing file or directory (`kind`)."""
    p = Path(path).expanduser()
    if not p.exists():
        raise UserError(f"{what} {p} does not exist; give the path of an existing {kind}.")
    if kind == "directory" and not p.is_dir():
        raise UserError(f"{what} {p} is a file, not a directory; give the path of the directory.")
    if kind == "file" and not p.is_file():
        raise UserError(f"{what} {p} is a directory, not a file; give the path of the file itself.")
    return p


def _to_dataset(name: str, images: np.ndarray, labels: np.ndarray | None) -> TensorDataset:
    """uint8 (N, C, H, W) -> float32 in [-1, 1]; labels -> int64."""
    x = np.ascontiguousarray(images, dtype=np.float32)  # a fresh, writable copy
    x /= 127.5
    x -= 1.0
    y = None if labels is None else torch.from_numpy(np.array(labels, dtype=np.int64))
    return TensorDataset(name, torch.from_numpy(x), y)


# ---------------------------------------------------------------- image folders


def _image_files(directory: Path) -> list[Path]:
    return sorted(
        p for p in directory.rglob("*")
        if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)  # skip hidden files/dirs
    )


def _read_image(file: Path, size: tuple[int, int] | None, mode: str | None) -> tuple[np.ndarray, bool]:
    """Pixels (H, W, C) uint8 in `mode` (or RGB when None) and whether the file itself is grayscale."""
    try:
        with Image.open(file) as im:
            im.load()
            is_gray = im.mode.split(";")[0] in _GRAY_MODES
            if im.mode.startswith("I"):  # 16-bit grayscale PNG: map 0..65535 to 0..255 instead of clipping
                im = Image.fromarray((np.asarray(im, dtype=np.float64) / 257).clip(0, 255).round().astype(np.uint8))
            im = im.convert(mode or "RGB")
            if size is not None:
                im = im.resize((size[1], size[0]), Image.Resampling.BICUBIC)
            return np.asarray(im, dtype=np.uint8).reshape(im.height, im.width, -1), is_gray
    except (OSError, ValueError, Image.DecompressionBombError) as err:
        raise UserError(
            f"Cannot read image {file}: {err}. Every {'/'.join(IMAGE_EXTENSIONS)} file in the folder must be "
            "a valid image; remove or replace this one."
        ) from None


def load_image_folder(
    path: str | Path, size: int | tuple[int, int] | None = None, grayscale: bool | None = None
) -> TensorDataset:
    """All PNG/JPEG images under `path` as one dataset.

    Layout: either images directly in `path` (y = None), or one subfolder per class (y = index of the
    subfolder name in sorted order, like torchvision's ImageFolder). `size` (int or (H, W)) resizes every
    image; without it all images must share one size. `grayscale`: True -> 1 channel, False -> RGB,
    None -> 1 channel only if every file is grayscale. Alpha is dropped.
    """
    root = _require(path, "directory", "Image folder")
    if size is not None:
        dims = (size, size) if isinstance(size, int) else tuple(size) if isinstance(size, (tuple, list)) else ()
        if len(dims) != 2 or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in dims):
            raise UserError(f"Image size {size!r} for {root} is not allowed; give a positive int or (height, width).")
        size = dims
    files = _image_files(root)
    if not files:
        raise UserError(f"Image folder {root} contains no {'/'.join(IMAGE_EXTENSIONS)} files; put images in it "
                        "directly or in one subfolder per class.")
    class_names = sorted({f.relative_to(root).parts[0] for f in files if len(f.relative_to(root).parts) > 1})
    loose = [f for f in files if f.parent == root]
    if class_names and loose:
        raise UserError(
            f"Image folder {root} mixes images at its top level (e.g. {loose[0].name}) with class subfolders "
            f"({', '.join(class_names)}); put all images either directly in the folder or in class subfolders."
        )
    mode = None if grayscale is None else ("L" if grayscale else "RGB")
    arrays, grays = [], []
    for f in files:
        pixels, is_gray = _read_image(f, size, mode)
        if arrays and pixels.shape != arrays[0].shape:
            h0, w0 = arrays[0].shape[:2]
            raise UserError(
                f"Image {f} is {pixels.shape[1]}x{pixels.shape[0]} (WxH) but {files[0]} is {w0}x{h0}; all images "
                f"in {root} must share one size unless a size is given to resize them all."
            )
        arrays.append(pixels)
        grays.append(is_gray)
    images = np.stack(arrays).transpose(0, 3, 1, 2)  # (N, C, H, W)
    if grayscale is None and all(grays):
        images = images[:, :1]
    labels = np.array([class_names.index(f.relative_to(root).parts[0]) for f in files]) if class_names else None
    return _to_dataset(f"folder:{root}", images, labels)


# ---------------------------------------------------------------- .npz arrays


def _images_to_nchw(arr: np.ndarray, where: str) -> np.ndarray:
    """uint8 (N, H, W), (N, H, W, C) or (N, C, H, W) with C in {1, 3} -> (N, C, H, W)."""
    allowed = "uint8 arrays shaped (N, H, W), (N, H, W, C) or (N, C, H, W) with C = 1 or 3"
    if arr.dtype != np.uint8:
        raise UserError(f"Images {where} have dtype {arr.dtype}; allowed are {allowed} "
                        "(convert floats in [0, 1] with (x * 255).round().astype(np.uint8)).")
    if arr.ndim == 3 and arr.shape[0] > 0:
        return arr[:, None]
    if arr.ndim == 4 and arr.shape[0] > 0:
        if arr.shape[-1] in (1, 3):
            return arr.transpose(0, 3, 1, 2)
        if arr.shape[1] in (1, 3):
            return arr
    raise UserError(f"Images {where} have shape {arr.shape}; allowed are non-empty {allowed}.")


def _first_key(keys: list[str], candidates: tuple[str, ...]) -> str | None:
    return next((k for k in candidates if k in keys), None)


def load_npz_images(path: str | Path, key: str | None = None) -> TensorDataset:
    """Images from an .npz file: array `key`, or the first of NPZ_IMAGE_KEYS present.

    Labels come from the first of NPZ_LABEL_KEYS present (1-D integers, one per image), else y = None.
    """
    file = _require(path, "file", "npz file")
    allowed = "a file written by numpy.savez or numpy.savez_compressed holding plain (non-object) arrays"
    try:
        with open(file, "rb") as fh:  # our own handle: np.load leaks its file when the zip is corrupt
            npz = np.load(fh, allow_pickle=False)
            if not isinstance(npz, np.lib.npyio.NpzFile):
                raise UserError(f"{file} is a single .npy array, not an .npz archive; allowed is {allowed}, "
                                "e.g. numpy.savez(path, x=images, y=labels).")
            keys = list(npz.files)
            image_key = key if key is not None else _first_key(keys, NPZ_IMAGE_KEYS)
            if image_key not in keys:
                wanted = repr(key) if key is not None else f"any of {', '.join(NPZ_IMAGE_KEYS)}"
                raise UserError(f"npz file {file} has no array {wanted}; it holds: {', '.join(keys) or 'nothing'}. "
                                "Pass key= with the name of the image array.")
            label_key = _first_key([k for k in keys if k != image_key], NPZ_LABEL_KEYS)
            images = npz[image_key]
            labels = None if label_key is None else npz[label_key]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        raise UserError(f"Cannot read npz file {file}: {err}. Allowed is {allowed}.") from None
    images = _images_to_nchw(images, f"in {file} (key {image_key!r})")
    if labels is not None and (labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) != len(images)):
        raise UserError(f"Labels in {file} (key {label_key!r}) have dtype {labels.dtype} and shape {labels.shape}; "
                        f"allowed is a 1-D integer array with one label per image ({len(images)}).")
    return _to_dataset(f"npz:{file}", images, labels)


# ---------------------------------------------------------------- MNIST IDX files


def _read_idx(path: str | Path, role: str) -> np.ndarray:
    """Read an MNIST IDX file (raw or gzip-compressed) of `role` "images" (N, H, W) or "labels" (N,)."""
    file = _require(path, "file", f"MNIST {role} file")
    magic, ndim = _IDX_MAGIC[role]
    raw = file.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip magic, whatever the extension
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as err:
            raise UserError(f"MNIST {role} file {file} is a corrupt gzip file ({err}); re-download or re-compress it.") from None
    found = struct.unpack(">I", raw[:4])[0] if len(raw) >= 4 else None
    if found != magic:
        got = f"0x{found:08x}" if found is not None else f"only {len(raw)} bytes"
        raise UserError(f"MNIST {role} file {file} has magic number {got}; an IDX {role} file must start with "
                        f"0x{magic:08x} (unsigned bytes, {ndim} dimension{'s' * (ndim > 1)}).")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise UserError(f"MNIST {role} file {file} is truncated inside its header ({len(raw)} bytes); re-download it.")
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    if len(raw) - header != int(np.prod(dims)) or dims[0] == 0:
        raise UserError(f"MNIST {role} file {file} declares shape {dims} ({int(np.prod(dims))} bytes of data) but holds "
                        f"{len(raw) - header} bytes; the file is truncated, padded or empty; re-download it.")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def load_mnist_idx(images_path: str | Path, labels_path: str | Path | None = None) -> TensorDataset:
    """MNIST-format images (IDX magic 2051, also .gz) as (N, 1, H, W); labels from an IDX labels file (2049)."""
    images = _read_idx(images_path, "images")
    labels = None if labels_path is None else _read_idx(labels_path, "labels")
    if labels is not None and len(labels) != len(images):
        raise UserError(f"MNIST labels file {labels_path} has {len(labels)} labels but images file {images_path} has "
                        f"{len(images)} images; give the labels file that belongs to these images.")
    return _to_dataset(f"mnist:{Path(images_path).expanduser()}", images[:, None], labels)


def _find_idx(directory: Path, split: str, kind: str) -> Path | None:
    """The IDX file of `kind` ("idx3" images / "idx1" labels) for `split`, preferring uncompressed copies."""
    found = [
        p for p in directory.iterdir()
        if p.is_file() and kind in p.name and p.name.startswith(MNIST_SPLIT_PREFIXES[split])
    ]
    return min(found, key=lambda p: (len(p.name), p.name)) if found else None


def load_mnist_dir(path: str | Path, split: str = "train") -> TensorDataset:
    """MNIST-layout directory (train-images-idx3-ubyte[.gz], t10k-..., labels optional) for `split`.

    `split`: "train" (files starting "train"), "test" (starting "t10k" or "test") or "all" (both, concatenated).
    """
    directory = _require(path, "directory", "MNIST directory")
    if split not in ("train", "test", "all"):
        raise UserError(f"Unknown MNIST split {split!r}; allowed splits are: train, test, all.")
    parts = []
    for s in ("train", "test") if split == "all" else (split,):
        images = _find_idx(directory, s, "idx3")
        if images is None:
            raise UserError(f"MNIST directory {directory} has no {s} images file; expected a file named like "
                            f"{MNIST_SPLIT_PREFIXES[s][0]}-images-idx3-ubyte (optionally .gz).")
        parts.append(load_mnist_idx(images, _find_idx(directory, s, "idx1")))
    if len(parts) > 1 and (parts[0].x.shape[1:] != parts[1].x.shape[1:] or (parts[0].y is None) != (parts[1].y is None)):
        raise UserError(f"MNIST directory {directory}: train and test files differ in image size or in having labels; "
                        "split 'all' needs matching files.")
    x = torch.cat([p.x for p in parts])
    y = None if parts[0].y is None else torch.cat([p.y for p in parts])
    return TensorDataset(f"mnist:{directory}", x, y)
