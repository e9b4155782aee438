"""Foreground datasets: generated textured sprites, and the CUB / Dogs-Cars / image+mask loaders on small files."""

import numpy as np
import pytest
import torch
from PIL import Image

from inferlab.data.foreground import load_cub, load_foreground, load_image_mask_folder, load_resized_pairs
from inferlab.data.foreground.loaders import cub_crop
from inferlab.data.foreground.objects3d import objects3d_splits
from inferlab.data.foreground.textured import shape_mask, texture, textured_splits
from inferlab.errors import UserError


def test_textured_splits_have_exact_masks_and_hold_one_shape_out():
    splits = textured_splits(n_train=6, n_test=3, n_unseen=2, size=16, seed=0, held_out="star", max_objects=2)
    assert {k: len(v) for k, v in splits.items()} == {"train": 6, "test": 3, "unseen": 2}
    for data in splits.values():
        assert data.images.shape[1:] == (3, 16, 16) and data.masks.shape[1:] == (1, 16, 16)
        assert data.images.min() >= -1 and data.images.max() <= 1
        assert set(data.masks.unique().tolist()) <= {0.0, 1.0} and (data.masks.flatten(1).sum(1) > 0).all()
    again = textured_splits(n_train=6, n_test=3, n_unseen=2, size=16, seed=0, held_out="star", max_objects=2)
    assert torch.equal(again["train"].images, splits["train"].images)
    assert not torch.equal(splits["train"].images[:3], splits["test"].images)
    with pytest.raises(UserError, match="held_out_shape"):
        textured_splits(n_train=1, n_test=1, n_unseen=1, size=16, seed=0, held_out="hexagon", max_objects=1)


def test_small_textured_images_keep_coarse_textures_and_sprites_of_several_pixels():
    """At 16 px, patterns of 3-8 cycles per image would alias into noise and sprites of radius 0.12 would be 2 px
    across: the generator caps the frequencies (period >= 6 px) and keeps sprite radii >= 3 px."""
    rng = np.random.default_rng(0)
    roughness = []
    for _ in range(200):  # mean |difference of neighbouring pixels| / spread of the texture
        t = texture(rng, 16)
        roughness.append((np.abs(np.diff(t, axis=0)).mean() + np.abs(np.diff(t, axis=1)).mean()) / (2 * t.std()))
    assert np.mean(roughness) < 0.3 and np.max(roughness) < 0.7  # uncapped: mean 0.44, max 1.24
    single = textured_splits(n_train=200, n_test=1, n_unseen=200, size=16, seed=0, held_out="star", max_objects=1)
    for split in ("train", "unseen"):  # one sprite per image: at least ~pi 3^2 / 2 pixels (uncapped: 6)
        assert single[split].masks.flatten(1).sum(1).min() >= 14


def test_objects3d_renders_have_object_masks_and_hold_one_class_out():
    splits = load_foreground("objects3d", image_size=16, seed=0, n_train=4, n_test=2, n_unseen=2,
                             held_out_shape="cone", max_objects=3)
    assert {k: len(v) for k, v in splits.items()} == {"train": 4, "test": 2, "unseen": 2}
    for data in splits.values():
        assert data.images.shape[1:] == (3, 16, 16) and data.masks.shape[1:] == (1, 16, 16)
        assert data.images.min() >= -1 and data.images.max() <= 1
        assert set(data.masks.unique().tolist()) == {0.0, 1.0}
    again = objects3d_splits(n_train=4, n_test=2, n_unseen=2, size=16, seed=0, held_out="cone", max_objects=3)
    assert torch.equal(again["train"].masks, splits["train"].masks)
    with pytest.raises(UserError, match="sphere, cube, cylinder, cone"):
        objects3d_splits(n_train=1, n_test=1, n_unseen=1, size=16, seed=0, held_out="star", max_objects=1)


def test_shape_masks_differ_between_classes():
    v, u = np.mgrid[-1:1:33j, -1:1:33j]
    areas = {s: shape_mask(s, u, v).mean() for s in ("square", "circle", "triangle", "diamond", "star", "cross")}
    assert len({round(a, 3) for a in areas.values()}) == 6


