"""The path-task TrainTask: LanMDP's energy policy learned from state-only paths, or the bc_states regression."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from inferlab.core.importance import effective_sample_size
from inferlab.core.optim import guarded_step
from inferlab.data.cubic_paths import cubic_demonstrations
from inferlab.engine.task import TrainTask
from inferlab.envs.cubic_path import MAX_DY, cubic_transition
from inferlab.errors import UserError
from inferlab.methods.lanmdp.config import LanMDPConfig
from inferlab.methods.lanmdp.context import context_windows
from inferlab.methods.lanmdp.cubic import cubic_fit_metrics, roll_out_paths
from inferlab.methods.lanmdp.figures import save_paths
from inferlab.methods.lanmdp.model import EnergyPolicy, RegressionPolicy
from inferlab.methods.lanmdp.objective import action_grad_penalty, gaussian_log_prob, lanmdp_loss, one_sigma_floor
from inferlab.methods.lanmdp.sampling import act, plan_to_goal, sample_prior_actions


def make_policy(cfg: LanMDPConfig, state_dim: int, act_dim: int) -> torch.nn.Module:
    p = cfg.policy
    cls = EnergyPolicy if p.kind == "ebm" else RegressionPolicy
    return cls(state_dim=state_dim, act_dim=act_dim, context=p.context, hidden=p.hidden, layers=p.layers,
               init_std=p.init_std)


def make_optimizer(cfg: LanMDPConfig, params) -> torch.optim.Optimizer:
    return (torch.optim.AdamW if cfg.optim.adamw else torch.optim.Adam)(params, lr=cfg.optim.lr)


def importance_step(policy: EnergyPolicy, context: torch.Tensor, next_states: torch.Tensor,
                    predict, cfg: LanMDPConfig, sigma: float, dims: slice = slice(None),
                    scale: torch.Tensor | float = 1.0) -> tuple[torch.Tensor, dict, torch.Tensor]:
    """One LanMDP loss on a batch: K prior samples per context, weights from p_beta(s' | s, a_i) with
    g_beta = `predict(s, a)` over the state entries `dims` (residuals divided by `scale`), the loss of
    objective.lanmdp_loss. Returns (loss, logs, the prior samples (B K, A))."""
    b, k = context.shape[0], cfg.sampler.samples
    ctx = context.repeat_interleave(k, 0)  # (B K, c, S)
    a = sample_prior_actions(policy, ctx, max_action=1.0 if cfg.task.env != "cubic" else MAX_DY,
                             steps=cfg.sampler.steps, s=cfg.sampler)
    with torch.no_grad():
        residual = (next_states.repeat_interleave(k, 0)[:, dims] - predict(ctx[:, -1], a)[:, dims]) / scale
        log_lik = gaussian_log_prob(residual, sigma).view(b, k)
    floor = (one_sigma_floor(residual.shape[-1], sigma) if cfg.loss.floor_at_one_sigma
             else cfg.loss.log_prob_floor)
    a = a.requires_grad_(cfg.loss.grad_penalty > 0)
    f = policy(ctx, a)
    penalty = action_grad_penalty(f, a, cfg.loss.grad_margin) * cfg.loss.grad_penalty if a.requires_grad else 0.0
    loss, w = lanmdp_loss(f.view(b, k), log_lik, floor=floor, energy_reg=cfg.loss.energy_reg, grad_penalty=penalty)
    return loss, {"ess": float(effective_sample_size(w).mean()), "energy": float(f.detach().mean())}, a.detach()


class CubicTask(TrainTask):
    """Path task: demonstrations (N, 21, 2) cut into context windows (zero-padded at the start, official)."""

    def __init__(self, cfg: LanMDPConfig, device: torch.device, seed: int):
        if cfg.policy.kind == "bc_actions":
            raise UserError("policy.kind=bc_actions is a MuJoCo baseline (on the path task the action is the state "
                            "change, so use policy.kind=regression); allowed here: ebm, regression.")
        self.cfg, self.device = cfg, device
        self.demos = torch.from_numpy(cubic_demonstrations(cfg.task.demos, np.random.default_rng(seed)))
        self.data = context_windows(list(self.demos), cfg.policy.context, start_window=True).to(device)
        self.policy = make_policy(cfg, 2, 1).to(device)
        self.opt = make_optimizer(cfg, self.policy.parameters())

    def state_objects(self) -> dict:
        return {"policy": self.policy, "optimizer": self.opt}

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        context, next_states = batch[:, :-1], batch[:, -1]  # (B, c, 2), (B, 2)
        true_dy = next_states[:, :1] - context[:, -1, :1]
        if self.cfg.policy.kind == "ebm":
            loss, logs, a = importance_step(self.policy, context, next_states, cubic_transition, self.cfg,
                                            self.cfg.loss.sigma, dims=slice(0, 1))
            logs["action_mse"] = float((a - true_dy.repeat_interleave(self.cfg.sampler.samples, 0)).pow(2).mean())
        else:
            loss = (self.policy(context) - true_dy).pow(2).mean()
            logs = {"action_mse": float(loss.detach())}
        guarded_step(self.opt, loss, self.policy.parameters(), self.cfg.optim.grad_clip, "LanMDP policy loss")
        return {"loss": float(loss.detach()), **logs}

    def choose(self, context: torch.Tensor) -> torch.Tensor:
        """The executed dy for contexts (N, c, 2)."""
        if self.cfg.policy.kind == "ebm":
            return act(self.policy, context, max_action=MAX_DY, s=self.cfg.sampler)
        with torch.no_grad():
            return self.policy(context)

    def generate(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """n paths from start heights y0 ~ U[-1, 1]: states (n, 21, 2), actions (n, 20, 1)."""
        starts = torch.rand(n, device=self.device) * 2 - 1
        return roll_out_paths(self.choose, starts, self.cfg.policy.context)

    def plan(self, n: int) -> dict[str, torch.Tensor]:
        """Prior paths, goals near their ends (official), the posterior-sampling plans towards them ("planned", with
        plan.normaliser_points) and, when that is > 0, the official raw-f plans from the same start ("planned_raw")."""
        pc = self.cfg.plan
        states, actions = self.generate(n)
        goals = (states[:, -1, 0] + pc.goal_offset_std * torch.randn(n, device=self.device)).clamp(-1, 1)
        def plan(points: int) -> torch.Tensor:
            return plan_to_goal(self.policy, states, actions, goals, start=pc.start, steps=pc.steps,
                                step_size=pc.step_size, noise=pc.noise, target_weight=pc.target_weight,
                                grad_clip=self.cfg.sampler.grad_clip, max_action=MAX_DY, normaliser_points=points)

        out = {"prior": states, "goals": goals, "planned": plan(pc.normaliser_points)}
        if pc.normaliser_points:
            out["planned_raw"] = plan(0)
        return out

    def evaluate(self) -> dict[str, float]:
        states, _ = self.generate(self.cfg.eval.samples)
        metrics = cubic_fit_metrics(states.cpu().numpy())
        if self.cfg.policy.kind == "ebm":
            p = self.plan(self.cfg.plan.paths)
            names = {"planned": "plan", "planned_raw": "plan_raw", "prior": "prior"}
            for key, name in names.items():
                if key in p:  # |goal - final y|, and the mean over paths of max_t |y_t| (overshoot)
                    metrics[f"goal_error_{name}"] = float((p[key][:, -1, 0] - p["goals"]).abs().mean())
                    metrics[f"max_abs_y_{name}"] = float(p[key][..., 0].abs().amax(1).mean())
            metrics["acc_rate_plan"] = cubic_fit_metrics(p["planned"].cpu().numpy())["acc_rate"]
        metrics["score"] = 1.0 - metrics["acc_rate"]
        return metrics

    def sample(self, n: int) -> torch.Tensor:
        return self.generate(n)[0]

    def write_samples(self, folder: Path, step: int) -> None:
        save_paths(folder / f"paths_{step:06d}.png", {"generated": self.sample(10).cpu().numpy()},
                   demos=self.demos[:10].numpy())
