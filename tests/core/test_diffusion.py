import math

import torch

from inferlab.core.diffusion import (alpha_sigma, cosine_logsnr, cosine_schedule, ddpm_ancestral_sample, diffuse,
                                     eps_prediction_loss)


def test_cosine_schedule_hits_its_clipping_range_and_decreases():
    u = torch.linspace(0, 1, 101)
    lam = cosine_logsnr(u, logsnr_min=-5.1, logsnr_max=9.8)
    assert math.isclose(lam[0].item(), 9.8, abs_tol=1e-4) and math.isclose(lam[-1].item(), -5.1, abs_tol=1e-4)
    assert (lam[1:] < lam[:-1]).all()
    alpha, sigma = alpha_sigma(lam)
    assert torch.allclose(alpha**2 + sigma**2, torch.ones(101))


def _gaussian_eps(mean: float, std: float):
    """The exact eps-prediction E[eps | z_u] for data N(mean, std^2)."""
    def eps_fn(z, logsnr):
        alpha, sigma = alpha_sigma(logsnr[:, None])
        return sigma * (z - alpha * mean) / (alpha**2 * std**2 + sigma**2)
    return eps_fn


def test_ancestral_sampler_with_the_exact_denoiser_draws_the_data_distribution():
    torch.manual_seed(0)
    for variance in ("large", "small"):
        z = ddpm_ancestral_sample(_gaussian_eps(1.5, 0.5), torch.randn(20000, 2), cosine_schedule(), 100, variance)
        assert torch.allclose(z.mean(0), torch.full((2,), 1.5), atol=0.03)
        assert torch.allclose(z.std(0), torch.full((2,), 0.5), atol=0.05)


def test_eps_loss_is_zero_for_the_true_noise_and_matches_diffuse():
    torch.manual_seed(0)
    z0 = torch.randn(64, 3)
    lam = torch.full((64,), 0.7)
    eps = torch.randn(64, 3)
    alpha, sigma = alpha_sigma(torch.tensor(0.7))
    assert torch.allclose(diffuse(z0, lam, eps), alpha * z0 + sigma * eps)
    # with an oracle that knows z0 the eps-prediction is exact, so the loss vanishes
    def oracle(z, logsnr):
        a, s = alpha_sigma(logsnr[:, None])
        return (z - a * z0) / s
    assert eps_prediction_loss(oracle, z0, cosine_schedule()).item() < 1e-6
