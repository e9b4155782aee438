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


# --- EDM pieces ---------------------------------------------------------------------------------------------------

from inferlab.core.diffusion import (EDM_SAMPLERS, EDMPrecond, denoiser_score, edm_loss, guided,  # noqa: E402
                                     karras_sigmas, sampler_evaluations)


def _gaussian_denoiser(mean: float, std: float):
    """The exact D(x; sigma) = E[x_0 | x_0 + sigma n] for data N(mean, std^2)."""
    def denoise(x, sigma):
        s2 = sigma[:, None] ** 2
        return (std**2 * x + s2 * mean) / (std**2 + s2)
    return denoise


def test_karras_sigmas_span_the_range_and_end_at_zero():
    s = karras_sigmas(18, 0.002, 80.0)
    assert s.shape == (19,) and math.isclose(s[0].item(), 80.0, rel_tol=1e-5)
    assert math.isclose(s[-2].item(), 0.002, rel_tol=1e-4) and s[-1] == 0 and (s[1:] < s[:-1]).all()


def test_edm_samplers_with_the_exact_denoiser_draw_the_data_distribution():
    for name, sampler in EDM_SAMPLERS.items():
        torch.manual_seed(0)
        sigmas = karras_sigmas(40, 0.002, 80.0)
        x = sampler(_gaussian_denoiser(1.5, 0.5), torch.randn(20000, 2) * sigmas[0], sigmas)
        assert torch.allclose(x.mean(0), torch.full((2,), 1.5), atol=0.05), name
        assert torch.allclose(x.std(0), torch.full((2,), 0.5), atol=0.05), name
    assert sampler_evaluations("heun", 18) == 35 and sampler_evaluations("euler", 18) == 18


def test_edm_precond_skip_and_score_of_a_zero_network():
    class Zero(torch.nn.Module):
        def forward(self, x, c_noise, label):
            return torch.zeros_like(x)

    d = EDMPrecond(Zero(), sigma_data=0.5)
    x, sigma = torch.randn(4, 3), torch.full((4,), 2.0)
    assert torch.allclose(d(x, sigma), 0.25 / 4.25 * x)  # D = c_skip x; i.e. the N(0, sd^2) data denoiser
    assert torch.allclose(denoiser_score(d, x, sigma), -x / 4.25)  # score of N(0, sd^2 + sigma^2)


def test_edm_loss_is_near_its_floor_for_the_exact_denoiser_and_guidance_interpolates():
    torch.manual_seed(0)
    x0 = 1.5 + 0.5 * torch.randn(20000, 2)
    sigma = torch.full((20000,), 0.5)
    # floor: lambda(sigma) Var[x_0 | x_sigma] per dimension, with sd = std: (s^2 + sd^2)/(s sd)^2 * s^2 sd^2/(s^2 + sd^2)
    assert math.isclose(edm_loss(_gaussian_denoiser(1.5, 0.5), x0, sigma, 0.5).item(), 2.0, rel_tol=0.05)
    cond, uncond = (lambda x, s: x + 1), (lambda x, s: x)
    assert torch.allclose(guided(cond, uncond, 2.0)(x0, sigma), x0 + 2)
