"""Ray-box clipping, compositing weights, occlusion between nodes and scale-invariant opacity."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from inferlab.methods.assist.composite import composite, ray_box_intersect, sort_samples, stratified_depths
from inferlab.methods.assist.graph import SceneGraph
from inferlab.methods.assist.render import render_rays, render_rays_sparse


def test_ray_box_intersect_entry_exit_miss_and_inside():
    half = torch.tensor([1.0, 2.0, 3.0])
    o = torch.tensor([[-5.0, 0.0, 0.0], [-5.0, 2.5, 0.0], [0.0, 0.0, 0.0], [-5.0, 0.0, 0.0], [0.0, -10.0, 1.0]])
    d = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [2.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    t_near, t_far, hit = ray_box_intersect(o, d, half)
    assert hit.tolist() == [True, False, True, True, True]
    assert (t_near[0].item(), t_far[0].item()) == pytest.approx((4.0, 6.0))
    assert (t_near[2].item(), t_far[2].item()) == pytest.approx((0.0, 1.0))  # inside: starts at the origin
    assert (t_near[3].item(), t_far[3].item()) == pytest.approx((2.0, 3.0))  # t of a non-unit direction
    assert (t_near[4].item(), t_far[4].item()) == pytest.approx((8.0, 12.0))  # parallel to the x and z slabs


def test_box_behind_the_camera_is_missed():
    _, _, hit = ray_box_intersect(torch.tensor([[5.0, 0.0, 0.0]]), torch.tensor([[1.0, 0.0, 0.0]]), torch.ones(3))
    assert not hit.item()


def test_stratified_samples_cover_the_segment():
    t, delta = stratified_depths(torch.tensor([1.0]), torch.tensor([3.0]), 4, jitter=False)
    assert t[0].tolist() == pytest.approx([1.25, 1.75, 2.25, 2.75]) and delta[0].tolist() == pytest.approx([0.5] * 4)
    t, _ = stratified_depths(torch.zeros(100), torch.ones(100), 8, jitter=True)
    bins = torch.floor(t * 8)
    assert torch.equal(bins, torch.arange(8.0).expand(100, 8))  # one sample per stratum


def test_weights_sum_to_at_most_one_and_split_by_owner():
    gen = torch.Generator().manual_seed(0)
    sigmas = torch.rand(64, 20, generator=gen) * 5
    deltas = torch.rand(64, 20, generator=gen) * 0.2
    rgbs = torch.rand(64, 20, 3, generator=gen)
    owner = torch.randint(0, 3, (64, 20), generator=gen)
    out = composite(sigmas, rgbs, deltas, owner, 3)
    total = out["weights"].sum(1)
    assert (out["weights"] >= 0).all() and (total <= 1 + 1e-6).all()
    assert torch.allclose(total + out["transmittance"], torch.ones(64), atol=1e-5)
    assert torch.allclose(out["node_weights"].sum(1), total, atol=1e-6)
    assert (out["rgb"] <= total.unsqueeze(-1) + 1e-6).all()


def test_sort_samples_reorders_every_value_alike():
    t = torch.tensor([[3.0, 1.0, 2.0]])
    t_s, owner, rgb = sort_samples(t, torch.tensor([[30, 10, 20]]), torch.tensor([[[3.0] * 3, [1.0] * 3, [2.0] * 3]]))
    assert t_s.tolist() == [[1.0, 2.0, 3.0]] and owner.tolist() == [[10, 20, 30]] and rgb[0, :, 0].tolist() == [1, 2, 3]


def _ray(origin, direction):
    return torch.tensor([origin], dtype=torch.float32), torch.tensor([direction], dtype=torch.float32)


def test_one_opaque_node_gives_its_colour_depth_and_mask(constant_node, background):
    node = constant_node(1, "cube", "blue", (0.0, 0.0, 1.0), rgb=(0.2, 0.4, 0.6))
    o, d = _ray([-5.0, 0.0, 1.0], [1.0, 0.0, 0.0])  # horizontal ray at the box's centre height; sky behind
    out = render_rays([node], background(), o, d, samples_per_node=32)
    assert out["rgb"][0].tolist() == pytest.approx([0.2, 0.4, 0.6], abs=1e-4)
    assert out["depth"].item() == pytest.approx(4.5, abs=1.0 / 32)  # the box face, within one sample interval
    assert out["node_weights"][0].tolist() == pytest.approx([0.0, 1.0], abs=1e-4)


def test_nearer_node_occludes_regardless_of_node_order(constant_node, background):
    near = constant_node(1, "cube", "red", (-2.0, 0.0, 1.0), rgb=(1.0, 0.0, 0.0))
    far = constant_node(2, "cube", "blue", (2.0, 0.0, 1.0), rgb=(0.0, 0.0, 1.0))
    o, d = _ray([-6.0, 0.0, 1.0], [1.0, 0.0, 0.0])
    for nodes in ([near, far], [far, near]):
        out = render_rays(nodes, background(), o, d)
        assert out["rgb"][0].tolist() == pytest.approx([1.0, 0.0, 0.0], abs=1e-4)
        assert out["depth"].item() == pytest.approx(3.5, abs=0.05)


def test_a_ray_missing_every_box_sees_the_ground_or_sky(constant_node, background):
    node = constant_node(1, "cube", "red", (0.0, 0.0, 1.0))
    o, d = _ray([-5.0, 5.0, 2.0], [0.0, 0.0, -1.0])  # straight down beside the box
    out = render_rays([node], background(), o, d)
    assert out["depth"].item() == pytest.approx(2.0) and out["node_weights"][0, 0].item() == pytest.approx(1.0)
    o, d = _ray([-5.0, 5.0, 2.0], [0.0, 0.0, 1.0])  # up: sky, depth inf
    assert np.isinf(render_rays([node], background(), o, d)["depth"].item())


def test_scaling_a_node_keeps_its_opacity(constant_node, background):
    thin = constant_node(1, "cube", "red", (0.0, 0.0, 1.0), sigma=0.5)  # semi-transparent: alpha = 1 - e^-0.5
    o, d = _ray([-5.0, 0.0, 1.0], [1.0, 0.0, 0.0])
    graph = SceneGraph({0: background(), 1: thin})
    before = render_rays(graph.objects(), graph.background, o, d)["node_weights"][0, 1].item()
    big = graph.transform(1, scale=3.0)
    after = render_rays(big.objects(), big.background, o, d)["node_weights"][0, 1].item()
    assert before == pytest.approx(1 - np.exp(-0.5), abs=1e-4) and after == pytest.approx(before, abs=1e-4)


def test_sparse_rendering_equals_the_dense_one(graph):
    gen = torch.Generator().manual_seed(1)
    origins = torch.tensor([0.0, -6.0, 3.0]) + 0.5 * torch.randn(300, 3, generator=gen)
    dirs = torch.nn.functional.normalize(torch.tensor([0.0, 1.0, -0.4]) + 0.4 * torch.randn(300, 3, generator=gen),
                                         dim=1)
    dense = render_rays(graph.objects(), graph.background, origins, dirs)
    sparse = render_rays_sparse(graph.objects(), graph.background, origins, dirs)
    hits = (dense["node_weights"][:, 1:].sum(1) > 0.5).sum()
    assert 20 < hits < 280  # both kinds of rays are present
    for key in dense:
        assert torch.allclose(dense[key], sparse[key], atol=1e-5, equal_nan=True), key
