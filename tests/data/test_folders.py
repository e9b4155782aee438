import gzip

import numpy as np
import pytest
import torch
from PIL import Image

from inferlab.data.folders import load_image_folder, load_mnist_dir, load_mnist_idx, load_npz_images
from inferlab.errors import UserError

# ---------------------------------------------------------------- image folders


def test_class_subfolders_give_labels_and_pixels(class_folder):
    ds = load_image_folder(class_folder)
    assert ds.x.shape == (5, 3, 5, 6) and ds.x.dtype == torch.float32
    assert ds.y.tolist() == [0, 0, 1, 1, 1]  # cats, dogs in sorted order
    assert torch.equal(ds.x[0, :, 0, 0], torch.tensor([1.0, -1.0, -1.0]))  # red
    assert torch.equal(ds.x[4, :, 0, 0], torch.tensor([-1.0, -1.0, 1.0]))  # blue


def test_flat_grayscale_folder_with_jpeg(tmp_path):
    Image.new("L", (4, 4), 0).save(tmp_path / "a.png")
    Image.new("L", (4, 4), 255).save(tmp_path / "b.JPG")
    (tmp_path / "notes.txt").write_text("ignored")
    ds = load_image_folder(tmp_path)
    assert ds.y is None and ds.x.shape == (2, 1, 4, 4)
    assert ds.x[0].max() == -1.0 and ds.x[1].min() > 0.95


def test_16bit_png_is_rescaled_not_clipped(tmp_path):
    Image.fromarray(np.array([[0, 32768], [65535, 257]], dtype=np.uint16)).save(tmp_path / "deep.png")
    ds = load_image_folder(tmp_path)
    assert ds.x.shape == (1, 1, 2, 2)
    assert torch.allclose(ds.x[0, 0], torch.tensor([[0, 128], [255, 1]]) / 127.5 - 1, atol=1e-6)


def test_grayscale_flag_and_resize(tmp_path):
    Image.new("RGB", (8, 6), (10, 200, 30)).save(tmp_path / "a.png")
    Image.new("L", (3, 9), 128).save(tmp_path / "b.png")
    assert load_image_folder(tmp_path, size=4).x.shape == (2, 3, 4, 4)  # one colour file -> RGB
    assert load_image_folder(tmp_path, size=(2, 5), grayscale=True).x.shape == (2, 1, 2, 5)


def test_mixed_sizes_name_the_offending_file(class_folder):
    Image.new("RGB", (7, 7)).save(class_folder / "dogs" / "z_big.png")
    with pytest.raises(UserError, match=r"z_big\.png is 7x7.*0\.png is 6x5.*size"):
        load_image_folder(class_folder)


def test_folder_bad_inputs(tmp_path, class_folder):
    with pytest.raises(UserError, match="does not exist"):
        load_image_folder(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="contains no .png/.jpg/.jpeg files"):
        load_image_folder(tmp_path / "empty")
    with pytest.raises(UserError, match="not a directory"):
        load_image_folder(class_folder / "cats" / "0.png")
    with pytest.raises(UserError, match="positive int"):
        load_image_folder(class_folder, size=0)
    with pytest.raises(UserError, match="positive int"):
        load_image_folder(class_folder, size=2.5)
    Image.new("RGB", (6, 5)).save(class_folder / "loose.png")
    with pytest.raises(UserError, match="mixes images at its top level"):
        load_image_folder(class_folder)


