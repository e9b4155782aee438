"""PPO (Schulman et al. 2017) as a TrainTask, cleanrl-style: one update = a rollout of envs x rollout moves in
HalmaBatch, GAE advantages, `epochs` passes of clipped-surrogate minibatches. Recurrent agents (cnn_lstm) keep
their LSTM state across updates and re-run whole rollout sequences per minibatch of episode slots (cleanrl's
ppo_atari_lstm). Every piece of state (agent, Adam, episodes, LSTM state) is in `state_objects()` and every draw
is from torch's RNG, so `inferlab train --resume` continues exactly."""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from inferlab.engine.task import TrainTask
from inferlab.methods.halma.config import HalmaConfig
from inferlab.methods.halma.episodes import HalmaBatch
from inferlab.methods.halma.evaluation import make_spaces, split_metrics, style_of
from inferlab.methods.halma.networks import ActorCritic, log_prob_entropy, sample_actions
from inferlab.envs.halma import RULES


class TensorState:
    """Named tensors with state_dict()/load_state_dict(), for the checkpoint."""

    def __init__(self, **tensors: torch.Tensor) -> None:
        self.tensors = tensors

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {k: v.clone() for k, v in self.tensors.items()}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        for k, v in state.items():
            self.tensors[k].copy_(v)


def gae(rewards: torch.Tensor, values: torch.Tensor, ends: torch.Tensor, last_value: torch.Tensor, gamma: float,
        lam: float) -> torch.Tensor:
    """Generalised advantage estimation (Schulman et al. 2016) over (T, E): A_t = sum_l (gamma lam)^l delta_{t+l},
    delta_t = r_t + gamma V(s_{t+1}) (1 - end_t) - V(s_t)."""
    advantages, running = torch.zeros_like(rewards), torch.zeros_like(last_value)
    for t in reversed(range(len(rewards))):
        following = last_value if t == len(rewards) - 1 else values[t + 1]
        alive = 1.0 - ends[t].float()
        delta = rewards[t] + gamma * following * alive - values[t]
        running = delta + gamma * lam * alive * running
        advantages[t] = running
    return advantages


def ppo_loss(new_logp: torch.Tensor, old_logp: torch.Tensor, advantages: torch.Tensor, clip: float) -> torch.Tensor:
    """Clipped surrogate: -E[min(r A, clip(r, 1 - eps, 1 + eps) A)], r = pi / pi_old."""
    ratio = (new_logp - old_logp).exp()
    return -torch.min(ratio * advantages, ratio.clamp(1 - clip, 1 + clip) * advantages).mean()


