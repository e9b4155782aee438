"""The learning signals of the official `complete` setting (architectures_dreamer_v2.Players.forward and
train_dreamer_add_class_gen.train), as pure functions of tensors."""

from __future__ import annotations

import math

import torch


def lambda_returns(rewards: torch.Tensor, values: torch.Tensor, alive: torch.Tensor, discount: float,
                   lam: float) -> torch.Tensor:
    """Dreamer-style lambda-returns G_t (B, R) of a batch of games, as the official code computes them.

    rewards (B, R): reward of the sampled option in round t; values (B, R+1): V of each round's state (the last one
    is the round after the recorded ones); alive (B, R): 1 while the game is running. With a_t = alive_t and
    n_t = alive_{t+1} (n_{R-1} = 0), from the last round backwards (G = V_R before it):
        G_t = r_t + g ((1 - lam) V_{t+1} + lam G_{t+1})   if a_t and n_t   (the game goes on)
        G_t = r_t                                          if a_t, not n_t (the game ends in round t)
        G_t = V_t                                          if not a_t      (already over)
    """
    n_rounds = rewards.shape[1]
    alive_next = torch.cat([alive[:, 1:], torch.zeros_like(alive[:, :1])], 1)
    last, out = values[:, n_rounds], []
    for t in reversed(range(n_rounds)):
        r, a, n = rewards[:, t], alive[:, t] > 0, alive_next[:, t] > 0
        going_on = r + discount * ((1 - lam) * values[:, t + 1] + lam * last)
        last = torch.where(a & n, going_on, torch.where(a, r, values[:, t]))
        out.append(last)
    return torch.stack(out[::-1], 1)


def option_returns(target: torch.Tensor, n_photos: int, wait_return: torch.Tensor, step_cost: float) -> torch.Tensor:
    """R(option) (B, n_photos + 1) of every receiver option in one round: +1 for the target, -1 for the other
    photos, and for waiting -step_cost + discounted return of the next round (`wait_return`, (B,))."""
    r = torch.full((target.shape[0], n_photos), -1.0, device=target.device)
    r[torch.arange(target.shape[0]), target] = 1.0
    return torch.cat([r, (wait_return - step_cost)[:, None]], 1)


def actor_objective(probs: torch.Tensor, target: torch.Tensor, returns: torch.Tensor, values: torch.Tensor,
                    discount: float, step_cost: float) -> torch.Tensor:
    """Mean over games and rounds of sum_option p_t(option) R_t(option) (to be maximised).

    probs (B, R, K+1) are the receiver's probabilities in every recorded round; the return of waiting in round t is
    discount * G_{t+1} (discount * V_R in the last recorded round), not detached: as in the official code the
    sender also gets the value model's gradient through the canvas. The official code sums every recorded round
    of every game of the batch, including rounds after a game is over."""
    n_rounds = probs.shape[1]
    nxt = torch.cat([returns[:, 1:], values[:, n_rounds:n_rounds + 1]], 1)  # (B, R)
    terms = [(probs[:, t] * option_returns(target, probs.shape[2] - 1, discount * nxt[:, t], step_cost)).sum(-1)
             for t in range(n_rounds)]
    return torch.stack(terms, 1).mean()


def learning_rates(step: int, sender_lr: float, receiver_lr: float, decay_start: int, decay_every: int,
                   sender_decay: float, receiver_decay: float) -> tuple[float, float]:
    """(sender, receiver) learning rates at `step` (official train loop): the sender warms up linearly from 0 over
    `decay_start` steps; afterwards both decay as lr0 * decay ** ((step - decay_start) / decay_every); the official
    loop stops decaying once the receiver's rate is below 5e-6, which the floor reproduces."""
    if step <= decay_start:
        return sender_lr * step / max(decay_start, 1), receiver_lr
    if receiver_decay < 1 and receiver_lr * receiver_decay ** ((step - decay_start) / decay_every) < 5e-6:
        # frozen from the first step whose rate is below 5e-6
        step = decay_start + math.ceil(decay_every * math.log(5e-6 / receiver_lr) / math.log(receiver_decay))
    frac = (step - decay_start) / decay_every
    return sender_lr * sender_decay ** frac, receiver_lr * receiver_decay ** frac


def chosen_log_probs(probs: torch.Tensor, choices: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """log(p_t(a_t) + eps) (B, R) of the options played, from the receiver's probabilities (B, R, K+1) and its
    choices (B, R); eps = 1e-8 as the official receiver adds to its probabilities before sampling and the log."""
    return (probs.gather(-1, choices[..., None])[..., 0] + eps).log()


def cumulative_returns(rewards: torch.Tensor, alive: torch.Tensor, discount: float) -> torch.Tensor:
    """Discounted cumulative rewards G_t (B, R) of the official `cum` setting (architectures_cum.Players.forward):
        G_t = sum_{j >= t} discount^(j - t) alive_j r_j,   i.e.   G_t = alive_t r_t + discount G_{t+1},  G_R = 0.
    No value model and no bootstrap: a game's returns are its own rewards only, 0 in the rounds after it ended."""
    running, out = torch.zeros_like(rewards[:, 0]), []
    for t in reversed(range(rewards.shape[1])):
        running = alive[:, t] * rewards[:, t] + discount * running
        out.append(running)
    return torch.stack(out[::-1], 1)


def reinforce_loss(log_probs: torch.Tensor, returns: torch.Tensor) -> torch.Tensor:
    """REINFORCE loss of the official `retrieve` and `cum` settings (cal_reward and Players.forward of
    architectures_retrieve_5stroke.py / architectures_cum.py), to be minimised:
        L = -(1/B) sum_b sum_t sg(G_{b,t}) log p_{b,t}(a_{b,t})
    log_probs (B, R): log-probabilities of the sampled options; returns (B, R): their returns, detached (sg). No
    baseline and no entropy term, as official. For the receiver's parameters grad L is the score-function estimate
    of -grad E[r] (retrieve: one pick, G = r) or the reward-to-go estimate with discounted G_t, not weighted by
    discount^t (cum, as official). Where the canvas was painted with a graph (cum), the same loss also reaches the
    sender through the receiver's input, as in the official code."""
    return -(returns.detach() * log_probs).sum(1).mean()
