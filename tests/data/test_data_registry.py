import numpy as np
import pytest
import torch

from inferlab.data import load_dataset
from inferlab.data.registry import GENERATED_DEFAULT_N
from inferlab.errors import UserError


def _rows(x: torch.Tensor) -> set[bytes]:
    return {row.tobytes() for row in x.reshape(len(x), -1).numpy()}


def test_digits_n_caps_and_zero_means_all():
    assert len(load_dataset("digits", n=0, seed=0)) == 1438
    assert len(load_dataset("digits", n=-1, seed=0, split="test")) == 359
    small = load_dataset("digits", n=100, seed=0)
    assert small.x.shape == (100, 1, 8, 8) and len(small.y) == 100


def test_generated_sets_seeded_per_split():
    a = load_dataset("shapes", n=16, seed=3)
    assert a.x.shape == (16, 3, 32, 32)
    assert torch.equal(a.x, load_dataset("shapes", n=16, seed=3).x)
    assert not torch.equal(a.x, load_dataset("shapes", n=16, seed=3, split="test").x)
    toy = load_dataset("toy2d:moons", n=50, seed=1)
    assert toy.x.shape == (50, 2) and toy.name == "toy2d:moons"
    assert not torch.equal(toy.x, load_dataset("toy2d:moons", n=50, seed=1, split="test").x)
    assert len(load_dataset("toy2d:rings", n=0, seed=0)) == GENERATED_DEFAULT_N  # n <= 0: the default size


def test_folder_holdout_is_disjoint_and_fixed(class_folder):
    from PIL import Image

    for i in range(5):  # make every image distinct so rows identify samples
        Image.new("RGB", (6, 5), (i * 40, 0, 0)).save(class_folder / "cats" / f"extra{i}.png")
    train = load_dataset(f"folder:{class_folder}", n=0, seed=0)
    test = load_dataset(f"folder:{class_folder}", n=0, seed=99, split="test")
    full = load_dataset(str(class_folder), n=0, seed=0, split="all")  # bare path: auto-detected as folder
    assert (len(train), len(test), len(full)) == (8, 2, 10)
    assert not _rows(train.x) & _rows(test.x)
    assert len(load_dataset(f"folder:{class_folder}", n=3, seed=0)) == 3


def test_npz_and_mnist_autodetect(tmp_path, mnist_dir, write_idx):
    np.savez(tmp_path / "d.npz", x=np.zeros((10, 4, 4), np.uint8))
    assert load_dataset(str(tmp_path / "d.npz"), n=0, seed=0).name.startswith("npz:")
    assert len(load_dataset(f"npz:{tmp_path / 'd.npz'}", n=0, seed=0, split="test")) == 2
    assert len(load_dataset(str(mnist_dir), n=0, seed=0, split="test")) == 4  # the directory's own split
    single = write_idx(tmp_path / "my-idx3-file", np.zeros((10, 2, 2)))
    assert len(load_dataset(str(single), n=0, seed=0)) == 8  # one file -> fixed holdout


@pytest.mark.parametrize(
    "spec,kwargs,message",
    [
        ("cifar10", {}, r"Unknown dataset 'cifar10'; allowed specs are: digits; shapes; toy2d:<8gaussians"),
        ("folder:", {}, "folder:<dir>"),
        ("toy2d:swiss", {}, "allowed names are"),
        ("digits", {"split": "val"}, "allowed splits are: train, test, all"),
        ("folder:/no/such/dir", {}, "does not exist"),
    ],
)
def test_bad_specs(spec, kwargs, message):
    with pytest.raises(UserError, match=message):
        load_dataset(spec, **{"n": 10, "seed": 0, **kwargs})


def test_unrecognised_existing_file(tmp_path):
    (tmp_path / "data.csv").write_text("1,2\n")
    with pytest.raises(UserError, match="Cannot tell what kind of dataset"):
        load_dataset(str(tmp_path / "data.csv"), n=0, seed=0)


def test_tiny_holdout_raises(tmp_path):
    np.savez(tmp_path / "one.npz", x=np.zeros((1, 4, 4), np.uint8))
    with pytest.raises(UserError, match="too few for a non-empty 'test' split"):
        load_dataset(f"npz:{tmp_path / 'one.npz'}", n=0, seed=0, split="test")
