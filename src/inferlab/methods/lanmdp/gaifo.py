"""GAIfO, generative adversarial imitation from observation (Torabi, Warnell & Stone 2018): a discriminator on
state transitions (s, s') and the RL reward it gives the policy.

The paper's game is min_pi max_D E_pi[log D_pi(s, s')] + E_expert[log(1 - D_pi(s, s'))], D_pi = the probability
that a transition is the imitator's, and the policy is rewarded -log D_pi(s, s'). Here D(s, s') = 1 - D_pi is
the probability that it is the expert's (logit l), so the same game reads

    D loss   = -mean_expert log D(s, s') - mean_agent log(1 - D(s, s'))     (discriminator_loss, BCE on logits)
    reward   = -log(1 - D(s, s')) = softplus(l(s, s'))                      (transition_reward)
"""

from __future__ import annotations

import gymnasium as gym
import numpy as np
import torch
import torch.nn.functional as F
from stable_baselines3.common.callbacks import BaseCallback
from torch import nn

from inferlab.core.nets import MLP
from inferlab.core.optim import guarded_step


class TransitionDiscriminator(nn.Module):
    """l(s, s') = MLP([(s - mu) / std, (s' - mu) / std]), two tanh hidden layers; mu, std = the expert states'
    (a buffer, saved with the weights)."""

    def __init__(self, state_dim: int, hidden: int, mean: torch.Tensor, std: torch.Tensor):
        super().__init__()
        self.net = MLP(2 * state_dim, hidden, 1, layers=3, activation="tanh")
        self.register_buffer("mean", mean.float())
        self.register_buffer("std", std.float().clamp_min(1e-3))

    def forward(self, s: torch.Tensor, s2: torch.Tensor) -> torch.Tensor:
        """Logits (B,) of 'this transition is the expert's'."""
        x = torch.cat([(s - self.mean) / self.std, (s2 - self.mean) / self.std], -1)
        return self.net(x).squeeze(-1)


def discriminator_loss(agent_logits: torch.Tensor, expert_logits: torch.Tensor) -> torch.Tensor:
    """-mean log D(expert) - mean log(1 - D(agent)), each set averaged on its own (balanced classes)."""
    return (F.binary_cross_entropy_with_logits(expert_logits, torch.ones_like(expert_logits))
            + F.binary_cross_entropy_with_logits(agent_logits, torch.zeros_like(agent_logits)))


def transition_reward(logits: torch.Tensor) -> torch.Tensor:
    """-log(1 - D) = softplus(logit): the paper's -log D_pi(s, s')."""
    return F.softplus(logits)


def discriminator_update(disc: TransitionDiscriminator, opt: torch.optim.Optimizer, agent: torch.Tensor,
                         expert: torch.Tensor, steps: int) -> dict[str, float]:
    """`steps` Adam steps on discriminator_loss between agent and expert transitions, each (N, 2 S) = [s, s'];
    returns the last loss and the accuracy (logit > 0 on expert, < 0 on agent) before the last step."""
    S = agent.shape[1] // 2
    logs: dict[str, float] = {}
    for _ in range(steps):
        a_logits, e_logits = disc(agent[:, :S], agent[:, S:]), disc(expert[:, :S], expert[:, S:])
        loss = discriminator_loss(a_logits, e_logits)
        logs = {"disc_loss": float(loss.detach()),
                "disc_accuracy": float(torch.cat([e_logits > 0, a_logits < 0]).float().mean())}
        guarded_step(opt, loss, disc.parameters(), 0.0, "GAIfO discriminator loss")
    return logs


class DiscriminatorReward(gym.Wrapper):
    """Replaces the env's reward with transition_reward(D(s, s')) (the env's stays in info["env_reward"]) and
    records every (s, s') it sees in `transitions` for the discriminator's next update, and the env's rewards
    and episode ends for logging."""

    def __init__(self, env: gym.Env, disc: TransitionDiscriminator):
        super().__init__(env)
        self.disc = disc
        self.transitions: list[np.ndarray] = []
        self.env_reward_sum, self.episodes = 0.0, 0
        self._last: np.ndarray | None = None

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        self._last = np.asarray(obs, dtype=np.float32)
        return obs, info

    def step(self, action):
        obs, env_reward, terminated, truncated, info = self.env.step(action)
        nxt = np.asarray(obs, dtype=np.float32)
        with torch.no_grad():
            logit = self.disc(torch.from_numpy(self._last)[None], torch.from_numpy(nxt)[None])
        self.transitions.append(np.concatenate([self._last, nxt]))
        self.env_reward_sum += float(env_reward)
        self.episodes += int(terminated or truncated)
        self._last = nxt
        return obs, float(transition_reward(logit)[0]), terminated, truncated, {**info, "env_reward": env_reward}


class DiscriminatorUpdate(BaseCallback):
    """At the end of each rollout (before the policy update) trains D on the rollout's (s, s') against `expert`
    (set before each iteration); the rewards of a rollout come from D as it was while it was collected (as in
    OpenAI baselines' GAIL), so each policy update sees the D of the previous iteration."""

    def __init__(self, wrapper: DiscriminatorReward, opt: torch.optim.Optimizer, steps: int):
        super().__init__()
        self.wrapper, self.opt, self.steps = wrapper, opt, steps
        self.expert: torch.Tensor | None = None
        self.logs: dict[str, float] = {}

    def _on_step(self) -> bool:
        return True

    def _on_rollout_end(self) -> None:
        w = self.wrapper
        agent = torch.from_numpy(np.stack(w.transitions))
        with torch.no_grad():
            reward = float(transition_reward(w.disc(agent[:, : agent.shape[1] // 2], agent[:, agent.shape[1] // 2:]))
                           .mean())
        self.logs = {"disc_reward": reward, "collect_return": w.env_reward_sum / max(w.episodes, 1),
                     **discriminator_update(w.disc, self.opt, agent, self.expert, self.steps)}
        w.transitions.clear()
        w.env_reward_sum, w.episodes = 0.0, 0
