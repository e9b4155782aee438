"""Datasets and generators, all returning an in-memory TensorDataset; generators take explicit seeds/rngs."""

from inferlab.data.base import TensorDataset
from inferlab.data.digits import load_digits
from inferlab.data.folders import load_image_folder, load_mnist_dir, load_mnist_idx, load_npz_images
from inferlab.data.registry import SPEC_FORMS, load_dataset
from inferlab.data.shapes import SHAPE_NAMES, make_shapes
from inferlab.data.toy2d import TOY2D_NAMES, load_toy2d, sample_toy2d, toy2d_log_density, toy2d_modes

__all__ = [
    "SHAPE_NAMES", "SPEC_FORMS", "TOY2D_NAMES", "TensorDataset", "load_dataset", "load_digits", "load_image_folder",
    "load_mnist_dir", "load_mnist_idx", "load_npz_images", "load_toy2d", "make_shapes", "sample_toy2d",
    "toy2d_log_density", "toy2d_modes",
]
