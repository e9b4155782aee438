import numpy as np
import pytest
import torch

from inferlab.core.diffusion_recovery import (ancestral_sample, diffuse, recovery_langevin, recovery_log_prob,
                                              recovery_log_prior_bound, recovery_schedule)
from inferlab.errors import UserError


def test_schedule_picks_levels_from_the_fine_linear_betas():
    s = recovery_schedule(6, 1e-4, 0.02)
    assert s.levels == 6 and len(s.a) == 7
    sqrt_alphas = np.sqrt(1 - np.linspace(1e-4, 0.02, 1000))
    assert s.a[0] == pytest.approx(sqrt_alphas[0])
    assert s.a[1] == pytest.approx(np.prod(sqrt_alphas[1:101]))
    assert s.a[6] == pytest.approx(np.prod(sqrt_alphas[501:1000]))
    assert np.all(np.diff(s.sigma_cum) > 0) and s.sigma_cum[-1] > 0.999
    assert s.a_prev[-1] == 1.0 and s.is_recovery.tolist() == [1, 1, 1, 1, 1, 1, 0]
    with pytest.raises(UserError, match="levels"):
        recovery_schedule(1)


def test_recovery_langevin_raises_the_conditional_log_density_on_a_fixed_toy():
    torch.manual_seed(0)
    s = recovery_schedule(6)
    f = lambda y, t: -0.25 * ((y - 1.5) ** 2).sum(1)  # noqa: E731  a fixed density peaked at (1.5, 1.5)
    z_next = torch.randn(256, 2)
    t = torch.full((256,), 3, dtype=torch.long)
    s2 = s.at("sigma_cum", t) / float(s.sigma_cum[0]) * 2e-3 * s.at("sigma", t + 1) ** 2
    before = recovery_log_prob(f, s.at("a_prev", t + 1) * z_next, t, z_next, s2, s).mean()
    z_t, _ = recovery_langevin(f, z_next, t, s, steps=30, step_size=2e-3, noise=False)
    after = recovery_log_prob(f, s.at("a_prev", t + 1) * z_t, t, z_next, s2, s).mean()
    assert after > before + 1.0


def test_ancestral_sample_is_seeded_and_finite():
    def draw():
        torch.manual_seed(0)
        return ancestral_sample(lambda y, t: -(y**2).sum(1), torch.randn(500, 2), recovery_schedule(6), steps=10,
                                step_size=2e-3)
    z = draw()
    assert z.shape == (500, 2) and torch.isfinite(z).all() and torch.equal(z, draw())


def test_prior_bound_is_finite_per_sample_and_diffuse_matches_its_marginal():
    torch.manual_seed(0)
    s = recovery_schedule(6)
    z = torch.randn(64, 3)
    out = recovery_log_prior_bound(lambda y, t: -(y**2).sum(1), z, s)
    assert out.shape == (64,) and torch.isfinite(out).all()
    top = diffuse(torch.full((20000, 1), 3.0), torch.full((20000,), 6, dtype=torch.long), s)
    assert float(top.mean()) == pytest.approx(3.0 * s.a_cum[6], abs=0.03)
    assert float(top.std()) == pytest.approx(s.sigma_cum[6], abs=0.03)
