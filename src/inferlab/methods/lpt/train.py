"""LPT learning as a TrainTask (Kong et al. 2024, Algorithm 1): per batch of trajectories, a few Langevin steps
move each trajectory's persistent posterior chain z0 ~ p(z0 | tau, y); then one update of all parameters at
fixed z0: action loss + reward_weight * return loss. BC and DT train the same GPT on the same batches with the
action loss alone."""

from __future__ import annotations

import functools

import numpy as np
import torch

from inferlab.core.optim import guarded_step
from inferlab.engine.task import TrainTask
from inferlab.errors import UserError
from inferlab.envs.rollout import rollout_episodes
from inferlab.methods.lpt.config import LPTConfig
from inferlab.methods.lpt.inference import infer_plan, parameter_loss, sample_posterior
from inferlab.methods.lpt.model import LatentPlan, TrajectoryGPT
from inferlab.methods.lpt.policy import SequencePolicy
from inferlab.methods.lpt.problems import RewardTap, make_problem
from inferlab.methods.lpt.sequences import pack

CONDITIONING = {"lpt": "latent", "dt": "return", "bc": "none"}
EVAL_SEED = 10_000
"""Evaluation episodes are reset with seeds EVAL_SEED + i, apart from the data's."""


def warmup_linear(total: int, warmup: float):
    """Learning-rate factor: linear warm-up over warmup * total steps, then linear decay to 0 (HF Trainer)."""
    ramp = max(1, int(warmup * total))
    return lambda step: min((step + 1) / ramp, max(0.0, (total - step) / max(1, total - ramp)))


