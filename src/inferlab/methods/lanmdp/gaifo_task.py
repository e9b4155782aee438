"""The GAIfO baseline as a trainer task: one training step = one iteration of Algorithm 1 of Torabi, Warnell &
Stone (2018): roll the policy out for `gaifo.rollout_steps` env steps rewarded by D (gaifo.DiscriminatorReward),
update D on those transitions against a batch of the expert's (gaifo.DiscriminatorUpdate), update the policy by
TRPO (sb3-contrib; the paper's) or PPO. Runs on the CPU (an SB3 MlpPolicy and a small D)."""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import DummyVecEnv

from inferlab.methods.lanmdp.config import MUJOCO_ENVS, LanMDPConfig
from inferlab.methods.lanmdp.gaifo import DiscriminatorReward, DiscriminatorUpdate, TransitionDiscriminator
from inferlab.methods.lanmdp.mujoco import (MujocoTask, TransitionBuffer, load_demonstrations, make_env,
                                           reach_distance)


def expert_transitions(cfg: LanMDPConfig, seed: int) -> tuple[torch.Tensor, float, float | None]:
    """The demonstrations' consecutive state pairs [s, s'] (N, 2 S) (no actions), their mean return and their
    reach distance (Reacher; else None)."""
    demos = load_demonstrations(cfg, seed)
    pairs = [np.concatenate([d.observations[:-1], d.observations[1:]], 1) for d in demos]
    return (torch.as_tensor(np.concatenate(pairs), dtype=torch.float32), float(np.mean([d.ret for d in demos])),
            reach_distance(demos, cfg.task.env))


class GaifoTask(MujocoTask):
    """GAIfO on a MuJoCo env. Shares MujocoTask's evaluation (normalised return on the held-out seeds), random
    return and sampling; its policy is the SB3 learner's (deterministic mean action when evaluated), and
    `buffer` only counts env steps (the learner keeps its own rollout buffer)."""

    def __init__(self, cfg: LanMDPConfig, device: torch.device, seed: int):
        from sb3_contrib import TRPO

        self.cfg, self.device, self.seed, self.kind = cfg, torch.device("cpu"), seed, "gaifo"
        self.env_id = MUJOCO_ENVS[cfg.task.env]
        self.envs: list[gym.Env] = []
        # the trainer's batches: expert (s, s')
        self.data, self.expert_return, self.expert_distance = expert_transitions(cfg, seed)
        self.state_dim = self.data.shape[1] // 2
        self.act_dim = make_env(cfg).action_space.shape[0]
        self._references: dict[str, tuple[float, float | None]] = {}
        g = cfg.gaifo
        states = self.data[:, : self.state_dim]
        self.disc = TransitionDiscriminator(self.state_dim, g.disc_hidden, states.mean(0), states.std(0))
        self.disc_opt = torch.optim.Adam(self.disc.parameters(), lr=g.disc_lr)
        self.wrapper = DiscriminatorReward(make_env(cfg), self.disc)
        self.vec = DummyVecEnv([lambda: self.wrapper])
        learner = TRPO if g.learner == "trpo" else PPO
        self.model = learner("MlpPolicy", self.vec, n_steps=g.rollout_steps, batch_size=max(g.rollout_steps // 4, 2),
                             seed=seed, device="cpu", verbose=0)
        self.callback = DiscriminatorUpdate(self.wrapper, self.disc_opt, g.disc_steps)
        self.buffer = TransitionBuffer(0, self.state_dim, self.act_dim)

    def policy_chooser(self):
        def choose(obs: np.ndarray, active: np.ndarray) -> np.ndarray:
            return self.model.policy.predict(obs.astype(np.float32), deterministic=True)[0]

        return choose

    def state_objects(self) -> dict:
        return {"policy": self.model.policy, "optimizer": self.model.policy.optimizer, "discriminator": self.disc,
                "disc_opt": self.disc_opt, "buffer": self.buffer}

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        """One iteration on a freshly seeded episode (rollout_steps a multiple of the episode length keeps every
        episode whole), so a resumed run retraces the uninterrupted one."""
        self.callback.expert = batch
        self.model.num_timesteps = self.buffer.env_steps
        self.vec.seed(self.seed * 100_000 + 50_000 + step)
        self.model._last_obs = self.vec.reset()
        self.model._last_episode_starts = np.ones(1, dtype=bool)
        self.model.learn(total_timesteps=self.cfg.gaifo.rollout_steps, callback=self.callback,
                         reset_num_timesteps=False)
        self.buffer.env_steps = self.model.num_timesteps
        logs = self.callback.logs
        return {"loss": logs["disc_loss"], "env_steps": float(self.buffer.env_steps), **logs}
