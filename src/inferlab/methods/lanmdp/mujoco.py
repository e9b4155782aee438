"""LanMDP on MuJoCo (official mujoco/main.py): learned transition g_beta on a replay buffer, the model-based loop,
and the baselines BCO (inverse dynamics on the agent's own transitions, then BC on inferred actions) and
bc_actions (BC on the expert's true actions)."""

from __future__ import annotations

from pathlib import Path

import gymnasium as gym
import numpy as np
import torch

from inferlab.core.optim import guarded_step
from inferlab.data.offline_rl import Trajectory, load_d4rl_hdf5, load_d4rl_npz
from inferlab.engine.task import TrainTask
from inferlab.envs.rollout import rollout_episodes, rollout_parallel
from inferlab.envs.scripted_pendulum import DoublePendulumExpert
from inferlab.envs.scripted_reacher import ReacherExpert
from inferlab.errors import UserError
from inferlab.methods.lanmdp.config import MUJOCO_ENVS, LanMDPConfig, episode_limit
from inferlab.methods.lanmdp.context import RollingContext, context_windows
from inferlab.methods.lanmdp.model import TransitionMLP
from inferlab.methods.lanmdp.sampling import act
from inferlab.methods.lanmdp.train import importance_step, make_optimizer, make_policy

EVAL_SEED = 1_000_000
"""Evaluation episodes are reset with seeds EVAL_SEED + i (never used for demonstrations or training)."""
DEMO_SEED = 500_000
REACH_TAIL = 10
"""Reacher's `reach` reads the fingertip-target distance over each episode's last REACH_TAIL states."""


def reach_distance(trajectories: list[Trajectory], env: str) -> float | None:
    """Reacher-v5 only (else None): mean over episodes of |fingertip - target| (observation entries 8:10, the
    env's `reward_dist` term) over the last REACH_TAIL states. It measures the reaching the demonstrations show;
    the return does not: its control cost sum |a|^2 makes a policy that never moves score ~0.84 normalised."""
    if env != "reacher":
        return None
    return float(np.mean([np.linalg.norm(t.observations[-REACH_TAIL:, 8:10], axis=1).mean() for t in trajectories]))


def make_env(cfg: LanMDPConfig) -> gym.Env:
    """The gymnasium env of cfg.task.env, its episodes cut at `episode_limit(cfg)` steps."""
    return gym.make(MUJOCO_ENVS[cfg.task.env], max_episode_steps=episode_limit(cfg))


def load_demonstrations(cfg: LanMDPConfig, seed: int) -> list[Trajectory]:
    """Expert episodes: a scripted expert run here (double_pendulum: envs/scripted_pendulum.py; reacher:
    envs/scripted_reacher.py), or the user's file."""
    if cfg.task.env in ("double_pendulum", "reacher"):
        env = make_env(cfg)
        expert = DoublePendulumExpert(env) if cfg.task.env == "double_pendulum" else ReacherExpert()
        return rollout_episodes(env, expert, cfg.task.demos, seed=DEMO_SEED + 1000 * seed)
    path = Path(cfg.task.demo_file)
    if path.suffix not in (".hdf5", ".h5", ".npz"):
        raise UserError(f"task.demo_file={cfg.task.demo_file!r}: give a D4RL-style .hdf5 or .npz file of "
                        f"{cfg.task.env} expert episodes.")
    episodes = (load_d4rl_npz if path.suffix == ".npz" else load_d4rl_hdf5)(path)
    return [e for e in episodes if len(e) > 1][: cfg.task.demos]


