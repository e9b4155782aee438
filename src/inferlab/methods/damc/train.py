"""DAMC learning (Yu et al. 2023, Algorithm 1, as the official train_gen_recon.py runs it) as a TrainTask."""

from __future__ import annotations

import copy
import torch

from inferlab.core.ebm import contrastive_prior_loss
from inferlab.core.latent_model import LatentVariableModel, build_latent_model, gaussian_nll, squared_error
from inferlab.core.optim import ema_update, guarded_step
from inferlab.data.base import TensorDataset
from inferlab.engine.distributed import DistContext
from inferlab.engine.task import SamplingTask
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.damc.config import DAMCConfig
from inferlab.methods.damc.model import DiffusionAmortizer, build_amortizer


class DAMCTask(SamplingTask):
    """Each iteration, on a batch x:

    1. z0 ~ q_target(z|x), the EMA copy of the amortizer (ancestral sampling, no gradient);
    2. z+ = K_post Langevin steps on -log p(x|z) - log p(z) from z0                 (the refined posterior);
    3. z- = K_prior Langevin steps on -log p(z) from [z0, N(0, I)]                   (prior negatives, 2B chains);
    4. `updates_per_step` DSM updates of q on (x, z+), x dropped with prob. p_uncond  (amortize the MCMC);
    5. generator:  min_beta  mean |x - g_beta(z+)|^2        (official scale; generator_loss=nll: / 2 sigma_x^2);
       prior:      min_alpha mean E_alpha(z+) - mean E_alpha(z-)                     (as in LEBM);
    6. every `target_every` iterations: theta_target <- rho theta + (1 - rho) theta_target.

    With model.prior=gaussian there is no energy net: step 3 and the prior update are skipped (the official toy).
    """

    def __init__(self, cfg: DAMCConfig, train: TensorDataset, evaluator: SampleEvaluator, device: torch.device,
                 dist_ctx: DistContext = DistContext()):
        self.cfg, self.evaluator, self.device = cfg, evaluator, device
        self.eval_samples = cfg.eval.samples
        self.data = train.x.to(device)
        shape = tuple(train.x.shape[1:])
        self.model: LatentVariableModel = self.build_model(shape).to(device)
        self.q: DiffusionAmortizer = build_amortizer(cfg.diffusion, cfg.model.latent_dim, shape).to(device)
        self.q_target = copy.deepcopy(self.q).requires_grad_(False)
        o = cfg.optim
        betas = (o.beta1, 0.999)
        self.gen_opt = torch.optim.Adam(self.model.generator.parameters(), lr=o.generator_lr, betas=betas,
                                        foreach=True)
        self.q_opt = torch.optim.AdamW(self.q.parameters(), lr=o.amortizer_lr, betas=betas,
                                       weight_decay=o.amortizer_weight_decay, foreach=True)
        self.gen_train, self.q_train = dist_ctx.wrap(self.model.generator, device), dist_ctx.wrap(self.q, device)
        self.objects = {"generator": self.model.generator, "amortizer": self.q, "amortizer_target": self.q_target,
                        "generator_opt": self.gen_opt, "amortizer_opt": self.q_opt}
        if self.model.prior is not None:
            self.prior_opt = torch.optim.Adam(self.model.prior.parameters(), lr=o.energy_lr, betas=betas,
                                              foreach=True)
            self.prior_train = dist_ctx.wrap(self.model.prior, device)
            self.objects.update(prior=self.model.prior, prior_opt=self.prior_opt)
        self.schedulers = {f"{k}_sched": _decay(opt, o.lr_decay, o.decay_every, o.min_lr)
                           for k, opt in self.objects.items() if k.endswith("_opt")}
        self.objects.update(self.schedulers)

    def build_model(self, data_shape: tuple[int, ...]) -> LatentVariableModel:
        """g_beta and the prior from cfg.model (the official toy overrides this with its fixed generator)."""
        return build_latent_model(self.cfg.model, data_shape)

    def state_objects(self) -> dict:
        return self.objects

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        s, o, d = self.cfg.sampler, self.cfg.optim, self.cfg.diffusion
        n = batch.shape[0]
        z0 = self.q_target.sample(batch)  # (B, D)
        z_post, post = self.model.sample_posterior(batch, steps=s.posterior_steps, step_size=s.posterior_step_size,
                                                   noise=s.noise, z0=z0, max_abs=s.max_abs)
        logs = {"post_energy": post.energy_end}
        if self.model.prior is not None:
            z_neg, prior = self.model.sample_prior(2 * n, steps=s.prior_steps, step_size=s.prior_step_size,
                                                   noise=s.noise, z0=torch.cat([z0, self.model.reference_sample(n)]),
                                                   max_abs=s.max_abs)
            logs["prior_z_norm"] = prior.z_norm
        for _ in range(d.updates_per_step):
            keep = torch.rand(n, device=batch.device) >= d.p_uncond
            q_loss = self.q_train(z_post, batch, keep)
            guarded_step(self.q_opt, q_loss, self.q.parameters(), o.grad_clip, "amortizer DSM loss")
        gen_loss = generator_loss(batch, self.gen_train(z_post), self.model.likelihood_sigma, o.generator_loss)
        gen_grad_norm = guarded_step(self.gen_opt, gen_loss, self.model.generator.parameters(), o.grad_clip,
                                     "generator loss")
        logs.update(gen_loss=gen_loss.item(), q_loss=q_loss.item())
        if gen_grad_norm is not None:
            logs["gen_grad_norm"] = float(gen_grad_norm)  # before clipping
        if self.model.prior is not None:
            energies = self.prior_train(torch.cat([z_post, z_neg]))  # (3B,): one pass keeps DDP to one reduce
            prior_loss = contrastive_prior_loss(energies[:n], energies[n:])
            guarded_step(self.prior_opt, prior_loss, self.model.prior.parameters(), o.grad_clip, "energy loss")
            logs["prior_loss"] = prior_loss.item()
        for sched in self.schedulers.values():
            sched.step()
        if (step + 1) % d.target_every == 0:
            ema_update(self.q_target, self.q, d.target_rho)
        return logs

    def eval_amortizer(self) -> DiffusionAmortizer:
        """The q that generates and infers outside training: the EMA target or the online net (config)."""
        return self.q_target if self.cfg.diffusion.evaluate_with_target else self.q

    @torch.no_grad()
    def sample_latent(self, n: int) -> torch.Tensor:
        """z from q's unconditional mode, then `generate_refine_steps` prior Langevin steps (0 = none)."""
        s = self.cfg.sampler
        z = self.eval_amortizer().sample(n=n)
        z, _ = self.model.sample_prior(n, steps=s.generate_refine_steps, step_size=s.prior_step_size, noise=s.noise,
                                       z0=z, max_abs=s.max_abs)
        return z

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        self.model.eval()
        x = self.model.generator(self.sample_latent(n))
        self.model.train()
        return x


def generator_loss(x: torch.Tensor, x_hat: torch.Tensor, sigma: float, kind: str) -> torch.Tensor:
    """Batch mean of sum_i (x - g(z))_i^2 ("sum_squares", official train_gen_recon.py), or of the Gaussian negative
    log-likelihood |x - g(z)|^2 / (2 sigma_x^2) ("nll")."""
    per_sample = squared_error(x, x_hat) if kind == "sum_squares" else gaussian_nll(x, x_hat, sigma)
    return per_sample.mean()


def _decay(opt: torch.optim.Optimizer, rate: float, every: int, min_lr: float) -> torch.optim.lr_scheduler.LambdaLR:
    """lr_k = max(lr_0 rate^(k // every), min_lr) (official: 0.99 per 1000 iterations, floor 1e-5); lr_0 = 0 stays 0
    (a network frozen by a zero learning rate)."""
    lr0 = opt.param_groups[0]["lr"]
    floor = min(min_lr / lr0, 1.0) if lr0 > 0 else 0.0
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda k: max(rate ** (k // every), floor))