def _png(path, array, mode=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, dtype=np.uint8), mode).save(path)


def _cub(root, n=3):
    rng = np.random.default_rng(0)
    lines = {"images.txt": [], "bounding_boxes.txt": [], "train_val_test_split.txt": []}
    for i in range(1, n + 1):
        key = f"001.Bird/b{i}"
        _png(root / "images" / f"{key}.jpg", rng.integers(0, 255, (20, 30, 3)))
        seg = np.zeros((20, 30), np.uint8)
        seg[5:15, 10:20] = 255
        _png(root / "segmentations" / f"{key}.png", seg)
        lines["images.txt"].append(f"{i} {key}.jpg")
        lines["bounding_boxes.txt"].append(f"{i} 10.0 5.0 10.0 10.0")
        lines["train_val_test_split.txt"].append(f"{i} {2 if i == n else 0}")
    for name, rows in lines.items():
        (root / name).write_text("\n".join(rows) + "\n")


def test_cub_loader_crops_around_the_box_and_splits(tmp_path):
    _cub(tmp_path)
    train, test = load_cub(tmp_path, "train", 8), load_cub(tmp_path, "test", 8)
    assert len(train) == 2 and len(test) == 1 and train.images.shape == (2, 3, 8, 8)
    assert cub_crop([10, 5, 10, 10], 30, 20) == (8, 3, 22, 17)  # r = 7 around the centre (15, 10)
    assert 0.4 < train.masks.mean() < 0.8  # the 10x10 bird fills most of the 14x14 crop
    spec = load_foreground(f"cub:{tmp_path}", image_size=8, seed=0)
    assert set(spec) == {"train", "test"}


def test_cub_loader_names_the_bad_file(tmp_path):
    _cub(tmp_path)
    (tmp_path / "bounding_boxes.txt").write_text("1 10 5 10 10\n2 10 5 10\n")
    with pytest.raises(UserError, match=r"bounding_boxes.txt, line 2"):
        load_cub(tmp_path, "train", 8)
    _cub(tmp_path)
    (tmp_path / "segmentations" / "001.Bird" / "b1.png").unlink()
    with pytest.raises(UserError, match=r"Missing file .*b1.png"):
        load_cub(tmp_path, "train", 8)
    _cub(tmp_path)
    (tmp_path / "images" / "001.Bird" / "b2.jpg").write_bytes(b"not an image")
    with pytest.raises(UserError, match=r"b2.jpg"):
        load_cub(tmp_path, "train", 8)
    with pytest.raises(UserError, match="does not exist"):
        load_cub(tmp_path / "nowhere", "train", 8)


def test_dogs_resized_layout_and_image_mask_folders(tmp_path):
    folder = tmp_path / "dogs" / "data_mrcnn" / "train" / "resized"
    for token in ("a", "b"):
        _png(folder / f"{token}_resized.png", np.full((12, 12, 3), 200))
        _png(folder / f"{token}_maskresized.png", np.eye(12) * 255)
    np.save(tmp_path / "dogs" / "data_tr_sel.npy", np.array(["a", "b"]))
    data = load_resized_pairs(tmp_path / "dogs", "dogs", "train", 8)
    assert data.images.shape == (2, 3, 8, 8) and data.masks.sum() > 0
    with pytest.raises(UserError, match="data_te_sel.npy"):
        load_resized_pairs(tmp_path / "dogs", "dogs", "test", 8)

    pairs = tmp_path / "pairs"
    _png(pairs / "images" / "x.png", np.zeros((8, 8, 3)))
    _png(pairs / "masks" / "x.png", np.ones((8, 8)) * 255)
    assert load_image_mask_folder(pairs, 8).masks.mean() == 1.0
    _png(pairs / "images" / "y.png", np.zeros((8, 8, 3)))
    with pytest.raises(UserError, match=r"Missing file .*masks/y.png"):
        load_image_mask_folder(pairs, 8)


def test_unknown_dataset_kinds_are_refused():
    with pytest.raises(UserError, match="DRC takes one of"):
        load_foreground("imagenet:/x", image_size=8, seed=0)