class TransitionBuffer:
    """The agent's own (s, a, s') (newest `capacity` kept), the env steps spent so far, the collections done and
    the policy episodes they ran."""

    def __init__(self, capacity: int, state_dim: int, act_dim: int):
        self.capacity = capacity
        self.s, self.a, self.s2 = torch.zeros(0, state_dim), torch.zeros(0, act_dim), torch.zeros(0, state_dim)
        self.env_steps, self.collections, self.episodes = 0, 0, 0

    def add(self, trajectories: list[Trajectory], last_obs: list[np.ndarray]) -> None:
        for t, last in zip(trajectories, last_obs):
            obs = torch.as_tensor(np.concatenate([t.observations, last[None]]), dtype=torch.float32)
            self.s = torch.cat([self.s, obs[:-1]])[-self.capacity:]
            self.s2 = torch.cat([self.s2, obs[1:]])[-self.capacity:]
            self.a = torch.cat([self.a, torch.as_tensor(t.actions, dtype=torch.float32)])[-self.capacity:]
            self.env_steps += len(t)

    def state_dict(self) -> dict:
        return {"s": self.s, "a": self.a, "s2": self.s2, "env_steps": torch.tensor(self.env_steps),
                "collections": torch.tensor(self.collections), "episodes": torch.tensor(self.episodes)}

    def load_state_dict(self, state: dict) -> None:
        self.s, self.a, self.s2 = state["s"], state["a"], state["s2"]
        self.env_steps, self.collections = int(state["env_steps"]), int(state["collections"])
        self.episodes = int(state["episodes"])


def fit_regression(net: torch.nn.Module, opt: torch.optim.Optimizer, x1: torch.Tensor, x2: torch.Tensor,
                   y: torch.Tensor, *, epochs: int, batch_size: int) -> float:
    """`epochs` passes of minibatch MSE of net(x1, x2) against y (g_beta or BCO's inverse model); last loss."""
    loss = torch.zeros(())
    for _ in range(epochs):
        for idx in torch.randperm(len(y)).split(batch_size):
            loss = (net(x1[idx], x2[idx]) - y[idx]).pow(2).mean()
            guarded_step(opt, loss, net.parameters(), 0.0, "transition model loss")
    return float(loss.detach())


