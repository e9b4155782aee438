import pytest
import torch

from inferlab.core.langevin import langevin_sample
from inferlab.errors import DivergenceError


def test_langevin_samples_a_gaussian():
    torch.manual_seed(0)
    mean = torch.tensor([1.5, -2.0])

    def energy(z):  # N(mean, 0.5^2 I)
        return ((z - mean) ** 2).sum(1) / (2 * 0.25)

    z, stats = langevin_sample(energy, torch.zeros(4000, 2), steps=400, step_size=0.1)
    assert torch.allclose(z.mean(0), mean, atol=0.05)
    assert torch.allclose(z.std(0), torch.full((2,), 0.5), atol=0.05)
    assert stats.energy_end < stats.energy_start


def test_noise_free_langevin_is_gradient_descent():
    z, _ = langevin_sample(lambda z: (z**2).sum(1) / 2, torch.ones(3, 2), steps=1, step_size=1.0, noise=False)
    assert torch.allclose(z, torch.full((3, 2), 0.5))  # z - 0.5 * s^2 * z


def test_nan_is_reported_with_its_step():
    def energy(z):  # descent moves z from 2.5 to 2.75 to 3.25, where log(3 - z) is NaN
        return torch.log(3 - z).sum(1)

    with pytest.raises(DivergenceError, match=r"posterior Langevin, step 3 of 50: energy, gradient or state became NaN/Inf"):
        langevin_sample(energy, torch.full((4, 1), 2.5), steps=50, step_size=0.5, noise=False,
                        name="posterior Langevin")


def test_runaway_chain_is_reported():  # z grows 11-fold a step: 11, 121
    with pytest.raises(DivergenceError, match=r"prior Langevin, step 2 of 10: \|z\| exceeded 100"):
        langevin_sample(lambda z: -(z**2).sum(1) * 10, torch.ones(2, 2), steps=10, step_size=1.0, noise=False,
                        max_abs=100.0, name="prior Langevin")
