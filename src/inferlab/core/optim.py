"""One optimiser update with a finite-loss guard and optional gradient-norm clipping."""

from __future__ import annotations

import torch

from inferlab.errors import DivergenceError


def guarded_step(opt: torch.optim.Optimizer, loss: torch.Tensor, params, clip: float,
                 name: str) -> torch.Tensor | None:
    """Backward + step; a non-finite loss stops training instead of corrupting the weights.
    With clip > 0 the gradient norm of `params` is clipped to it first, and the norm before clipping is returned."""
    if not torch.isfinite(loss):
        raise DivergenceError(name, f"is {float(loss.detach())}")
    opt.zero_grad(set_to_none=True)
    loss.backward()
    norm = torch.nn.utils.clip_grad_norm_(params, clip) if clip > 0 else None
    opt.step()
    return norm


@torch.no_grad()
def ema_update(target: torch.nn.Module, online: torch.nn.Module, rate: float) -> None:
    """Exponential moving average of weights: theta_target <- rate * theta + (1 - rate) * theta_target."""
    for t, p in zip(target.parameters(), online.parameters()):
        t.lerp_(p, rate)
