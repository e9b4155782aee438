"""The official DAMC toy (toy_example.py): how well q(z|x) amortizes the posterior of a fixed model.

    z_i ~ 2-arm pinwheel (500 latents drawn once),  x = G*(z_i) + 0.25 eps (fresh eps every iteration),
    model: p(z) = N(0, I), p(x|z) = N(G*(z), 0.25^2 I) with the true G*, so only q is learned.

Errors are sum-of-squares reconstruction errors |x - G*(z)|^2 on fresh test points, averaged (the official "g_loss"):
q alone, q followed by the K_post Langevin steps of training, a 1000-step Langevin reference from N(0, I), and a
K_post-step chain from N(0, I) (no amortizer).
"""

from __future__ import annotations

from pathlib import Path

import torch

from inferlab.core.latent_model import LatentVariableModel, build_latent_model
from inferlab.data.base import TensorDataset
from inferlab.engine.bench import train_variant
from inferlab.engine.distributed import DistContext
from inferlab.errors import UserError
from inferlab.eval.images import save_scatter
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.damc.config import DAMCConfig
from inferlab.methods.damc.metrics import long_run_posterior, reconstruction_error
from inferlab.methods.damc.toy import NOISE_STD, OFFICIAL_TOY_SPEC, ToyGenerator, official_latents
from inferlab.methods.damc.train import DAMCTask

_TEST_SEED_OFFSET = 7919


class OfficialToyTask(DAMCTask):
    """DAMC on the official toy: `data` holds the fixed latents; each step observes them through G* with fresh noise
    and runs one DAMC iteration on those x. g starts as G* (the official preset freezes it with generator_lr = 0)."""

    def __init__(self, cfg: DAMCConfig, device: torch.device, dist_ctx: DistContext = DistContext(), seed: int = 0):
        if cfg.model.latent_dim != 2:
            raise UserError(f"data.name={OFFICIAL_TOY_SPEC} has a 2-D latent (G*: 2 -> 2); got "
                            f"model.latent_dim={cfg.model.latent_dim}. Set model.latent_dim=2.")
        latents = TensorDataset(OFFICIAL_TOY_SPEC, official_latents(cfg.data.n or 500, seed))
        evaluator = SampleEvaluator(OFFICIAL_TOY_SPEC, latents, n=cfg.eval.samples, seed=seed)
        self.true_generator = ToyGenerator().requires_grad_(False).to(device)
        super().__init__(cfg, latents, evaluator, device, dist_ctx)
        noise = torch.Generator().manual_seed(seed + _TEST_SEED_OFFSET)
        test_z = official_latents(cfg.eval.samples, seed + _TEST_SEED_OFFSET)
        self.test_x = self.observe(test_z.to(device), NOISE_STD * torch.randn(test_z.shape, generator=noise).to(device))

    def build_model(self, data_shape: tuple[int, ...]) -> LatentVariableModel:
        m = self.cfg.model
        return LatentVariableModel(generator=ToyGenerator(), prior=build_latent_model(m, data_shape).prior,
                                   latent_dim=2, prior_sigma=m.prior_sigma, likelihood_sigma=m.likelihood_sigma)

    @torch.no_grad()
    def observe(self, z: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """x = G*(z) + noise: the true generator, whatever the model's g has become."""
        return self.true_generator(z) + noise

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        return super().train_step(self.observe(batch, NOISE_STD * torch.randn_like(batch)), step)

    def posterior_draws(self) -> dict[str, torch.Tensor]:
        """z for every test x: q alone, q + K_post Langevin steps, the long-run reference, K_post steps from N(0, I)."""
        s, x = self.cfg.sampler, self.test_x
        z_q = self.eval_amortizer().sample(x)
        refined, _ = self.model.sample_posterior(x, steps=s.posterior_steps, step_size=s.posterior_step_size,
                                                 noise=s.noise, z0=z_q, max_abs=s.max_abs)
        short, _ = self.model.sample_posterior(x, steps=s.posterior_steps, step_size=s.posterior_step_size,
                                               noise=s.noise, max_abs=s.max_abs)
        reference = long_run_posterior(self.model, x, self.cfg.eval.reference_steps, s.posterior_step_size)
        return {"amortized": z_q, "amortized_refined": refined, "reference": reference, "short_run": short}

    def evaluate(self) -> dict[str, float]:
        """Mean |x - g(z)|^2 of each posterior in `posterior_draws`; the draws are kept in `last_draws` for plots."""
        self.last_draws = self.posterior_draws()
        errors = {f"{k}_mse": float(reconstruction_error(self.model, self.test_x, z).mean())
                  for k, z in self.last_draws.items()}
        return {**errors, "score": errors["amortized_mse"]}


def official_toy_bench(cfg: DAMCConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    """Train q for train.steps iterations; report its posterior errors, the Langevin chains' as baselines."""
    def make(c, d, dist_ctx, s):
        return OfficialToyTask(c, d, dist_ctx, s)

    task, fit, _ = train_variant(make, cfg, label="damc", device=device, seed=seed, out_dir=out_dir)
    m, k = fit.metrics, cfg.sampler.posterior_steps
    draws = {name: z.cpu().numpy()[:2000] for name, z in task.last_draws.items()}
    figure = save_scatter({f"q(z|x), {cfg.train.steps} its": draws["amortized"],
                           f"Langevin {cfg.eval.reference_steps} steps": draws["reference"]},
                          out_dir / "official_toy_posteriors.png")
    return {"metrics": {"amortized_mse": m["amortized_mse"], "amortized_mse_refined": m["amortized_refined_mse"],
                        "reference_mse": m["reference_mse"], "iterations": cfg.train.steps,
                        "train_seconds": fit.seconds, "seconds_per_iter": fit.seconds_per_step},
            "baselines": {"langevin_short_run": {"mse": m["short_run_mse"], "steps": k},
                          "langevin_reference": {"mse": m["reference_mse"], "steps": cfg.eval.reference_steps}},
            "figures": [str(figure.relative_to(out_dir))],
            "notes": f"Official DAMC toy: fixed G*, N(0, I) prior, q trained {cfg.train.steps} iterations. Mean "
                     f"sum-of-squares error |x - G*(z)|^2 on {len(task.test_x)} test points of the posterior z: "
                     f"amortized_mse = q(z|x) alone, amortized_mse_refined = q then {k} Langevin steps, "
                     f"reference_mse = {cfg.eval.reference_steps} Langevin steps from N(0, I); langevin_short_run = "
                     f"{k} steps from N(0, I). The observation noise alone contributes about 2 x 0.25^2 = 0.125."}