class PPOTask(TrainTask):
    """An RL agent on HALMA's train split; `evaluate` plays every split."""

    def __init__(self, cfg: HalmaConfig, device: torch.device, seed: int) -> None:
        self.cfg, self.device, self.seed = cfg, device, seed
        self.spaces = make_spaces(seed, cfg.env.train_spaces, cfg.eval.samples)
        self.agent = ActorCritic(cfg.agent.encoder, cfg.agent.width, cfg.agent.features).to(device)
        self.optimizer = torch.optim.Adam(self.agent.parameters(), lr=cfg.ppo.lr, eps=1e-5)
        self.schedule = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda step: max(1.0 - step / cfg.train.steps, 0.0))
        self.episodes = HalmaBatch(list(self.spaces.train_pool), RULES["train"].trial_steps, style_of("train"),
                                   cfg.ppo.envs)
        h, c = self.agent.initial_state(cfg.ppo.envs)
        self.memory = TensorState(h=h, c=c, starts=torch.ones(cfg.ppo.envs, dtype=torch.bool))
        self.data = torch.zeros(1, 1)

    def state_objects(self) -> dict[str, Any]:
        return {"agent": self.agent, "optimizer": self.optimizer, "schedule": self.schedule,
                "episodes": self.episodes, "memory": self.memory}

    @torch.no_grad()
    def _rollout(self) -> dict[str, torch.Tensor]:
        T, E, dev = self.cfg.ppo.rollout, self.cfg.ppo.envs, self.device
        mem = self.memory.tensors
        first_state = (mem["h"].clone(), mem["c"].clone())
        state = first_state
        buf: dict[str, list] = {k: [] for k in ("panel", "counters", "starts", "actions", "logp", "values",
                                                "rewards", "ends")}
        for _ in range(T):
            panel, counters = (x.to(dev) for x in self.episodes.observation())
            starts = mem["starts"].to(dev)
            feats, state = self.agent.features_of(panel, counters, state, starts)
            logits, values = self.agent.heads(feats)
            actions = sample_actions(logits)
            logp, _ = log_prob_entropy(logits, actions)
            rewards, ends = self.episodes.step(actions.cpu())
            for k, v in (("panel", panel), ("counters", counters), ("starts", starts), ("actions", actions),
                         ("logp", logp), ("values", values), ("rewards", rewards.to(dev)), ("ends", ends.to(dev))):
                buf[k].append(v)
            mem["starts"].copy_(ends)
        panel, counters = (x.to(dev) for x in self.episodes.observation())
        feats, _ = self.agent.features_of(panel, counters, state, mem["starts"].to(dev))
        _, last_value = self.agent.heads(feats)
        mem["h"].copy_(state[0])
        mem["c"].copy_(state[1])
        out = {k: torch.stack(v) for k, v in buf.items()}  # (T, E, ...)
        out["advantages"] = gae(out["rewards"], out["values"], out["ends"], last_value, self.cfg.ppo.gamma,
                                self.cfg.ppo.gae_lambda)
        out["returns"] = out["advantages"] + out["values"]
        out["h0"], out["c0"] = first_state
        return out

    def _minibatches(self, roll: dict[str, torch.Tensor]):
        """Index sets into (T, E): slots of whole episodes for recurrent agents, single moves otherwise."""
        T, E, k = self.cfg.ppo.rollout, self.cfg.ppo.envs, self.cfg.ppo.minibatches
        if self.agent.recurrent:
            for slots in torch.randperm(E).chunk(min(k, E)):
                yield slots
        else:
            for flat in torch.randperm(T * E).chunk(min(k, T * E)):
                yield flat

    def _evaluate_batch(self, roll: dict[str, torch.Tensor], index: torch.Tensor):
        """New log-probabilities, entropies and values for a minibatch, with the matching old quantities."""
        if self.agent.recurrent:
            T, n = self.cfg.ppo.rollout, len(index)
            pick = lambda x: x[:, index].reshape(T * n, *x.shape[2:])  # noqa: E731  (T, n, ...) -> (T*n, ...)
            state = (roll["h0"][:, index], roll["c0"][:, index])
            feats, _ = self.agent.features_of(pick(roll["panel"]), pick(roll["counters"]), state, pick(roll["starts"]))
        else:
            pick = lambda x: x.reshape(-1, *x.shape[2:])[index]  # noqa: E731
            feats, _ = self.agent.features_of(pick(roll["panel"]), pick(roll["counters"]), None, pick(roll["starts"]))
        logits, values = self.agent.heads(feats)
        logp, entropy = log_prob_entropy(logits, pick(roll["actions"]))
        return logp, entropy, values, pick(roll["logp"]), pick(roll["advantages"]), pick(roll["returns"])

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        roll = self._rollout()
        p, stats = self.cfg.ppo, {"policy_loss": 0.0, "value_loss": 0.0, "entropy": 0.0}
        updates = 0
        for _ in range(p.epochs):
            for index in self._minibatches(roll):
                logp, entropy, values, old_logp, adv, ret = self._evaluate_batch(roll, index)
                adv = (adv - adv.mean()) / (adv.std() + 1e-8)
                pg, vf, ent = ppo_loss(logp, old_logp, adv, p.clip), 0.5 * (values - ret).pow(2).mean(), entropy.mean()
                loss = pg + p.value * vf - p.entropy * ent
                self.optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(self.agent.parameters(), p.max_grad_norm)
                self.optimizer.step()
                for k, v in (("policy_loss", pg), ("value_loss", vf), ("entropy", ent)):
                    stats[k] += v.item()
                updates += 1
        self.schedule.step()
        ends = roll["ends"].sum().clamp(min=1)
        stats = {k: v / updates for k, v in stats.items()}
        stats.update(reward_per_episode=float(roll["rewards"].sum() / ends), lr=self.schedule.get_last_lr()[0])
        return stats

    def evaluate(self) -> dict[str, float]:
        metrics = split_metrics(self.agent, self.spaces, self.cfg.eval.random_episodes, self.seed)
        return {**metrics, "score": metrics["train_steps_per_trial"]}

    def sample(self, n: int) -> torch.Tensor:
        """n panels from episodes the agent plays on the train split (for `inferlab sample`)."""
        return self.episodes.observation()[0][:n]
