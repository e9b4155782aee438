"""Self-normalised importance weights: they sum to K, the floor, the effective sample size."""

import torch

from inferlab.core.importance import effective_sample_size, self_normalised_weights


def test_weights_sum_to_k_even_for_extreme_log_likelihoods():
    log_w = torch.tensor([[0.0, -1.0, -2.0, 3.0], [-1e4, -1e4, -1e4, -1e4], [500.0, -500.0, 0.0, 1.0]])
    w = self_normalised_weights(log_w)
    assert torch.allclose(w.sum(-1), torch.full((3,), 4.0))
    assert torch.isfinite(w).all() and (w >= 0).all()
    assert torch.allclose(w[1], torch.ones(4))  # equal log-likelihoods -> equal weights, mean 1


def test_floor_equals_the_official_p_over_mean_p():
    log_p = torch.tensor([[-30.0, -1.0, -25.0, -2.0]])
    w = self_normalised_weights(log_p, floor=-20.0)
    p = log_p.clamp_min(-20.0).exp()
    assert torch.allclose(w, p / p.mean(-1, keepdim=True))
    assert w[0, 0] == w[0, 2]  # both floored


def test_effective_sample_size_bounds():
    assert torch.allclose(effective_sample_size(torch.ones(2, 8)), torch.full((2,), 8.0))
    one_hot = torch.zeros(8)
    one_hot[3] = 8.0
    assert torch.allclose(effective_sample_size(one_hot), torch.tensor(1.0))
