"""EMD: the K = 0 identity with Diff-Instruct, DSM reaching a closed-form score, noise cancellation, determinism."""

import math
from dataclasses import replace

import torch

from inferlab.core.diffusion import edm_loss, edm_sigma_sample
from inferlab.engine.seed import seed_everything
from inferlab.methods.emd.config import NetConfig, tiny_toy
from inferlab.methods.emd.distill import diff_instruct_loss, emd_estep, emd_mstep_loss
from inferlab.methods.emd.model import build_denoiser
from inferlab.methods.emd.train import EMDTask

CENTERS = torch.tensor([[-1.0, 0.0], [1.0, 0.5]])
STD = 0.3


def mixture_denoiser(x, sigma):
    """Closed-form E[x_0 | x_0 + sigma n] for the equal-weight mixture of N(c_k, STD^2 I)."""
    s2 = sigma[:, None] ** 2 + STD**2  # (B, 1)
    weights = (-((x[:, None] - CENTERS) ** 2).sum(-1) / (2 * s2)).softmax(1)  # (B, K)
    means = (STD**2 * x[:, None] + sigma[:, None, None] ** 2 * CENTERS) / s2[:, :, None]  # (B, K, 2)
    return (weights[..., None] * means).sum(1)


def gaussian_denoiser(mean):
    return lambda x, sigma: (x + sigma[:, None] ** 2 * mean) / (1 + sigma[:, None] ** 2)  # data N(mean, I)


def _problem(seed=0):
    torch.manual_seed(seed)
    gen = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    teacher, fake = gaussian_denoiser(torch.tensor([1.0, -1.0])), gaussian_denoiser(torch.tensor([0.0, 0.5]))
    return gen, teacher, fake, torch.randn(64, 2), torch.randn(64, 2), torch.rand(64) * 2 + 0.1


def _grads(gen, loss):
    return torch.cat([g.flatten() for g in torch.autograd.grad(loss, list(gen.parameters()))])


def test_k0_emd_gradient_is_the_diff_instruct_gradient():
    gen, teacher, fake, z, eps, sigma = _problem()
    estep = emd_estep(gen, teacher, fake, z, eps, sigma, steps=0, eps_step=0.3, z_step=0.01, noise_cancellation=True)
    emd = _grads(gen, emd_mstep_loss(estep, sigma, 0.3, 0))
    di = _grads(gen, diff_instruct_loss(gen, teacher, fake, z, eps, sigma))
    assert di.norm() > 1e-3 and torch.allclose(emd, di, rtol=1e-4, atol=1e-6)


def test_noise_cancellation_lowers_the_gradient_variance():
    gen, teacher, fake, z, _, sigma = _problem()

    def variance(cancel):
        grads = []
        for _ in range(64):
            estep = emd_estep(gen, teacher, fake, z, torch.randn_like(z), sigma, steps=4, eps_step=0.3, z_step=0.01,
                              noise_cancellation=cancel)
            grads.append(_grads(gen, emd_mstep_loss(estep, sigma, 0.3, 4)))
        return torch.stack(grads).var(0).sum()

    torch.manual_seed(1)
    assert variance(False) > 5 * variance(True)


def test_dsm_teacher_reaches_the_closed_form_mixture_denoiser():
    torch.manual_seed(0)
    d = build_denoiser(NetConfig(hidden=64, layers=3, embed_dim=16, sigma_data=1.0), (2,))
    opt = torch.optim.Adam(d.parameters(), lr=3e-3)
    for _ in range(1500):
        x0 = CENTERS[torch.randint(2, (256,))] + STD * torch.randn(256, 2)
        loss = edm_loss(d, x0, edm_sigma_sample(256, -0.5, 1.0), 1.0)
        opt.zero_grad()
        loss.backward()
        opt.step()
    for s, tol in ((3.0, 0.1), (1.0, 0.1), (0.3, 0.25)):  # small sigma: (D - x) is small, so relative error grows
        x0 = CENTERS[torch.randint(2, (2000,))] + STD * torch.randn(2000, 2)
        sigma = torch.full((2000,), s)
        x = x0 + s * torch.randn_like(x0)
        with torch.no_grad():
            exact = mixture_denoiser(x, sigma)
            # scores (D - x) / sigma^2: the relative error of the learned one, in the mean-square sense
            rel = (d(x, sigma) - exact).pow(2).sum(1).mean().sqrt() / (exact - x).pow(2).sum(1).mean().sqrt()
        assert rel < tol, (s, float(rel))


def test_distillation_is_deterministic_under_a_seed():
    cfg = tiny_toy()
    cfg = replace(cfg, emd=replace(cfg.emd, langevin_steps=2), train=replace(cfg.train, batch_size=16))
    states = []
    for _ in range(2):
        seed_everything(3)
        teacher = build_denoiser(NetConfig(hidden=32, layers=2, embed_dim=8, sigma_data=1.0), (2,))
        task = EMDTask(cfg, teacher, 0, (2,), None, torch.device("cpu"))
        for step in range(3):
            task.train_step(task.data[:16], step)
        states.append(torch.cat([p.flatten() for p in task.generator.parameters()]))
    assert torch.equal(states[0], states[1])


def test_student_starts_at_the_noise_level_of_its_log_snr():
    cfg = tiny_toy()
    teacher = build_denoiser(NetConfig(hidden=32, layers=2, embed_dim=8, sigma_data=1.0), (2,))
    for logsnr, sigma in ((-6.0, 20.0855), (0.0, 1.0), (-2 * math.log(2.5), 2.5)):
        task = EMDTask(replace(cfg, emd=replace(cfg.emd, init_logsnr=logsnr)), teacher, 0, (2,), None,
                       torch.device("cpu"))
        assert abs(task.generator.init_sigma - sigma) < 1e-4  # sigma* = exp(-lambda* / 2)
        z = torch.randn(5, 2)
        expected = teacher(task.generator.init_sigma * z, torch.full((5,), task.generator.init_sigma))
        assert torch.allclose(task.generator(z), expected)  # g(z) = D(sigma* z; sigma*) at the start
