"""LPT's losses and its two Langevin samplers (Kong et al. 2024, sec. 3.2-3.3; official model/lpt.py infer_z and
infer_z_given_y), as functions of tensors and the two networks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
import torch.nn.functional as F

from inferlab.core.langevin import LangevinStats, langevin_sample
from inferlab.methods.lpt.model import LatentPlan, TrajectoryGPT


@contextmanager
def eval_mode(*modules: torch.nn.Module) -> Iterator[None]:
    """Dropout off inside the block; each module's train/eval mode restored after it."""
    modes = [m.training for m in modules]
    for m in modules:
        m.eval()
    try:
        yield
    finally:
        for m, mode in zip(modules, modes):
            m.train(mode)


def action_nll(outputs: torch.Tensor, targets: torch.Tensor, mask: torch.Tensor, discrete: bool) -> torch.Tensor:
    """-log p(a_{1:T} | s, z) per trajectory, summed over real steps: (B,).

    Discrete: sum_t cross-entropy(logits_t, a_t). Continuous: sum_t ||a_hat_t - a_t||^2 (a Gaussian with
    variance 1/2, as the official sum-of-squares loss)."""
    if discrete:
        per_step = F.cross_entropy(outputs.transpose(1, 2), targets, reduction="none")  # (B, T)
    else:
        per_step = (outputs - targets).pow(2).sum(-1)  # (B, T)
    return (per_step * mask).sum(1)


def posterior_energy(z0: torch.Tensor, batch: dict[str, torch.Tensor], model: TrajectoryGPT, plan: LatentPlan,
                     return_coef: float) -> torch.Tensor:
    """E(z0) = -log p(z0 | tau, y) + const = ||z0||^2 / 2 + (-log p(a | s, U(z0))) + lambda (y - r(U(z0)))^2: (B,)."""
    z = plan.prior(z0)
    outputs = model(batch["states"], batch["actions"], plan=z)
    nll = action_nll(outputs, batch["targets"], batch["mask"], model.discrete)
    return 0.5 * z0.pow(2).flatten(1).sum(1) + nll + return_coef * (batch["returns"] - plan.expected_return(z)).pow(2)


def plan_energy(z0: torch.Tensor, target: torch.Tensor, plan: LatentPlan, return_coef: float) -> torch.Tensor:
    """E(z0) = -log p(z0 | y*) + const = ||z0||^2 / 2 + lambda (y* - r(U(z0)))^2: (B,) (planning as inference)."""
    return 0.5 * z0.pow(2).flatten(1).sum(1) + return_coef * (target - plan.expected_return(plan.prior(z0))).pow(2)


def sample_posterior(batch: dict[str, torch.Tensor], z0: torch.Tensor, model: TrajectoryGPT, plan: LatentPlan, *,
                     steps: int, step_size: float, return_coef: float) -> tuple[torch.Tensor, LangevinStats]:
    """A few Langevin steps on p(z0 | tau, y) from the persistent chains z0 (B, K, C), dropout off (as the
    official infer_z, which runs in eval mode)."""
    with eval_mode(model, plan):
        return langevin_sample(lambda z: posterior_energy(z, batch, model, plan, return_coef), z0, steps, step_size,
                               name="LPT posterior Langevin")


def infer_plan(target: torch.Tensor, z0: torch.Tensor, plan: LatentPlan, *, steps: int, step_size: float,
               return_coef: float, noise: bool = True) -> torch.Tensor:
    """z = U(z0) with z0 from Langevin on p(y* | z) p(z0) started at z0 (B, K, C): the plan for return target (B,)."""
    with eval_mode(plan):
        z0, _ = langevin_sample(lambda z: plan_energy(z, target, plan, return_coef), z0, steps, step_size,
                                noise=noise, name="LPT planning Langevin")
        with torch.no_grad():
            return plan.prior(z0)


def parameter_loss(outputs: torch.Tensor, batch: dict[str, torch.Tensor], discrete: bool,
                   predicted_return: torch.Tensor | None = None, reward_weight: float = 0.0) -> dict[str, torch.Tensor]:
    """Learning at fixed z: action loss + reward_weight * mean (y - r(z))^2 (official LPT.forward: loss_ap +
    reward_weight * loss_rp). Continuous actions: loss_ap = mean over real steps and action dimensions of
    (a_hat - a)^2 (the official element mean); discrete: mean cross-entropy per real step."""
    mask = batch["mask"]
    elements = mask.sum() * (1 if discrete else outputs.shape[-1])
    action = action_nll(outputs, batch["targets"], mask, discrete).sum() / elements
    out = {"action_loss": action, "loss": action}
    if predicted_return is not None:
        ret = (predicted_return - batch["returns"]).pow(2).mean()
        out.update(return_loss=ret, loss=action + reward_weight * ret)
    return out
