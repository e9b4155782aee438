"""EM distillation as a TrainTask: alternate fake-score DSM updates and EMD generator updates (Algorithm 1)."""

from __future__ import annotations

import copy
import math

import torch

from inferlab.core.diffusion import EDMPrecond, edm_loss, edm_sigma_sample
from inferlab.core.optim import ema_update, guarded_step
from inferlab.engine.task import SamplingTask
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.emd.config import EMDConfig
from inferlab.methods.emd.distill import distill_sigmas, emd_estep, emd_mstep_loss
from inferlab.methods.emd.model import OneStepGenerator
from inferlab.methods.emd.teacher import bind_label, guided_denoiser


class EMDTask(SamplingTask):
    """Each step: `fake_updates` DSM updates of s_phi on fresh student samples, then one EMD update of g_theta.

    Fake score:  min_phi   E lambda(sigma) |D_phi(g(z) + sigma n; sigma) - g(z)|^2           (Karras 2022, eq. 2)
    Generator:   min_theta E |sg(x_t*) - g_theta(z_K)|^2 / (2 c_K), (x_t*, z_K) from the E-step   (EMD M-step)
    With emd.langevin_steps = 0 this is Diff-Instruct. Student and fake score start as copies of the teacher.
    `generator_ema` holds an EMA of g_theta's weights (decay optim.generator_ema); `sample` and `evaluate` use it.
    `data` is only a count of samples for the trainer's batching: distillation is data-free.
    """

    def __init__(self, cfg: EMDConfig, teacher: EDMPrecond, n_classes: int, data_shape: tuple[int, ...],
                 evaluator: SampleEvaluator, device: torch.device):
        self.cfg, self.teacher, self.n_classes, self.evaluator, self.device = cfg, teacher, n_classes, evaluator, device
        self.eval_samples = cfg.eval.samples
        self.data_shape = tuple(data_shape)
        self.data = torch.arange(max(cfg.train.batch_size, 1024))
        init_sigma = math.exp(-0.5 * cfg.emd.init_logsnr)  # sigma* of lambda* = -2 log sigma* (alpha = 1, VE form)
        self.generator = OneStepGenerator(teacher, init_sigma).to(device).requires_grad_(True)
        self.generator_ema = copy.deepcopy(self.generator).requires_grad_(False)
        self.fake = copy.deepcopy(teacher).to(device).requires_grad_(True)
        o = cfg.optim
        self.gen_opt = torch.optim.Adam(self.generator.parameters(), lr=o.generator_lr, betas=(o.beta1, 0.999),
                                        foreach=True)
        self.fake_opt = torch.optim.Adam(self.fake.parameters(), lr=o.fake_lr, betas=(o.beta1, 0.999), foreach=True)

    def state_objects(self) -> dict:
        return {"generator": self.generator, "generator_ema": self.generator_ema, "fake": self.fake,
                "gen_opt": self.gen_opt, "fake_opt": self.fake_opt, "teacher": self.teacher}

    def _labels(self, n: int) -> torch.Tensor | None:
        return torch.randint(self.n_classes, (n,), device=self.device) if self.n_classes else None

    def _latents(self, n: int) -> torch.Tensor:
        return torch.randn(n, *self.data_shape, device=self.device)

    def fake_step(self, n: int) -> float:
        """One DSM update of s_phi on detached student samples."""
        label = self._labels(n)
        with torch.no_grad():
            x0 = self.generator(self._latents(n), label)
        sigma = edm_sigma_sample(n, self.cfg.teacher.p_mean, self.cfg.teacher.p_std, self.device)
        loss = edm_loss(bind_label(self.fake, label), x0, sigma, self.cfg.teacher.net.sigma_data)
        guarded_step(self.fake_opt, loss, self.fake.parameters(), self.cfg.optim.grad_clip, "fake score loss")
        return loss.item()

    def generator_loss(self, n: int, noise_cancellation: bool | None = None) -> torch.Tensor:
        """E-step from fresh (z, eps, sigma, label), then the M-step loss on g_theta."""
        e = self.cfg.emd
        label = self._labels(n)
        sigma = distill_sigmas(n, e.p_mean, e.p_std, e.sigma_min, e.sigma_max, self.device)
        gen = lambda z: self.generator(z, label)  # noqa: E731
        estep = emd_estep(gen, guided_denoiser(self.teacher, label, self.cfg.teacher.guidance),
                          bind_label(self.fake, label), self._latents(n), self._latents(n), sigma,
                          steps=e.langevin_steps, eps_step=e.eps_step, z_step=e.z_step,
                          noise_cancellation=e.noise_cancellation if noise_cancellation is None else noise_cancellation)
        return emd_mstep_loss(estep, sigma, e.eps_step, e.langevin_steps)

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        n = len(batch)
        fake_loss = sum(self.fake_step(n) for _ in range(self.cfg.emd.fake_updates)) / max(self.cfg.emd.fake_updates, 1)
        gen_loss = self.generator_loss(n)
        guarded_step(self.gen_opt, gen_loss, self.generator.parameters(), self.cfg.optim.grad_clip, "EMD M-step loss")
        ema_update(self.generator_ema, self.generator, 1.0 - self.cfg.optim.generator_ema)
        return {"gen_loss": gen_loss.item(), "fake_loss": fake_loss}

    @torch.no_grad()
    def sample(self, n: int, label: torch.Tensor | None = None) -> torch.Tensor:
        """One network evaluation of the EMA student: x = g_theta_ema(z)."""
        return self.generator_ema(self._latents(n), self._labels(n) if label is None else label)
