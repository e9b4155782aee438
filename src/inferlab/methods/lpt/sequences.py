"""Trajectories -> padded tensors the sequence models read (official LPTGymDataCollator, whole trajectories).

Differences from the official collator: padding goes at the end (so a causal model never attends to it and no
key mask is needed), and every trajectory is kept rather than sampled by length (the trainer cuts epochs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from inferlab.data.offline_rl import Trajectory


@dataclass
class SequenceData:
    """N trajectories padded to T steps. Returns are divided by `return_scale`; states are standardised."""

    states: torch.Tensor  # (N, T, S) float
    actions: torch.Tensor  # (N, T, A) float: one-hot for discrete actions
    targets: torch.Tensor  # (N, T) long action indices (discrete) or (N, T, A) float
    mask: torch.Tensor  # (N, T) bool, True on real steps
    returns: torch.Tensor  # (N,) scaled trajectory returns y
    returns_to_go: torch.Tensor  # (N, T) scaled sum of rewards from step t on
    state_mean: torch.Tensor  # (S,)
    state_std: torch.Tensor  # (S,)
    return_scale: float

    def __len__(self) -> int:
        return len(self.returns)

    def batch(self, idx: torch.Tensor, device: torch.device) -> dict[str, torch.Tensor]:
        fields = ("states", "actions", "targets", "mask", "returns", "returns_to_go")
        return {k: getattr(self, k)[idx].to(device) for k in fields}

    def normalise_state(self, obs: np.ndarray) -> torch.Tensor:
        """One raw observation -> (S,) standardised float tensor."""
        flat = torch.as_tensor(np.asarray(obs, dtype=np.float32).reshape(-1))
        return (flat - self.state_mean) / self.state_std


def pack(trajectories: list[Trajectory], *, discrete: bool, act_dim: int, max_len: int,
         return_scale: float) -> SequenceData:
    """Pad and normalise; trajectories longer than max_len keep their first max_len steps (returns are of the
    whole trajectory, as in the official collator). return_scale 0 = the largest |return|."""
    n, length = len(trajectories), min(max_len, max(len(t) for t in trajectories))
    obs_dim = int(np.prod(trajectories[0].observations.shape[1:]))
    states = torch.zeros(n, length, obs_dim)
    targets = torch.zeros(n, length, dtype=torch.long) if discrete else torch.zeros(n, length, act_dim)
    mask = torch.zeros(n, length, dtype=torch.bool)
    rtg = torch.zeros(n, length)
    for i, t in enumerate(trajectories):
        steps = min(len(t), length)
        states[i, :steps] = torch.as_tensor(t.observations[:steps].reshape(steps, -1), dtype=torch.float32)
        acts = torch.as_tensor(t.actions[:steps])
        targets[i, :steps] = acts.long() if discrete else acts.float().reshape(steps, act_dim)
        mask[i, :steps] = True
        rtg[i, :steps] = torch.as_tensor(np.cumsum(t.rewards[::-1])[::-1].copy()[:steps])
    real = states[mask]
    mean, std = real.mean(0), real.std(0) + 1e-6
    states = torch.where(mask[..., None], (states - mean) / std, 0.0)
    actions = F.one_hot(targets, act_dim).float() * mask[..., None] if discrete else targets
    returns = torch.tensor([t.ret for t in trajectories], dtype=torch.float32)
    scale = return_scale if return_scale > 0 else max(float(returns.abs().max()), 1e-6)
    return SequenceData(states, actions, targets, mask, returns / scale, rtg / scale, mean, std, scale)
