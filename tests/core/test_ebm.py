import torch

from inferlab.core.ebm import LatentEBMPrior, contrastive_prior_loss
from inferlab.core.latent_model import LatentVariableModel, gaussian_nll
from inferlab.core.nets import ConvDecoder, MLPDecoder


def test_prior_energy_adds_the_gaussian_reference():
    torch.manual_seed(0)
    prior = LatentEBMPrior(latent_dim=3, hidden=16, sigma=2.0)
    z = torch.randn(5, 3)
    assert torch.allclose(prior.energy(z) - prior(z), (z**2).sum(1) / 8)


def test_contrastive_loss_lowers_energy_on_positives():
    torch.manual_seed(0)
    prior = LatentEBMPrior(latent_dim=2, hidden=32)
    opt = torch.optim.Adam(prior.parameters(), lr=1e-2)
    pos, neg = torch.randn(256, 2) * 0.3 + 2.0, torch.randn(256, 2)
    for _ in range(100):
        loss = contrastive_prior_loss(prior(pos), prior(neg))
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert prior(pos).mean() < prior(neg).mean() - 1.0


def test_posterior_energy_is_likelihood_plus_prior():
    torch.manual_seed(0)
    gen = MLPDecoder(latent_dim=2, out_shape=(1, 8, 8), hidden=16)
    model = LatentVariableModel(generator=gen, prior=None, latent_dim=2, prior_sigma=1.0, likelihood_sigma=0.3)
    x, z = torch.rand(4, 1, 8, 8) * 2 - 1, torch.randn(4, 2)
    expected = ((x - gen(z)) ** 2).flatten(1).sum(1) / (2 * 0.09) + (z**2).sum(1) / 2
    assert torch.allclose(model.posterior_energy(z, x), expected)
    assert torch.allclose(gaussian_nll(x, x, 0.3), torch.zeros(4))


def test_conv_decoder_shapes():
    for side in (8, 16, 32):
        out = ConvDecoder(latent_dim=5, image_shape=(3, side, side), width=4)(torch.randn(2, 5))
        assert out.shape == (2, 3, side, side) and out.abs().max() <= 1