class LPTTask(TrainTask):
    """`data` holds trajectory indices: a batch of them selects padded sequences and their persistent chains."""

    def __init__(self, cfg: LPTConfig, device: torch.device, seed: int):
        m = cfg.model
        if m.variant not in CONDITIONING:
            raise UserError(f"model.variant={m.variant!r}: choose one of {', '.join(CONDITIONING)}.")
        if m.variant == "lpt" and (m.n_latent * m.d_model) % 2 ** (len(m.unet_mults) - 1):
            raise UserError(f"model.n_latent * model.d_model = {m.n_latent * m.d_model} must be divisible by "
                            f"2 ** (len(model.unet_mults) - 1) = {2 ** (len(m.unet_mults) - 1)} for the UNet prior.")
        if m.d_model % m.heads or (m.variant == "lpt" and m.unet_dim % 8):
            raise UserError(f"model.d_model={m.d_model} must be divisible by model.heads={m.heads}, and "
                            f"model.unet_dim={m.unet_dim} by 8 (GroupNorm groups).")
        self.cfg, self.device, self.seed = cfg, device, seed
        self.problem = make_problem(cfg.data, np.random.default_rng(seed))
        p = self.problem
        self.seqs = pack(p.trajectories, discrete=p.discrete, act_dim=p.act_dim, max_len=cfg.data.max_len,
                         return_scale=cfg.data.return_scale)
        self.data = torch.arange(len(self.seqs))
        self.model = TrajectoryGPT(obs_dim=self.seqs.states.shape[-1], act_dim=p.act_dim, discrete=p.discrete,
                                   conditioning=CONDITIONING[m.variant], d_model=m.d_model, layers=m.layers,
                                   heads=m.heads, context_len=m.context_len, dropout=m.dropout).to(device)
        params = list(self.model.parameters())
        self.plan = None
        if m.variant == "lpt":
            self.plan = LatentPlan(n_traj=len(self.seqs), n_latent=m.n_latent, d_model=m.d_model,
                                   unet_dim=m.unet_dim, unet_mults=m.unet_mults,
                                   unet_attn_dim=m.unet_attn_dim, return_hidden=m.return_hidden,
                                   return_dropout=m.return_dropout).to(device)
            params += list(self.plan.parameters())
            self.best_traj = int(self.seqs.returns.argmax())
        self.params = params
        self.opt = torch.optim.AdamW(params, lr=cfg.optim.lr, weight_decay=cfg.optim.weight_decay, foreach=True)
        self.sched = torch.optim.lr_scheduler.LambdaLR(self.opt, warmup_linear(cfg.train.steps, cfg.optim.warmup))
        self.target = cfg.eval.target if cfg.eval.target != 0 else p.default_target

    def state_objects(self) -> dict:
        objects = {"model": self.model, "opt": self.opt, "sched": self.sched}
        if self.plan is not None:
            objects["plan"] = self.plan  # its `chains` buffer: the persistent posterior samples
        return objects

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        lc = self.cfg.latent
        b = self.seqs.batch(batch, self.device)
        self.model.train()
        logs: dict[str, float] = {}
        if self.plan is None:
            outputs = self.model(b["states"], b["actions"], returns_to_go=b["returns_to_go"])
            losses = parameter_loss(outputs, b, self.problem.discrete)
        else:
            self.plan.train()
            idx = batch.to(self.device)
            z0, stats = sample_posterior(b, self.plan.chains[idx], self.model, self.plan, steps=lc.train_steps,
                                         step_size=lc.step_size, return_coef=lc.return_coef)
            self.plan.chains[idx] = z0
            z = self.plan.prior(z0)
            outputs = self.model(b["states"], b["actions"], plan=z)
            losses = parameter_loss(outputs, b, self.problem.discrete, self.plan.expected_return(z), lc.reward_weight)
            logs.update(energy_start=stats.energy_start, energy_end=stats.energy_end, z0_norm=stats.z_norm)
        guarded_step(self.opt, losses["loss"], self.params, self.cfg.optim.clip, f"{self.cfg.model.variant} loss")
        self.sched.step()
        return {**{k: v.item() for k, v in losses.items()}, **logs}

    def make_plan(self, target: float) -> torch.Tensor:
        """z (1, K, C) for return `target`: Langevin on p(y*|z) p(z0) from the best training trajectory's chain."""
        lc = self.cfg.latent
        y = torch.tensor([target / self.seqs.return_scale], device=self.device)
        start = self.plan.chains[self.best_traj][None].clone()
        return infer_plan(y, start, self.plan, steps=lc.plan_steps, step_size=lc.step_size,
                          return_coef=lc.return_coef, noise=lc.plan_noise)

    def policy(self, target: float, env: RewardTap) -> SequencePolicy:
        p = self.problem
        plan = None
        if self.plan is not None:
            plan = lambda: self.make_plan(target)  # noqa: E731
            if not self.cfg.latent.plan_noise:  # gradient descent from a fixed start: the same z every episode
                plan = functools.cache(plan)
        return SequencePolicy(self.model, self.seqs, act_dim=p.act_dim, max_len=self.seqs.states.shape[1],
                              target=target, sample=self.cfg.eval.sample_actions, make_plan=plan,
                              tap=env if self.model.conditioning == "return" else None,
                              legal_actions=p.legal_actions)

    def rollouts(self, target: float, episodes: int) -> tuple[list, SequencePolicy]:
        """`episodes` evaluation episodes conditioned on return `target`, and the policy (for its timings)."""
        env = RewardTap(self.problem.make_env())
        policy = self.policy(target, env)
        trajectories = rollout_episodes(env, policy, episodes, EVAL_SEED)
        self.model.train()
        return trajectories, policy

    def evaluate(self) -> dict[str, float]:
        trajectories, policy = self.rollouts(self.target, self.cfg.eval.samples)
        self.last_rollouts = trajectories
        returns = np.array([t.ret for t in trajectories])
        normalised = self.problem.score(trajectories)
        plannings = policy.episodes if self.cfg.latent.plan_noise else min(policy.episodes, 1)  # cached z: once
        return {"return_mean": float(returns.mean()), "normalised": normalised, "target": float(self.target),
                "plan_seconds": policy.plan_seconds / max(plannings, 1),
                "step_seconds": policy.act_seconds / max(policy.steps, 1), "score": -normalised}

    def sample(self, n: int) -> torch.Tensor:
        """(n, 2) [target, achieved return] of n evaluation episodes, episode i conditioned on the i-th of n targets
        evenly spaced over the data's return range (a return-vs-target scatter for `inferlab sample`)."""
        returns = [t.ret for t in self.problem.trajectories]
        targets = np.linspace(min(returns), max(returns), n) if n > 1 else np.array([self.target])
        achieved = [self.rollouts(float(y), 1)[0][0].ret for y in targets]
        return torch.tensor(np.stack([targets, achieved], axis=1), dtype=torch.float32)
