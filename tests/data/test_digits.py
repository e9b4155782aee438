import numpy as np
import pytest
import torch

from inferlab.data.digits import load_digits
from inferlab.errors import UserError


def _rows(x: torch.Tensor) -> np.ndarray:
    return np.sort(x.reshape(len(x), -1).numpy().view(np.void(64 * 4)).ravel())


def test_format_and_range():
    ds = load_digits("train")
    assert ds.x.shape[1:] == (1, 8, 8) and ds.x.dtype == torch.float32 and ds.y.dtype == torch.int64
    assert ds.x.min() == -1.0 and ds.x.max() == 1.0
    assert set(ds.y.tolist()) == set(range(10))


def test_train_test_partition_all_and_is_stratified():
    train, test, full = load_digits("train"), load_digits("test"), load_digits("all")
    assert len(full) == 1797 and len(train) + len(test) == len(full)
    # same multiset of (image, label) rows: the two splits partition the data set
    assert np.array_equal(_rows(torch.cat([train.x, test.x])), _rows(full.x))
    fraction = np.bincount(test.y.numpy()) / np.bincount(full.y.numpy())
    assert np.all(np.abs(fraction - 0.2) < 0.01)


def test_split_is_deterministic():
    a, b = load_digits("test"), load_digits("test")
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)


def test_exclude_labels():
    full, kept = load_digits("all"), load_digits("all", exclude_labels=(3, 7))
    assert not np.isin(kept.y.numpy(), [3, 7]).any()
    assert len(kept) == len(full) - int(np.isin(full.y.numpy(), [3, 7]).sum())


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"split": "val"}, "allowed splits are: train, test, all"),
        ({"exclude_labels": (10,)}, "integers 0..9"),
        ({"exclude_labels": range(10)}, "removes every digit"),
    ],
)
def test_bad_inputs(kwargs, message):
    with pytest.raises(UserError, match=message):
        load_digits(**kwargs)