def test_corrupt_image(class_folder):
    (class_folder / "cats" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(UserError, match=r"Cannot read image .*broken\.png"):
        load_image_folder(class_folder)


# ---------------------------------------------------------------- npz


def test_npz_nhw_with_x_and_y(tmp_path):
    x = np.zeros((3, 5, 4), dtype=np.uint8)
    x[1] = 255
    np.savez(tmp_path / "d.npz", x=x, y=np.array([2, 0, 1]))
    ds = load_npz_images(tmp_path / "d.npz")
    assert ds.x.shape == (3, 1, 5, 4) and ds.y.tolist() == [2, 0, 1]
    assert ds.x[0].max() == -1.0 and ds.x[1].min() == 1.0


def test_npz_nhwc_images_labels_and_nchw_arr0(tmp_path):
    x = np.random.default_rng(0).integers(0, 256, (4, 6, 5, 3), dtype=np.uint8)
    np.savez_compressed(tmp_path / "a.npz", images=x, labels=np.arange(4, dtype=np.uint8))
    a = load_npz_images(tmp_path / "a.npz")
    assert a.x.shape == (4, 3, 6, 5) and a.y.dtype == torch.int64 and a.y.tolist() == [0, 1, 2, 3]
    assert torch.allclose(a.x[2, 1, 3, 4], torch.tensor(float(x[2, 3, 4, 1]) / 127.5 - 1), atol=1e-6)
    np.savez(tmp_path / "b.npz", x.transpose(0, 3, 1, 2))  # positional -> arr_0, (N, C, H, W)
    b = load_npz_images(tmp_path / "b.npz")
    assert b.y is None and torch.equal(a.x, b.x)


def test_npz_explicit_key(tmp_path):
    np.savez(tmp_path / "k.npz", x=np.zeros((2, 3, 3), np.uint8), faces=np.full((5, 3, 3), 255, np.uint8))
    assert load_npz_images(tmp_path / "k.npz", key="faces").x.shape == (5, 1, 3, 3)


@pytest.mark.parametrize(
    "arrays,message",
    [
        ({"x": np.zeros((2, 4, 4), np.float32)}, "dtype float32"),
        ({"x": np.zeros((2, 4, 4, 5), np.uint8)}, r"shape \(2, 4, 4, 5\)"),
        ({"x": np.zeros((0, 4, 4), np.uint8)}, "non-empty"),
        ({"pixels": np.zeros((2, 4, 4), np.uint8)}, "no array any of x, images.*holds: pixels.*key="),
        ({"x": np.zeros((2, 4, 4), np.uint8), "y": np.zeros(3, np.int64)}, "one label per image"),
        ({"x": np.zeros((2, 4, 4), np.uint8), "y": np.zeros(2, np.float64)}, "1-D integer array"),
    ],
)
def test_npz_bad_arrays(tmp_path, arrays, message):
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(UserError, match=message):
        load_npz_images(tmp_path / "bad.npz")


def test_npz_bad_files(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        load_npz_images(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"PK\x03\x04 definitely not a zip archive")
    with pytest.raises(UserError, match=r"Cannot read npz file .*junk\.npz"):
        load_npz_images(tmp_path / "junk.npz")
    np.save(tmp_path / "single.npy", np.zeros((2, 3, 3), np.uint8))
    with pytest.raises(UserError, match="single .npy array"):
        load_npz_images(tmp_path / "single.npy")
    np.savez(tmp_path / "obj.npz", x=np.array([None, 1], dtype=object))
    with pytest.raises(UserError, match="non-object"):
        load_npz_images(tmp_path / "obj.npz")


# ---------------------------------------------------------------- MNIST IDX


@pytest.mark.parametrize("compress", [False, True])
def test_mnist_idx_roundtrip(tmp_path, write_idx, compress):
    images = np.random.default_rng(0).integers(0, 256, (7, 4, 5))
    write_idx(tmp_path / "imgs", images, compress=compress)
    write_idx(tmp_path / "labs", np.array([3, 1, 4, 1, 5, 9, 2]), compress=compress)
    ds = load_mnist_idx(tmp_path / "imgs", tmp_path / "labs")
    assert ds.x.shape == (7, 1, 4, 5) and ds.y.tolist() == [3, 1, 4, 1, 5, 9, 2]
    assert torch.allclose(ds.x[:, 0], torch.from_numpy(images / 127.5 - 1).float(), atol=1e-6)
    assert load_mnist_idx(tmp_path / "imgs").y is None


def test_mnist_bad_files(tmp_path, write_idx):
    labels = write_idx(tmp_path / "labels", np.arange(3))
    with pytest.raises(UserError, match=r"magic number 0x00000801.*must start with 0x00000803"):
        load_mnist_idx(labels)  # a labels file given as images
    images = write_idx(tmp_path / "images", np.zeros((2, 3, 3)))
    with pytest.raises(UserError, match="has 3 labels but images file .* has 2 images"):
        load_mnist_idx(images, labels)
    (tmp_path / "cut").write_bytes(images.read_bytes()[:-4])
    with pytest.raises(UserError, match="holds 14 bytes.*truncated"):
        load_mnist_idx(tmp_path / "cut")
    (tmp_path / "tiny").write_bytes(b"\x00\x00")
    with pytest.raises(UserError, match="only 2 bytes"):
        load_mnist_idx(tmp_path / "tiny")
    (tmp_path / "bad.gz").write_bytes(gzip.compress(images.read_bytes())[:-8] + b"garbage!")
    with pytest.raises(UserError, match="corrupt gzip"):
        load_mnist_idx(tmp_path / "bad.gz")
    with pytest.raises(UserError, match="does not exist"):
        load_mnist_idx(tmp_path / "missing-images-idx3-ubyte")


def test_mnist_dir_splits(mnist_dir):
    train, test, full = (load_mnist_dir(mnist_dir, s) for s in ("train", "test", "all"))
    assert train.x.shape == (6, 1, 5, 7) and train.y.tolist() == [0, 1, 2, 3, 4, 5]
    assert test.y.tolist() == [9, 8, 7, 6] and test.x.min() == 1.0
    assert torch.equal(full.x, torch.cat([train.x, test.x])) and len(full.y) == 10


def test_mnist_dir_missing_split(mnist_dir):
    for f in mnist_dir.glob("t10k*"):
        f.unlink()
    with pytest.raises(UserError, match="no test images file.*t10k-images-idx3-ubyte"):
        load_mnist_dir(mnist_dir, "test")
    with pytest.raises(UserError, match="allowed splits"):
        load_mnist_dir(mnist_dir, "val")


def test_mnist_dir_all_needs_matching_files(mnist_dir, write_idx):
    write_idx(mnist_dir / "t10k-images-idx3-ubyte", np.zeros((4, 3, 3)))  # other size than train's 5x7
    with pytest.raises(UserError, match="differ in image size"):
        load_mnist_dir(mnist_dir, "all")
