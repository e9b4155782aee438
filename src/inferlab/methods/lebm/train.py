"""LEBM learning (Pang et al. 2020, Algorithm 1) as a TrainTask; with prior=gaussian it is ABP."""

from __future__ import annotations

import torch

from inferlab.core.ebm import contrastive_prior_loss
from inferlab.core.latent_model import LatentVariableModel, build_latent_model, gaussian_nll
from inferlab.core.optim import guarded_step
from inferlab.data.base import TensorDataset
from inferlab.engine.distributed import DistContext
from inferlab.engine.task import SamplingTask
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.lebm.config import LEBMConfig


class LEBMTask(SamplingTask):
    """Each step: posterior Langevin, prior Langevin, then one Adam update of g_beta and of E_alpha.

    Generator:  min_beta  E_{z ~ p(z|x)} |x - g_beta(z)|^2 / (2 sigma_x^2)          (eq. 11)
    Prior:      min_alpha E_{z ~ p(z|x)} E_alpha(z) - E_{z ~ p_alpha(z)} E_alpha(z)    (eq. 8)
    """

    def __init__(self, cfg: LEBMConfig, train: TensorDataset, evaluator: SampleEvaluator, device: torch.device,
                 dist_ctx: DistContext = DistContext()):
        self.cfg, self.evaluator, self.device = cfg, evaluator, device
        self.eval_samples = cfg.eval.samples
        self.data = train.x.to(device)
        self.model: LatentVariableModel = build_latent_model(cfg.model, tuple(train.x.shape[1:])).to(device)
        o = cfg.optim
        self.gen_opt = torch.optim.Adam(self.model.generator.parameters(), lr=o.generator_lr, betas=(o.beta1, 0.999),
                                        foreach=True)
        self.gen_train = dist_ctx.wrap(self.model.generator, device)
        self.objects = {"generator": self.model.generator, "generator_opt": self.gen_opt}
        if self.model.prior is not None:
            self.prior_opt = torch.optim.Adam(self.model.prior.parameters(), lr=o.energy_lr, betas=(o.beta1, 0.999),
                                              foreach=True)
            self.prior_train = dist_ctx.wrap(self.model.prior, device)
            self.objects.update(prior=self.model.prior, prior_opt=self.prior_opt)
        self.schedulers = {f"{k}_sched": torch.optim.lr_scheduler.StepLR(v, o.decay_every, o.lr_decay)
                           for k, v in self.objects.items() if k.endswith("_opt")}
        self.objects.update(self.schedulers)

    def state_objects(self) -> dict:
        return self.objects

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        s, o = self.cfg.sampler, self.cfg.optim
        z_post, post = self.model.sample_posterior(batch, steps=s.posterior_steps, step_size=s.posterior_step_size,
                                                   noise=s.noise, max_abs=s.max_abs)
        logs = {"post_energy": post.energy_end}
        gen_loss = gaussian_nll(batch, self.gen_train(z_post), self.model.likelihood_sigma).mean()
        guarded_step(self.gen_opt, gen_loss, self.model.generator.parameters(), o.grad_clip, "generator loss")
        logs["gen_loss"] = gen_loss.item()
        if self.model.prior is not None:
            z_prior, prior = self.model.sample_prior(batch.shape[0], steps=s.prior_steps, step_size=s.prior_step_size,
                                                     noise=s.noise, max_abs=s.max_abs)
            energies = self.prior_train(torch.cat([z_post, z_prior]))  # (2B,): one pass keeps DDP to one reduce
            prior_loss = contrastive_prior_loss(*energies.chunk(2))
            guarded_step(self.prior_opt, prior_loss, self.model.prior.parameters(), o.grad_clip, "energy loss")
            logs.update(prior_loss=prior_loss.item(), prior_z_norm=prior.z_norm)
        for sched in self.schedulers.values():
            sched.step()
        return logs

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        s = self.cfg.sampler
        self.model.eval()
        x = self.model.generate(n, steps=s.prior_steps, step_size=s.prior_step_size, noise=s.noise, max_abs=s.max_abs)
        self.model.train()
        return x
