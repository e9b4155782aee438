import importlib

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

from inferlab.data.base import TensorDataset
from inferlab.errors import UserError
from inferlab.eval.features import FeatureNet, accuracy, fd_score, features, load_or_train_feature_net


@pytest.fixture(scope="module")
def digits():
    d = load_digits()
    x = torch.tensor(d.images, dtype=torch.float32)[:, None] / 8 - 1  # (1797, 1, 8, 8) in [-1, 1]
    y = torch.tensor(d.target)
    idx = torch.tensor(np.random.default_rng(0).permutation(len(x)))
    return x[idx[:1400]], y[idx[:1400]], x[idx[1400:]], y[idx[1400:]]


def test_trains_accurately_caches_and_reloads(digits, tmp_path, monkeypatch):
    x_tr, y_tr, x_te, y_te = digits
    ds = TensorDataset("digits", x_tr, y_tr)
    net = load_or_train_feature_net(ds, cache_dir=tmp_path, seed=0)
    assert accuracy(net, x_te, y_te) > 0.9
    cached = list((tmp_path / "feature_net").glob("*.safetensors"))
    assert len(cached) == 1

    module = importlib.import_module("inferlab.eval.features")
    monkeypatch.setattr(module, "_train", lambda *a, **k: pytest.fail("trained again instead of loading"))
    again = load_or_train_feature_net(ds, cache_dir=tmp_path, seed=0)
    assert torch.equal(features(net, x_te), features(again, x_te))

    f = features(again, x_te, batch=100)
    assert f.shape == (len(x_te), 128) and not f.requires_grad
    real_vs_real = fd_score(again, x_tr, x_te)
    real_vs_noise = fd_score(again, x_tr, torch.rand_like(x_te) * 2 - 1)
    assert real_vs_noise > 10 * real_vs_real

    cached[0].write_bytes(cached[0].read_bytes()[:100])  # a torn cache file names itself and the fix
    with pytest.raises(UserError, match=f"{cached[0].name} is corrupt.*Delete it"):
        load_or_train_feature_net(ds, cache_dir=tmp_path, seed=0)


def test_training_is_deterministic_under_seed(digits, tmp_path):
    x_tr, y_tr, x_te, _ = digits
    ds = TensorDataset("digits", x_tr[:300], y_tr[:300])
    a = load_or_train_feature_net(ds, cache_dir=tmp_path / "a", seed=1, epochs=2)
    b = load_or_train_feature_net(ds, cache_dir=tmp_path / "b", seed=1, epochs=2)
    c = load_or_train_feature_net(ds, cache_dir=tmp_path / "a", seed=2, epochs=2)
    assert torch.equal(features(a, x_te), features(b, x_te))
    assert not torch.equal(features(a, x_te), features(c, x_te))
    assert len(list((tmp_path / "a" / "feature_net").glob("*.safetensors"))) == 2


def test_default_cache_dir_from_env(digits, tmp_path, monkeypatch):
    x_tr, y_tr, _, _ = digits
    monkeypatch.setenv("INFERLAB_CACHE", str(tmp_path))
    load_or_train_feature_net(TensorDataset("d", x_tr[:64], y_tr[:64]), epochs=1)
    assert len(list((tmp_path / "feature_net").glob("*.safetensors"))) == 1


@pytest.mark.parametrize("shape", [(3, 8, 8), (1, 28, 28), (3, 64, 64)])
def test_feature_net_shapes(shape):
    net = FeatureNet(in_channels=shape[0], n_classes=5)
    assert net(torch.randn(2, *shape)).shape == (2, 5)
    assert net.embed(torch.randn(2, *shape)).shape == (2, 128)


def test_requires_labelled_images(tmp_path):
    with pytest.raises(UserError, match="no labels"):
        load_or_train_feature_net(TensorDataset("u", torch.zeros(4, 1, 8, 8)), cache_dir=tmp_path)
    with pytest.raises(UserError, match="needs images"):
        points = TensorDataset("p", torch.zeros(4, 2), torch.zeros(4, dtype=torch.long))
        load_or_train_feature_net(points, cache_dir=tmp_path)


def test_loading_from_cache_leaves_the_global_rng_alone(tmp_path):
    d = load_digits()
    ds = TensorDataset("d", torch.tensor(d.images[:300, None] / 8 - 1, dtype=torch.float32),
                       torch.tensor(d.target[:300]))
    load_or_train_feature_net(ds, cache_dir=tmp_path, epochs=1)
    torch.manual_seed(5)
    load_or_train_feature_net(ds, cache_dir=tmp_path, epochs=1)
    after_load = torch.rand(3)
    torch.manual_seed(5)
    assert torch.equal(torch.rand(3), after_load)
