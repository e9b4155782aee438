import math

import numpy as np
import pytest
import torch

from inferlab.core.clustering import kmeans_pseudo_labels, official_label_order, uniform_label_order, whiten
from inferlab.core.coupling_prior import SymbolVectorCoupling, mutual_information
from inferlab.core.optim import eval_mode, frozen


def test_mutual_information_is_zero_for_a_constant_classifier_and_log_k_for_a_perfect_one():
    k = 5
    constant = torch.randn(1, k).expand(100, k)
    assert float(mutual_information(constant)) == pytest.approx(0.0, abs=1e-6)
    perfect = 50.0 * torch.eye(k).repeat(20, 1)  # one-hot, 20 items per class
    assert float(mutual_information(perfect)) == pytest.approx(math.log(k), abs=1e-4)


def test_coupling_network_gives_k_logits_and_lse_density_and_eval_freezes_spectral_norm():
    torch.manual_seed(0)
    net = SymbolVectorCoupling(latent_dim=3, hidden=16, classes=4, blocks=2, levels=6)
    z, t = torch.randn(8, 3), torch.randint(0, 6, (8,))
    with eval_mode(net):
        logits = net(z, t)
        assert logits.shape == (8, 4)
        assert torch.allclose(net.log_density(z, t), logits.logsumexp(-1))
    buffers = {k: v.clone() for k, v in net.state_dict().items() if k.endswith("_u")}
    with eval_mode(net):
        net(z, t)
    assert all(torch.equal(buffers[k], net.state_dict()[k]) for k in buffers)
    assert net.training
    with frozen(net):
        assert not any(p.requires_grad for p in net.parameters())
    assert all(p.requires_grad for p in net.parameters())


def test_kmeans_pseudo_labels_recover_separated_blobs_and_uniform_order_balances_them():
    rng = np.random.default_rng(0)
    truth = np.repeat(np.arange(3), [300, 60, 40])
    angles = 2 * np.pi * truth / 3
    x = np.stack([np.cos(angles), np.sin(angles)], 1) * 5 + 0.3 * rng.standard_normal((400, 2))
    labels = kmeans_pseudo_labels(x, 3, pca_dims=2, seed=2021, init="k-means++")
    assert len({(a, b) for a, b in zip(truth, labels)}) == 3
    assert np.allclose(np.linalg.norm(whiten(x, 2), axis=1), 1.0)
    order = uniform_label_order(labels, 400, np.random.default_rng(1))
    counts = np.bincount(labels[order], minlength=3)
    assert order.shape == (400,) and counts.min() >= 130


def test_kmeans_point_init_keeps_the_cluster_numbering_while_the_features_drift():
    rng = np.random.default_rng(0)
    centres = 5 * rng.standard_normal((6, 3))
    x = centres[rng.integers(0, 6, 600)] + 0.3 * rng.standard_normal((600, 3))
    first = kmeans_pseudo_labels(x, 6, pca_dims=3, seed=2021)
    drifted = kmeans_pseudo_labels(1.1 * x + 0.05 * rng.standard_normal(x.shape) + 0.2, 6, pca_dims=3, seed=2021)
    assert len(set(first.tolist())) == 6 and np.mean(first == drifted) > 0.97
    with pytest.raises(ValueError, match="k-means init"):
        kmeans_pseudo_labels(x, 6, pca_dims=3, seed=0, init="random")


def test_kmeans_runs_all_its_lloyd_iterations_as_faiss_does():
    rng = np.random.default_rng(4)  # points round a circle: Lloyd creeps, a tolerance would stop it at 18 of 20
    angles = rng.uniform(0, 2 * np.pi, 1000)
    x = np.stack([np.cos(angles), np.sin(angles)], 1)
    w = whiten(x, 2)
    centres = w[np.random.default_rng(2021).permutation(1000)[:10]]
    for _ in range(20):
        assign = ((w[:, None] - centres[None]) ** 2).sum(-1).argmin(1)
        centres = np.stack([w[assign == k].mean(0) for k in range(10)])
    expected = ((w[:, None] - centres[None]) ** 2).sum(-1).argmin(1)
    assert np.array_equal(kmeans_pseudo_labels(x, 10, pca_dims=2, seed=2021, iterations=20), expected)


def test_official_label_order_reads_balanced_draws_from_the_cluster_sorted_items():
    labels = np.repeat(np.arange(3), [300, 60, 40])
    np.random.default_rng(0).shuffle(labels)
    balanced = uniform_label_order(labels, 400, np.random.default_rng(1))
    official = official_label_order(labels, 400, np.random.default_rng(1))
    assert np.array_equal(official, np.argsort(labels, kind="stable")[balanced])
    assert np.all(np.diff(labels[np.argsort(labels, kind="stable")]) >= 0)
    assert np.bincount(labels[balanced], minlength=3).min() >= 130  # evenly over the clusters
    assert np.bincount(labels[official], minlength=3)[0] >= 250  # about in proportion to their size (300 / 400)
