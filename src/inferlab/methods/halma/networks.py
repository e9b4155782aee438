"""The RL agents' networks: a panel encoder (CNN, or attention over the panel's 8 x 8 patches), an optional LSTM
memory across steps and trials of an episode, and the actor-critic heads over the MultiDiscrete action.

The policy is 4 categorical heads (direction, option slots 1..3) on one feature vector. Slots after the first EOS
do not change the move (the env normalises them), so they are masked out of the log-probability and the entropy.
"""

from __future__ import annotations

import torch
from einops import rearrange
from torch import nn
from torch.distributions import Categorical

from inferlab.envs.halma.panel import CELL, PANEL
from inferlab.envs.halma.rules import EOS

ENCODERS = ("cnn", "cnn_lstm", "attention")


class CNNEncoder(nn.Module):
    """Two strided convolutions over the 32 x 32 panel, then a linear layer."""

    def __init__(self, width: int, features: int) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, width, 4, stride=4), nn.ReLU(),  # (B, w, 8, 8)
            nn.Conv2d(width, 2 * width, 2, stride=2), nn.ReLU(),  # (B, 2w, 4, 4)
            nn.Flatten(), nn.Linear(2 * width * (PANEL // 8) ** 2, features), nn.ReLU())

    def forward(self, panel: torch.Tensor) -> torch.Tensor:
        return self.net(panel)  # (B, features)


class AttentionEncoder(nn.Module):
    """Relational encoder: the 16 patches (8 x 8 cells) as tokens with learned positions, one transformer layer of
    self-attention, read out by a learned query token."""

    def __init__(self, width: int, features: int, heads: int = 4) -> None:
        super().__init__()
        tokens = (PANEL // CELL) ** 2
        self.embed = nn.Linear(3 * CELL * CELL, width)
        self.position = nn.Parameter(torch.randn(1, tokens + 1, width) * 0.02)
        self.query = nn.Parameter(torch.randn(1, 1, width) * 0.02)
        self.layer = nn.TransformerEncoderLayer(width, heads, 2 * width, dropout=0.0, batch_first=True)
        self.out = nn.Sequential(nn.Linear(width, features), nn.ReLU())

    def forward(self, panel: torch.Tensor) -> torch.Tensor:
        patches = rearrange(panel, "b c (h p) (w q) -> b (h w) (c p q)", p=CELL, q=CELL)  # (B, 16, 192)
        x = torch.cat([self.query.expand(len(panel), -1, -1), self.embed(patches)], dim=1) + self.position
        return self.out(self.layer(x)[:, 0])  # (B, features)


class ActorCritic(nn.Module):
    """Encoder (+ LSTM when `encoder` is cnn_lstm) -> 4 policy heads and a value head."""

    def __init__(self, encoder: str, width: int = 16, features: int = 128) -> None:
        super().__init__()
        if encoder not in ENCODERS:
            raise ValueError(f"unknown encoder {encoder!r}; choose one of {', '.join(ENCODERS)}")
        self.encoder = AttentionEncoder(4 * width, features) if encoder == "attention" else CNNEncoder(width, features)
        self.memory = nn.LSTM(features + 3, features) if encoder == "cnn_lstm" else None
        self.trunk = nn.Sequential(nn.Linear(features + 3, features), nn.ReLU())
        self.policy = nn.Linear(features, 16)  # 4 heads x 4 choices
        self.value = nn.Linear(features, 1)
        self.features = features

    @property
    def recurrent(self) -> bool:
        return self.memory is not None

    def initial_state(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        """LSTM (h, c) of n fresh episodes, each (1, n, features) (unused without memory)."""
        zeros = torch.zeros(1, n, self.features, device=self.value.weight.device)
        return zeros, zeros.clone()

    def features_of(self, panel: torch.Tensor, counters: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor],
                    starts: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """Features (T * E, F) of T steps of E episodes given flat (T * E, ...) inputs; `starts` (T * E,) marks
        the first step of an episode, where the memory is reset."""
        x = torch.cat([self.encoder(panel), counters], dim=1)  # (T*E, F+3)
        if self.memory is None:
            return self.trunk(x), state
        n = state[0].shape[1]
        x, starts = x.view(-1, n, x.shape[-1]), starts.view(-1, n)
        h, c = state
        outputs = []
        for t in range(len(x)):  # reset the memory at episode starts, then one LSTM step
            keep = (~starts[t]).float().view(1, -1, 1)
            out, (h, c) = self.memory(x[t:t + 1], (h * keep, c * keep))
            outputs.append(out[0])
        hidden = torch.cat(outputs)  # (T*E, F)
        return self.trunk(torch.cat([hidden, counters], dim=1)), (h, c)

    def heads(self, feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Policy logits (B, 4, 4) and values (B,)."""
        return self.policy(feats).view(-1, 4, 4), self.value(feats).squeeze(-1)


def slot_mask(actions: torch.Tensor) -> torch.Tensor:
    """(B, 4) float: 1 for the direction and every option slot up to and including the first EOS, 0 after it."""
    eos_before = torch.cumsum((actions[:, 1:] == EOS).long(), dim=1) - (actions[:, 1:] == EOS).long()
    return torch.cat([torch.ones_like(actions[:, :1]), (eos_before == 0).long()], dim=1).float()


def sample_actions(logits: torch.Tensor) -> torch.Tensor:
    """Actions (B, 4) drawn from the 4 heads."""
    return Categorical(logits=logits).sample()


def log_prob_entropy(logits: torch.Tensor, actions: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """log pi(a | s) summed over the slots that matter, and the entropy over the same slots (B,) each."""
    dist, mask = Categorical(logits=logits), slot_mask(actions)
    return (dist.log_prob(actions) * mask).sum(1), (dist.entropy() * mask).sum(1)
