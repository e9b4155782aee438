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
    norm = torch.nn.utils.clip_grad_norm_(params, clip, foreach=True) if clip > 0 else None  # one C++ loop
    opt.step()
    return norm


@torch.no_grad()
def ema_update(target: torch.nn.Module, online: torch.nn.Module, rate: float) -> None:
    """Exponential moving average of weights: theta_target <- rate * theta + (1 - rate) * theta_target."""
    for t, p in zip(target.parameters(), online.parameters()):
        t.lerp_(p, rate)


class frozen:
    """Context: `module`'s parameters do not require gradients inside (gradients still flow to the inputs)."""

    def __init__(self, module: torch.nn.Module):
        self.params = [p for p in module.parameters() if p.requires_grad]

    def __enter__(self) -> None:
        for p in self.params:
            p.requires_grad_(False)

    def __exit__(self, *exc) -> None:
        for p in self.params:
            p.requires_grad_(True)


class eval_mode:
    """Context: `module` in eval mode inside (no dropout, no spectral-norm power iterations); its mode is restored
    after."""

    def __init__(self, module: torch.nn.Module):
        self.module, self.was_training = module, module.training

    def __enter__(self) -> None:
        self.module.eval()

    def __exit__(self, *exc) -> None:
        self.module.train(self.was_training)
