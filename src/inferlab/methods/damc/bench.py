"""`inferlab bench damc`: DAMC against LEBM (same generator, energy prior, data, seed and updates).

Digits: both train on the digits without `eval.anomaly_digit`; FD of their samples against that training set, and
AUPRC of spotting the held-out digit among the normal test digits. Toy: the official pinwheel-through-a-random-MLP
toy; MMD of generated points, and the reconstruction error of each method's posterior vs a long-run Langevin one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from inferlab.data.base import TensorDataset
from inferlab.data.digits import load_digits
from inferlab.engine.bench import train_variant
from inferlab.errors import UserError
from inferlab.eval.features import features
from inferlab.eval.frechet import frechet_distance
from inferlab.eval.images import save_scatter
from inferlab.eval.mmd import mmd_rbf
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.damc.config import DAMCConfig, tiny_toy
from inferlab.methods.damc.metrics import anomaly_score, auprc, long_run_posterior, reconstruction_error
from inferlab.methods.damc.toy import TOY_SPEC, load_toy, toy_histogram
from inferlab.methods.damc.train import DAMCTask
from inferlab.methods.lebm import config as lebm_config
from inferlab.methods.lebm.train import LEBMTask

Infer = Callable[[torch.Tensor, bool], torch.Tensor]
"""(x, scoring) -> z: a method's posterior inference for the bench metrics."""