class MujocoTask(TrainTask):
    """Imitation from expert state sequences in a gymnasium MuJoCo env (policy.kind: ebm = LanMDP, regression =
    BCO, bc_actions = BC with the true actions)."""

    def __init__(self, cfg: LanMDPConfig, device: torch.device, seed: int):
        self.cfg, self.device, self.seed = cfg, device, seed
        self.kind = {"ebm": "lanmdp", "regression": "bco", "bc_actions": "bc_actions"}[cfg.policy.kind]
        self.env_id = MUJOCO_ENVS[cfg.task.env]
        self.envs: list[gym.Env] = []
        probe = make_env(cfg)
        space = probe.action_space
        if not (np.allclose(space.low, -1) and np.allclose(space.high, 1)):
            raise UserError(f"{self.env_id}: LanMDP samples actions in [-1, 1]; this env's box is "
                            f"[{space.low}, {space.high}].")
        self.state_dim, self.act_dim = probe.observation_space.shape[0], space.shape[0]
        demos = load_demonstrations(cfg, seed)
        if not demos or demos[0].observations.shape[1:] != (self.state_dim,):
            raise UserError(f"task.demo_file={cfg.task.demo_file!r}: {self.env_id} observations have "
                            f"{self.state_dim} entries, the file's have shape "
                            f"{demos[0].observations.shape[1:] if demos else 'none (no episode of 2+ steps)'}.")
        self.expert_return = float(np.mean([d.ret for d in demos]))
        self.expert_distance = reach_distance(demos, cfg.task.env)
        c = cfg.policy.context
        windows = context_windows([torch.as_tensor(d.observations, dtype=torch.float32) for d in demos], c)
        actions = torch.cat([torch.as_tensor(d.actions[:-1], dtype=torch.float32) for d in demos])
        self.data = torch.cat([windows.flatten(1), actions], 1).to(device)  # (N, (c + 1) S + A)
        self.policy = make_policy(cfg, self.state_dim, self.act_dim).to(device)
        self.opt = make_optimizer(cfg, self.policy.parameters())
        mb = cfg.model_based
        d_in, d_out = ((self.state_dim + self.act_dim, self.state_dim) if self.kind == "lanmdp"
                       else (2 * self.state_dim, self.act_dim))
        self.model = TransitionMLP(d_in=d_in, d_out=d_out, hidden=mb.hidden, layers=mb.layers).to(device)
        self.model_opt = torch.optim.AdamW(self.model.parameters(), lr=mb.lr, weight_decay=1e-4)
        self.buffer = TransitionBuffer(mb.buffer_size, self.state_dim, self.act_dim)
        self._references: dict[str, tuple[float, float | None]] = {}
        if self.kind != "bc_actions":
            rng = np.random.default_rng(seed)
            while self.buffer.env_steps < mb.init_transitions:
                n = self.buffer.env_steps
                self.buffer.add(*self.run(lambda o, _: rng.uniform(-1, 1, (len(o), self.act_dim)),
                                          [seed * 100_000 + n + i for i in range(mb.collect_episodes)]))
            self.refit(mb.epochs_init)

    def _env_list(self, n: int) -> list[gym.Env]:
        while len(self.envs) < n:
            self.envs.append(make_env(self.cfg))
        return self.envs[:n]

    def run(self, choose, seeds: list[int]) -> tuple[list[Trajectory], list[np.ndarray]]:
        return rollout_parallel(self._env_list(len(seeds)), choose, seeds)

    def policy_chooser(self):
        """A batched acting function for rollout_parallel from the current policy (a fresh context per call)."""
        roller = None

        def choose(obs: np.ndarray, active: np.ndarray) -> np.ndarray:
            nonlocal roller
            if roller is None:
                roller = RollingContext(len(obs), self.cfg.policy.context, self.state_dim, self.device)
            ctx = roller.push(torch.as_tensor(obs, dtype=torch.float32, device=self.device))
            if self.kind == "lanmdp":
                a = act(self.policy, ctx, max_action=1.0, s=self.cfg.sampler)
            else:
                with torch.no_grad():
                    a = self.policy(ctx).clamp(-1, 1)
            return a.cpu().numpy()

        return choose

    def refit(self, epochs: int) -> float:
        b = self.buffer
        s, a, s2 = b.s.to(self.device), b.a.to(self.device), b.s2.to(self.device)
        if self.kind == "lanmdp":
            target = s2 - s if self.cfg.model_based.predict_delta else s2
            return fit_regression(self.model, self.model_opt, s, a, target, epochs=epochs,
                                  batch_size=self.cfg.model_based.batch_size)
        return fit_regression(self.model, self.model_opt, s, s2, a, epochs=epochs,
                              batch_size=self.cfg.model_based.batch_size)

    def transition(self, states: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """g_beta(s, a): the predicted mean next state."""
        out = self.model(states, actions)
        return states + out if self.cfg.model_based.predict_delta else out

    def residual_scale(self) -> torch.Tensor | float:
        """Per-entry scale of the transition residual (loss.standardise): 1, the buffer's state std, or the std of
        its one-step changes s' - s floored at 0.01."""
        b, mode = self.buffer, self.cfg.loss.standardise
        if mode == "state":
            return b.s.std(0).clamp_min(1e-3).to(self.device)
        if mode == "change":
            return (b.s2 - b.s).std(0).clamp_min(1e-2).to(self.device)
        return 1.0

    def refits(self) -> int:
        """Collections after which g_beta is refitted: model_based.refit_until, or every collection of the run."""
        mb = self.cfg.model_based
        return mb.refit_until or max(self.cfg.train.steps // mb.collect_every, 1)

    def sigma(self) -> float:
        """sigma annealed linearly from loss.sigma to loss.sigma_end over the refits (official: a fixed decrement
        at each refit, none after the last)."""
        share = min(self.buffer.collections / self.refits(), 1.0)
        return self.cfg.loss.sigma + (self.cfg.loss.sigma_end - self.cfg.loss.sigma) * share

    def collect(self) -> dict[str, float]:
        """Roll the policy out (one round of collect_episodes episodes, or rounds until the collection holds
        collect_episodes x episode_limit steps with model_based.collect_full), add its transitions to the buffer,
        refit the model while collections <= refits() (official training_epoch_end)."""
        mb, b = self.cfg.model_based, self.buffer
        target, start, returns = mb.collect_episodes * episode_limit(self.cfg), b.env_steps, []
        while not returns or (mb.collect_full and b.env_steps - start < target):
            seeds = [self.seed * 100_000 + 50_000 + b.episodes + i for i in range(mb.collect_episodes)]
            trajectories, last = self.run(self.policy_chooser(), seeds)
            b.add(trajectories, last)
            b.episodes += len(trajectories)
            returns += [t.ret for t in trajectories]
        b.collections += 1
        logs = {"collect_return": float(np.mean(returns))}
        if b.collections <= self.refits():
            logs["model_loss"] = self.refit(mb.epochs)
        return logs

    def state_objects(self) -> dict:
        return {"policy": self.policy, "optimizer": self.opt, "model": self.model, "model_opt": self.model_opt,
                "buffer": self.buffer}

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        c, S = self.cfg.policy.context, self.state_dim
        windows = batch[:, : (c + 1) * S].view(len(batch), c + 1, S)
        context, next_states, true_a = windows[:, :-1], windows[:, -1], batch[:, (c + 1) * S:]
        logs: dict[str, float] = {}
        if self.kind == "lanmdp":
            loss, logs, a = importance_step(self.policy, context, next_states, self.transition, self.cfg,
                                            self.sigma(), scale=self.residual_scale())
            logs["action_l1"] = float((a - true_a.repeat_interleave(self.cfg.sampler.samples, 0)).abs().mean())
        elif self.kind == "bco":
            with torch.no_grad():
                inferred = self.model(context[:, -1], next_states).clamp(-1, 1)
            loss = (self.policy(context) - inferred).pow(2).mean()
            logs["action_l1"] = float((inferred - true_a).abs().mean())
        else:
            loss = (self.policy(context) - true_a).pow(2).mean()
        guarded_step(self.opt, loss, self.policy.parameters(), self.cfg.optim.grad_clip, f"{self.kind} policy loss")
        if self.kind != "bc_actions" and (step + 1) % self.cfg.model_based.collect_every == 0:
            logs.update(self.collect())
        return {"loss": float(loss.detach()), "env_steps": float(self.buffer.env_steps), **logs}

    def reference(self, name: str) -> tuple[float, float | None]:
        """(mean return, reach distance) on the evaluation seeds of uniform random actions (`random`: the 0 of the
        normalised scores) or of the constant action 0 (`zero`: a policy that never moves, for reference)."""
        if name not in self._references:
            rng = np.random.default_rng(0)
            choose = {"random": lambda o, _: rng.uniform(-1, 1, (len(o), self.act_dim)),
                      "zero": lambda o, _: np.zeros((len(o), self.act_dim))}[name]
            trajectories, _ = self.run(choose, [EVAL_SEED + i for i in range(self.cfg.eval.samples)])
            self._references[name] = (float(np.mean([t.ret for t in trajectories])),
                                      reach_distance(trajectories, self.cfg.task.env))
        return self._references[name]

    def evaluate(self) -> dict[str, float]:
        """Normalised return (return - random) / (expert - random); on Reacher also `reach` = (d_random - d) /
        (d_random - d_expert) of the reach distance d (1 = the expert's reaching, 0 = random actions')."""
        trajectories, _ = self.run(self.policy_chooser(),
                                   [EVAL_SEED + i for i in range(self.cfg.eval.samples)])
        raw = float(np.mean([t.ret for t in trajectories]))
        lo, lo_d = self.reference("random")
        normalised = (raw - lo) / (self.expert_return - lo)
        out = {"return": normalised, "return_raw": raw, "expert_return": self.expert_return, "random_return": lo,
               "env_steps": float(self.buffer.env_steps), "score": -normalised}
        if lo_d is not None:
            zero, zero_d = self.reference("zero")
            d = reach_distance(trajectories, self.cfg.task.env)
            out.update(reach=(lo_d - d) / (lo_d - self.expert_distance), distance=d,
                       zero_action_return=(zero - lo) / (self.expert_return - lo),
                       zero_action_reach=(lo_d - zero_d) / (lo_d - self.expert_distance))
            out["score"] = -out["reach"]
        return out

    def sample(self, n: int) -> torch.Tensor:
        """The states of n policy episodes (n, T, S), zero-padded to the longest."""
        trajectories, _ = self.run(self.policy_chooser(), [EVAL_SEED + i for i in range(n)])
        out = torch.zeros(n, max(len(t) for t in trajectories), self.state_dim)
        for i, t in enumerate(trajectories):
            out[i, : len(t)] = torch.as_tensor(t.observations)
        return out
