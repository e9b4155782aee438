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
from inferlab.methods.damc.official_toy import official_toy_bench
from inferlab.methods.damc.toy import OFFICIAL_TOY_SPEC, load_toy, toy_histogram
from inferlab.methods.damc.train import DAMCTask
from inferlab.methods.lebm import config as lebm_config
from inferlab.methods.lebm.train import LEBMTask

Infer = Callable[[torch.Tensor, str], torch.Tensor]
"""(x, mode) -> z: a method's posterior inference for the bench metrics; mode "amortized", "chain" or "score"."""


def bench(cfg: DAMCConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    if cfg.data.name == OFFICIAL_TOY_SPEC:
        return official_toy_bench(cfg, device, seed, out_dir)
    if cfg.data.name != "digits":
        raise UserError(f"bench damc runs on data.name=digits (FD and held-out-digit anomaly detection) or "
                        f"{OFFICIAL_TOY_SPEC} (preset official_toy); got {cfg.data.name!r}. Train other data with "
                        "`inferlab train damc`.")
    digit = cfg.eval.anomaly_digit
    train = load_digits("train", exclude_labels=[digit])
    toy_cfg = replace(tiny_toy(), train=replace(cfg.train, steps=min(cfg.eval.toy_steps, cfg.train.steps)))
    toy_train, toy_test = load_toy(toy_cfg.data.n, seed), load_toy(2000, seed + 7919)
    results, toy_points, figures = {}, {"data": toy_test.x.numpy()}, []
    for label in ("damc", "lebm"):
        make = _make_damc if label == "damc" else _make_lebm
        run_cfg, run_toy_cfg = (cfg, toy_cfg) if label == "damc" else (lebm_baseline(cfg), lebm_baseline(toy_cfg))
        task, fit, run_dir = train_variant(make(train, seed), run_cfg, label=label, device=device, seed=seed,
                                           out_dir=out_dir)
        metrics = {"fd": fit.metrics["fd"], **_digit_metrics(task, digit, device),
                   "seconds_per_iter": fit.seconds_per_step, "train_seconds": fit.seconds}
        figures.append(str(sorted((run_dir / "samples").glob("*.png"))[-1].relative_to(out_dir)))
        toy_task, toy_fit, _ = train_variant(make(toy_train, seed), run_toy_cfg, label=f"{label}_toy", device=device,
                                             seed=seed, out_dir=out_dir)
        points = toy_task.sample(len(toy_test))  # x = g(z) + sigma_x eps: the model's p(x), noisy like the data
        toy_points[label] = (points + toy_task.model.likelihood_sigma * torch.randn_like(points)).cpu().numpy()
        metrics.update(toy_mmd=mmd_rbf(toy_points[label], toy_test.x),
                       **_posterior_metrics(toy_task, toy_test.x[:1000].to(device), cfg.eval.reference_steps),
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
                     "on the pinwheel-through-random-MLP toy (lower is better). posterior_mse: sum-of-squares "
                     "reconstruction error on toy test points of DAMC's amortized q(z|x) alone / LEBM's short-run "
                     "Langevin posterior; posterior_mse_chain: the posterior each trains on (DAMC: q then K_post "
                     f"Langevin steps); posterior_mse_ref: same model, {cfg.eval.reference_steps}-step Langevin "
                     "from N(0, I)."}


def _digit_metrics(task: DAMCTask | LEBMTask, digit: int, device: torch.device) -> dict[str, float]:
    """FD floor, and AUPRC of the held-out `digit` (anomalies: all of them) against the normal test digits."""
    normal, every = load_digits("test", exclude_labels=[digit]), load_digits("all")
    x = torch.cat([normal.x, every.x[every.y == digit]]).to(device)
    labels = torch.cat([torch.zeros(len(normal)), torch.ones(int((every.y == digit).sum()))])
    scores = anomaly_score(task.model, x, _inference(task)(x, "score"))
    return {"fd_floor": frechet_distance(features(task.evaluator.net, normal.x), task.evaluator.train_feats),
            "anomaly_auprc": auprc(scores, labels), "anomaly_auprc_chance": float(labels.mean())}


def _posterior_metrics(task: DAMCTask | LEBMTask, x: torch.Tensor, reference_steps: int) -> dict[str, float]:
    """Mean reconstruction error of the method's posteriors and of a long-run Langevin reference on the same model."""
    infer = _inference(task)
    z_ref = long_run_posterior(task.model, x, reference_steps, task.cfg.sampler.posterior_step_size)
    pairs = (("posterior_mse", infer(x, "amortized")), ("posterior_mse_chain", infer(x, "chain")),
             ("posterior_mse_ref", z_ref))
    return {key: float(reconstruction_error(task.model, x, z).mean()) for key, z in pairs}


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
    """Posterior inference per mode. DAMC: "amortized" = q(z|x) alone; "chain" = q(z|x) then K_post noisy Langevin
    steps (the posterior it trains on); "score" = q(z|x) then `anomaly_refine_steps` noiseless steps (official eval).
    LEBM has no amortizer: "amortized" and "chain" are its K_post-step noisy chain from N(0, I), "score" the same
    chain without noise."""
    s = task.cfg.sampler

    def infer(x: torch.Tensor, mode: str) -> torch.Tensor:
        z0, steps = None, s.posterior_steps
        if isinstance(task, DAMCTask):
            z0 = task.eval_amortizer().sample(x)
            steps = {"amortized": 0, "chain": s.posterior_steps, "score": task.cfg.eval.anomaly_refine_steps}[mode]
        z, _ = task.model.sample_posterior(x, steps=steps, step_size=s.posterior_step_size, noise=mode != "score",
                                           z0=z0, max_abs=s.max_abs)
        return z
    return infer


def _lims(points: np.ndarray) -> tuple[float, float, float, float]:
    lo, hi = np.quantile(points, 0.002, axis=0), np.quantile(points, 0.998, axis=0)
    pad = 0.15 * (hi - lo).max()
    return (lo[0] - pad, hi[0] + pad, lo[1] - pad, hi[1] + pad)