def bench(cfg: DAMCConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    if cfg.data.name != "digits":
        raise UserError(f"bench damc runs on data.name=digits (FD and held-out-digit anomaly detection); got "
                        f"{cfg.data.name!r}. Train other data with `inferlab train damc`.")
    digit = cfg.eval.anomaly_digit
    train = load_digits("train", exclude_labels=[digit])
    normal, every = load_digits("test", exclude_labels=[digit]), load_digits("all")
    test_x = torch.cat([normal.x, every.x[every.y == digit]]).to(device)
    test_y = torch.cat([torch.zeros(len(normal)), torch.ones(int((every.y == digit).sum()))])
    toy_cfg = replace(tiny_toy(), train=replace(tiny_toy().train, batch_size=cfg.train.batch_size))
    toy_train, toy_test = load_toy(toy_cfg.data.n, seed), load_toy(2000, seed + 7919)

    results, toy_points, figures = {}, {"data": toy_test.x.numpy()}, []
    for label in ("damc", "lebm"):
        make = _make_damc if label == "damc" else _make_lebm
        run_cfg = cfg if label == "damc" else lebm_baseline(cfg)
        task, fit, run_dir = train_variant(make(train, seed), run_cfg, label=label, device=device, seed=seed,
                                           out_dir=out_dir)
        infer = _inference(task)
        z = infer(test_x, True)
        fd_floor = frechet_distance(features(task.evaluator.net, normal.x), task.evaluator.train_feats)
        metrics = {"fd": fit.metrics["fd"], "fd_floor": fd_floor,
                   "anomaly_auprc": auprc(anomaly_score(task.model, test_x, z), test_y),
                   "anomaly_auprc_chance": float(test_y.mean()),
                   "seconds_per_iter": fit.seconds_per_step, "train_seconds": fit.seconds}
        figures.append(str(sorted((run_dir / "samples").glob("*.png"))[-1].relative_to(out_dir)))

        toy_run_cfg = toy_cfg if label == "damc" else lebm_baseline(toy_cfg)
        toy_task, toy_fit, _ = train_variant(make(toy_train, seed), toy_run_cfg, label=f"{label}_toy", device=device,
                                             seed=seed, out_dir=out_dir)
        points = toy_task.sample(len(toy_test))  # x = g(z) + sigma_x eps: the model's p(x), noisy like the data
        points = (points + toy_task.model.likelihood_sigma * torch.randn_like(points)).cpu()
        toy_points[label] = points.numpy()
        x = toy_test.x[:1000].to(device)
        infer = _inference(toy_task)
        z_ref = long_run_posterior(toy_task.model, x, cfg.eval.reference_steps, cfg.sampler.posterior_step_size)
        metrics.update(toy_mmd=mmd_rbf(points, toy_test.x),
                       posterior_mse=float(reconstruction_error(toy_task.model, x, infer(x, False)).mean()),
                       posterior_mse_ref=float(reconstruction_error(toy_task.model, x, z_ref).mean()),
                       toy_train_seconds=toy_fit.seconds)
        results[label] = metrics
    lims = _lims(toy_test.x.numpy())
    figures.append(str(save_scatter(toy_points, out_dir / "toy_samples.png", density=toy_histogram(lims),
                                    lims=lims).relative_to(out_dir)))
    return {"metrics": results["damc"], "baselines": {"lebm": results["lebm"]}, "figures": figures,
            "notes": f"fd: Frechet distance on in-project classifier features vs the digits training set without the "
                     f"digit {digit} (lower is better; fd_floor = held-out normal digits). anomaly_auprc: the held-out "
                     f"digit {digit} vs normal test digits, score |x - g(z)|^2 + E(z) + |z|^2/2 at the inferred z "
                     "(higher is better; chance = anomaly fraction). toy_mmd: generated points g(z) + sigma_x eps "
                     "on the pinwheel-through-random-MLP toy (lower is better). "
                     "posterior_mse: sum-of-squares reconstruction of the "
                     "amortized q(z|x) (DAMC) or short-run Langevin (LEBM) posterior on toy test points; "
                     f"posterior_mse_ref: same model, {cfg.eval.reference_steps}-step Langevin posterior."}


def lebm_baseline(cfg: DAMCConfig) -> lebm_config.LEBMConfig:
    """LEBM's own tiny recipe on DAMC's data, generator, energy net and training budget."""
    base, m = lebm_config.tiny(), cfg.model
    model = replace(base.model, prior="ebm", latent_dim=m.latent_dim, generator=m.generator,
                    generator_width=m.generator_width, generator_layers=m.generator_layers,
                    energy_hidden=m.energy_hidden, energy_layers=m.energy_layers,
                    energy_activation=m.energy_activation, prior_sigma=m.prior_sigma,
                    likelihood_sigma=m.likelihood_sigma)
    return replace(base, data=cfg.data, model=model, train=cfg.train,
                   eval=lebm_config.EvalConfig(samples=cfg.eval.samples))


def _make_damc(train: TensorDataset, seed: int):
    def make(cfg, device, dist_ctx, _seed):
        return DAMCTask(cfg, train, SampleEvaluator(cfg.data.name, train, n=cfg.eval.samples, seed=seed), device,
                        dist_ctx)
    return make


def _make_lebm(train: TensorDataset, seed: int):
    def make(cfg, device, dist_ctx, _seed):
        return LEBMTask(cfg, train, SampleEvaluator(cfg.data.name, train, n=cfg.eval.samples, seed=seed), device,
                        dist_ctx)
    return make


def _inference(task: DAMCTask | LEBMTask) -> Infer:
    """scoring=False: the posterior each method trains with before refinement: DAMC's amortized q(z|x) alone,
    LEBM's short-run noisy Langevin from N(0, I). scoring=True (anomaly scores): DAMC's q(z|x) then
    `anomaly_refine_steps` noiseless Langevin steps (official eval); LEBM's short-run chain without noise."""
    s = task.cfg.sampler

    def infer(x: torch.Tensor, scoring: bool) -> torch.Tensor:
        if isinstance(task, DAMCTask):
            z0, steps = task.eval_amortizer().sample(x), task.cfg.eval.anomaly_refine_steps if scoring else 0
        else:
            z0, steps = None, s.posterior_steps
        z, _ = task.model.sample_posterior(x, steps=steps, step_size=s.posterior_step_size,
                                           noise=not scoring, z0=z0, max_abs=s.max_abs)
        return z
    return infer


def _lims(points: np.ndarray) -> tuple[float, float, float, float]:
    lo, hi = np.quantile(points, 0.002, axis=0), np.quantile(points, 0.998, axis=0)
    pad = 0.15 * (hi - lo).max()
    return (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)
