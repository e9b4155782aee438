"""DRC's E-step, Q, TV, pseudo-label and orthogonality terms against hand-computed values; gating sums to one."""

import math

import torch
from torch import nn

from inferlab.methods.drc.config import tiny
from inferlab.methods.drc.losses import (expected_log_likelihood, l1_log_likelihood, orthogonality_penalty,
                                         pseudo_label_cross_entropy, responsibilities, total_variation)
from inferlab.methods.drc.model import DRCModel


def test_e_step_matches_a_hand_computed_pixel():
    x, fg, bg = torch.tensor(0.5), torch.tensor(0.25), torch.tensor(-0.5)
    pi_f, pi_b = torch.tensor(0.3), torch.tensor(0.7)
    scale = 2 * 0.25**2  # 0.125
    log_pf, log_pb = l1_log_likelihood(x, fg, scale), l1_log_likelihood(x, bg, scale)
    assert math.isclose(log_pf.item(), -2.0) and math.isclose(log_pb.item(), -8.0)
    gamma = responsibilities(pi_f, pi_b, log_pf, log_pb)
    expected = 0.3 * math.exp(-2) / (0.3 * math.exp(-2) + 0.7 * math.exp(-8) + 1e-8)
    assert math.isclose(gamma.item(), expected, rel_tol=1e-6)
    q = expected_log_likelihood(gamma, pi_f, pi_b, log_pf, log_pb)
    hand = expected * (math.log(0.3 + 1e-8) - 2) + (1 - expected) * (math.log(0.7 + 1e-8) - 8)
    assert math.isclose(q.item(), hand, rel_tol=1e-6)


def test_responsibilities_carry_no_gradient():
    pi_f = torch.full((1, 1, 2, 2), 0.5, requires_grad=True)
    gamma = responsibilities(pi_f, 1 - pi_f, torch.zeros(1, 3, 2, 2), torch.zeros(1, 3, 2, 2))
    assert not gamma.requires_grad and torch.allclose(gamma, torch.full_like(gamma, 0.5), atol=1e-6)


def test_total_variation_of_a_step_edge():
    x = torch.zeros(1, 1, 3, 3)
    x[..., 2] = 1.0  # a vertical edge between columns 1 and 2: 3 horizontal jumps, no vertical ones
    assert total_variation(x).sum().item() == 3.0


def test_pseudo_label_cross_entropy_is_the_entropy_when_logits_agree():
    logits = torch.tensor([[0.0, math.log(3.0)]])  # softmax = (0.25, 0.75)
    entropy = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    assert math.isclose(pseudo_label_cross_entropy(logits, logits).item(), entropy, rel_tol=1e-6)


def test_orthogonality_penalty_counts_off_diagonal_products_of_conv_kernels():
    conv = nn.Conv2d(1, 2, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([1.0, 2.0]).view(2, 1, 1, 1))
    assert orthogonality_penalty(conv).item() == 8.0  # W W^T = [[1, 2], [2, 4]]: 2^2 + 2^2


def test_gating_sums_to_one_per_pixel_and_the_mask_is_pi_f():
    cfg = tiny()
    torch.manual_seed(0)
    model = DRCModel(cfg.model, 16)
    out = model(torch.randn(3, model.latent_dim))
    assert out.pi_f.shape == (3, 1, 16, 16) and out.grid.shape == (3, 16, 16, 2)
    assert torch.allclose(out.pi_f + out.pi_b, torch.ones_like(out.pi_f), atol=1e-6)
    assert out.grid.abs().max() <= 1.0
    assert torch.allclose(out.image, out.pi_f * out.fg + out.pi_b * out.bg_warped)


def test_warped_background_is_the_background_sampled_at_the_grid():
    torch.manual_seed(0)
    model = DRCModel(tiny().model, 16)
    out = model(torch.randn(2, model.latent_dim))
    expected = torch.nn.functional.grid_sample(out.bg, out.grid, align_corners=False)
    torch.testing.assert_close(out.bg_warped, expected)
