"""LanMDP networks: the energy-based policy f_alpha(s_{t-c+1:t}, a_t), the regression baselines, and g_beta."""

from __future__ import annotations

import torch
from torch import nn

from inferlab.core.nets import MLP


def _init_normal(net: nn.Module, std: float) -> None:
    """Official MuJoCo init: weights ~ N(0, std^2), biases 0 (std 0 keeps PyTorch's default)."""
    if std > 0:
        for m in net.modules():
            if isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0.0, std)
                nn.init.zeros_(m.bias)


class EnergyPolicy(nn.Module):
    """f_alpha(context, a): an MLP with Swish over [flattened last c states, action]; p(a | context) ∝ exp(f)."""

    def __init__(self, *, state_dim: int, act_dim: int, context: int, hidden: int, layers: int, init_std: float):
        super().__init__()
        self.context, self.act_dim = context, act_dim
        self.net = MLP(context * state_dim + act_dim, hidden, 1, layers=layers, activation="silu")
        _init_normal(self.net, init_std)

    def forward(self, context: torch.Tensor, actions: torch.Tensor) -> torch.Tensor:
        """context (B, c, S), actions (B, A) -> f (B,)."""
        return self.net(torch.cat([context.flatten(1), actions], dim=-1)).squeeze(-1)


class RegressionPolicy(nn.Module):
    """context (B, c, S) -> an action (B, A): the bc_states / bc_actions baselines (same MLP, MSE)."""

    def __init__(self, *, state_dim: int, act_dim: int, context: int, hidden: int, layers: int, init_std: float):
        super().__init__()
        self.net = MLP(context * state_dim, hidden, act_dim, layers=layers, activation="silu")
        _init_normal(self.net, init_std)

    def forward(self, context: torch.Tensor) -> torch.Tensor:
        return self.net(context.flatten(1))


class TransitionMLP(nn.Module):
    """An MLP on concatenated inputs (official dynamics_continuous: leaky ReLU(0.001), N(0, 0.01^2) init): the
    transition mean g_beta(s, a) -> s' of LanMDP, or BCO's inverse model (s, s') -> a."""

    def __init__(self, *, d_in: int, d_out: int, hidden: int, layers: int):
        super().__init__()
        dims = [d_in] + [hidden] * (layers - 1) + [d_out]
        mods: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(dims[:-1], dims[1:])):
            mods.append(nn.Linear(a, b))
            if i < len(dims) - 2:
                mods.append(nn.LeakyReLU(0.001))
        self.net = nn.Sequential(*mods)
        _init_normal(self.net, 0.01)

    def forward(self, first: torch.Tensor, second: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([first, second], dim=-1))
