"""`inferlab bench lebm`: LEBM against ABP (same generator, N(0, I) prior) on digits and on a 2-D toy."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import torch

from inferlab.core.ebm import contrastive_prior_loss
from inferlab.core.langevin import energy_grad
from inferlab.core.latent_model import LatentVariableModel, gaussian_nll
from inferlab.engine.bench import seconds_per_call, train_variant
from inferlab.eval.images import save_scatter
from inferlab.eval.report import plot_curves
from inferlab.eval.sample_metrics import toy_density
from inferlab.methods.lebm.config import LEBMConfig, SamplerConfig, tiny_toy

VARIANTS = {"lebm": "ebm", "abp": "gaussian"}


def bench(cfg: LEBMConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    """Train LEBM and ABP on the same data, seed and number of updates; report FD on digits and toy MMD/modes."""
    from inferlab.methods.lebm import make_task

    results, toy_points, figures = {}, {}, []
    for label, prior in VARIANTS.items():
        img_cfg = replace(cfg, model=replace(cfg.model, prior=prior))
        task, fit, run_dir = train_variant(make_task, img_cfg, label=label, device=device, seed=seed, out_dir=out_dir)
        metrics = {"fd": fit.metrics["fd"], "fd_floor": task.evaluator.fd_floor(seed),
                   "seconds_per_iter": fit.seconds_per_step, "train_seconds": fit.seconds}
        if prior == "ebm":
            batch = task.data[: cfg.train.batch_size]
            passes = network_pass_seconds(task.model, batch, cfg.sampler, cfg.optim.generator_lr)
            metrics.update(network_seconds_per_iter=passes, overhead_ratio=fit.seconds_per_step / passes)
        toy = tiny_toy()  # the toy runs min(its own steps, train.steps) updates, so a short bench stays short
        toy_cfg = replace(toy, model=replace(toy.model, prior=prior),
                          train=replace(toy.train, steps=min(toy.train.steps, cfg.train.steps)))
        toy_task, toy_fit, _ = train_variant(make_task, toy_cfg, label=f"{label}_toy", device=device, seed=seed,
                                             out_dir=out_dir)
        metrics.update({f"toy_{k}": v for k, v in toy_fit.metrics.items() if k != "score"})
        toy_points[label] = toy_task.sample(2000).cpu().numpy()
        figures.append(str(sorted((run_dir / "samples").glob("*.png"))[-1].relative_to(out_dir)))
        results[label] = metrics
    figures.append(str(save_scatter(toy_points, out_dir / "toy_samples.png",
                                    density=toy_density(toy_task.evaluator.toy)).relative_to(out_dir)))
    figures.append(str(plot_curves(out_dir / "lebm" / "metrics.jsonl", ["gen_loss", "prior_loss"],
                                   out_dir / "lebm_curves.png").relative_to(out_dir)))
    return {"metrics": results["lebm"], "baselines": {"abp": results["abp"]}, "figures": figures,
            "notes": "fd: Frechet distance on in-project classifier features vs the digits training set (lower is "
                     "better; fd_floor = held-out real digits). toy_*: 2-D latent on 8 gaussians (mmd lower is "
                     "better). overhead_ratio = training seconds per iteration / seconds of its bare network passes."}


def network_pass_seconds(model: LatentVariableModel, batch: torch.Tensor, s: SamplerConfig, lr: float,
                         repeats: int = 10) -> float:
    """Time of the network work one LEBM iteration must do, on a copy of the model:
    K_post posterior-energy gradients + K_prior prior-energy gradients + one update of each net."""
    model = copy.deepcopy(model)
    opts = [torch.optim.Adam(m.parameters(), lr=lr) for m in (model.generator, model.prior)]
    z = model.reference_sample(batch.shape[0])

    def one_iteration() -> None:
        for _ in range(s.posterior_steps):
            energy_grad(lambda v: model.posterior_energy(v, batch), z)
        for _ in range(s.prior_steps):
            energy_grad(model.prior.energy, z)
        losses = [gaussian_nll(batch, model.generator(z), model.likelihood_sigma).mean(),
                  contrastive_prior_loss(*model.prior(torch.cat([z, z])).chunk(2))]
        for opt, loss in zip(opts, losses):
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    return seconds_per_call(one_iteration, repeats)
