"""The EDM teacher as a TrainTask: denoising score matching (Karras 2022) with label dropout for CFG, EMA weights,
and its N-step sampler."""

from __future__ import annotations

import copy
from pathlib import Path

import torch

from inferlab.core.diffusion import (EDM_SAMPLERS, DenoiseFn, EDMPrecond, edm_loss, edm_sigma_sample, guided,
                                     karras_sigmas)
from inferlab.core.optim import guarded_step
from inferlab.data.base import TensorDataset
from inferlab.engine.task import TrainTask
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.emd.config import TeacherConfig
from inferlab.methods.emd.model import build_denoiser


def bind_label(denoiser: EDMPrecond, label: torch.Tensor | None) -> DenoiseFn:
    """(x, sigma) -> D(x; sigma, label): a DenoiseFn for one fixed batch of labels (None = unconditional)."""
    return lambda x, sigma: denoiser(x, sigma, label)


def guided_denoiser(denoiser: EDMPrecond, label: torch.Tensor | None, scale: float) -> DenoiseFn:
    """The teacher a sampler or the E-step sees: D_uncond + w (D_cond - D_uncond) for labelled batches."""
    if label is None:
        return bind_label(denoiser, None)
    return guided(bind_label(denoiser, label), bind_label(denoiser, None), scale)


class TeacherTask(TrainTask):
    """Trains D(x; sigma, label) with `edm_loss`; `data` holds sample indices so that labels travel with the batch."""

    def __init__(self, cfg: TeacherConfig, train: TensorDataset, evaluator: SampleEvaluator, device: torch.device,
                 eval_samples: int):
        self.cfg, self.evaluator, self.device, self.eval_samples = cfg, evaluator, device, eval_samples
        self.x = train.x.to(device)
        self.y = train.y.to(device) if cfg.conditional else None
        self.n_classes = int(train.y.max()) + 1 if cfg.conditional else 0
        self.data = torch.arange(len(train))
        self.denoiser = build_denoiser(cfg.net, tuple(train.x.shape[1:]), self.n_classes).to(device)
        self.ema = copy.deepcopy(self.denoiser).requires_grad_(False)
        self.opt = torch.optim.Adam(self.denoiser.parameters(), lr=cfg.lr, foreach=True)

    def state_objects(self) -> dict:
        return {"denoiser": self.denoiser, "ema": self.ema, "opt": self.opt}

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        x0 = self.x[batch]
        label = None
        if self.y is not None:
            drop = torch.rand(len(batch), device=self.device) < self.cfg.label_dropout
            label = torch.where(drop, self.n_classes, self.y[batch])
        sigma = edm_sigma_sample(len(batch), self.cfg.p_mean, self.cfg.p_std, self.device)
        loss = edm_loss(lambda x, s: self.denoiser(x, s, label), x0, sigma, self.cfg.net.sigma_data)
        guarded_step(self.opt, loss, self.denoiser.parameters(), 0.0, "teacher EDM loss")
        with torch.no_grad():
            for p_ema, p in zip(self.ema.parameters(), self.denoiser.parameters()):
                p_ema.lerp_(p, 1.0 - self.cfg.ema)
        return {"loss": loss.item()}

    def random_labels(self, n: int) -> torch.Tensor | None:
        """Uniform class labels for a conditional teacher, None for an unconditional one."""
        return torch.randint(self.n_classes, (n,), device=self.device) if self.n_classes else None

    @torch.no_grad()
    def sample(self, n: int, label: torch.Tensor | None = None) -> torch.Tensor:
        c = self.cfg
        label = self.random_labels(n) if label is None else label
        sigmas = karras_sigmas(c.sample_steps, c.sigma_min, c.sigma_max, device=self.device)
        noise = torch.randn(n, *self.x.shape[1:], device=self.device) * sigmas[0]
        return EDM_SAMPLERS[c.sampler](guided_denoiser(self.ema, label, c.guidance), noise, sigmas)

    def evaluate(self) -> dict[str, float]:
        return self.evaluator.evaluate(self.sample(self.eval_samples))

    def write_samples(self, folder: Path, step: int) -> None:
        self.evaluator.write_samples(self.sample(min(self.eval_samples, 400)), folder / f"samples_{step:06d}.png")
