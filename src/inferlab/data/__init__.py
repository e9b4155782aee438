"""Datasets and generators, all returning an in-memory TensorDataset; generators take explicit seeds/rngs.

The names below load on first use (PEP 562), so `inferlab data --help` does not import torch."""

from importlib import import_module

_EXPORTS = {
    "TensorDataset": "base", "load_digits": "digits", "load_image_folder": "folders", "load_mnist_dir": "folders",
    "load_mnist_idx": "folders", "load_npz_images": "folders", "SPEC_FORMS": "registry", "load_dataset": "registry",
    "SHAPE_NAMES": "shapes", "make_shapes": "shapes", "TOY2D_NAMES": "toy2d", "load_toy2d": "toy2d",
    "sample_toy2d": "toy2d", "toy2d_log_density": "toy2d", "toy2d_modes": "toy2d",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'inferlab.data' has no attribute {name!r}")
    return getattr(import_module(f"inferlab.data.{_EXPORTS[name]}"), name)
