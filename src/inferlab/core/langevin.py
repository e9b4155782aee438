"""Langevin dynamics on an energy, with NaN/Inf and divergence detection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from inferlab.errors import DivergenceError

EnergyFn = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class LangevinStats:
    """Summary of one chain: mean energy at its first and last evaluated steps, final mean |grad| and |z|."""

    energy_start: float
    energy_end: float
    grad_norm: float
    z_norm: float


def energy_grad(energy_fn: EnergyFn, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (E(z) per sample, dE/dz) without building a graph into the parameters' gradients."""
    with torch.enable_grad():
        z = z.detach().requires_grad_(True)
        energy = energy_fn(z)
        (grad,) = torch.autograd.grad(energy.sum(), z)
    return energy.detach(), grad


def langevin_sample(
    energy_fn: EnergyFn,
    z0: torch.Tensor,
    steps: int,
    step_size: float | torch.Tensor,
    noise: bool = True,
    anneal_noise: bool = False,
    max_abs: float = 1e4,
    name: str = "Langevin",
) -> tuple[torch.Tensor, LangevinStats]:
    """Short-run Langevin dynamics (Pang et al. 2020, eq. 9 / 13):

        z_{k+1} = z_k - (s^2 / 2) * dE/dz(z_k) + s * eps_k,   eps_k ~ N(0, I),

    where E = -log p(z) up to a constant; `step_size` s may be a tensor broadcasting against z (a step per
    sample). With `anneal_noise` the noise scale falls linearly
    from s to 0 over the chain. Raises `DivergenceError` naming the first step whose energy, gradient
    or state is NaN/Inf or whose |z| exceeds `max_abs`; the check is one device read per chain.
    """
    z = z0.detach()
    energies: list[torch.Tensor] = []  # mean energy per step: NaN/Inf in energy or gradient shows up here or in z
    extents: list[torch.Tensor] = []  # max |z| per step: NaN for a NaN state, > max_abs for a runaway chain
    grad = torch.zeros_like(z)
    for k in range(steps):
        energy, grad = energy_grad(energy_fn, z)
        z = z - 0.5 * step_size**2 * grad
        if noise:
            scale = step_size * (1.0 - k / steps if anneal_noise else 1.0)
            z = z + scale * torch.randn_like(z)
        energies.append(energy.mean())
        extents.append(z.abs().amax())
    if steps == 0:
        return z, LangevinStats(float("nan"), float("nan"), 0.0, float(z.flatten(1).norm(dim=1).mean()))
    energy_trace, extent = torch.stack(energies), torch.stack(extents)
    first_bad = _first_true(~torch.isfinite(energy_trace) | ~torch.isfinite(extent))
    first_far = _first_true(extent > max_abs)
    if first_bad is not None and (first_far is None or first_bad <= first_far):
        raise DivergenceError(f"{name}, step {first_bad + 1} of {steps}", "energy, gradient or state became NaN/Inf")
    if first_far is not None:
        raise DivergenceError(f"{name}, step {first_far + 1} of {steps}", f"|z| exceeded {max_abs:g}")
    stats = LangevinStats(
        energy_start=float(energy_trace[0]),
        energy_end=float(energy_trace[-1]),
        grad_norm=float(grad.flatten(1).norm(dim=1).mean()),
        z_norm=float(z.flatten(1).norm(dim=1).mean()),
    )
    return z, stats


def _first_true(flags: torch.Tensor) -> int | None:
    """Index of the first True in a 1-D bool tensor, or None (one device read)."""
    hits = flags.nonzero()
    return int(hits[0, 0]) if hits.numel() else None


def box_langevin_sample(
    energy_fn: EnergyFn,
    x0: torch.Tensor,
    step_sizes: torch.Tensor | list[float],
    *,
    low: float,
    high: float,
    noise_std: float,
    grad_clip: float,
    name: str = "box Langevin",
) -> tuple[torch.Tensor, torch.Tensor]:
    """Short-run noisy gradient descent on E inside the box [low, high] (LanMDP's official action sampler):

        x <- clip(x + noise_std * eps),   eps ~ N(0, I)
        x <- clip(x - s_k * clip(dE/dx(x), -grad_clip, grad_clip))

    for k = 1..len(step_sizes), clip = clamp to [low, high]. Returns (x after the last step, the lowest-energy
    state each chain visited; energies are compared at the evaluated points, after the noise and before the
    step, as the official `optimal=True` does). Raises `DivergenceError` if an energy or gradient is NaN/Inf.
    """
    x = x0.detach().clamp(low, high)
    best = x.clone()
    best_energy = torch.full(x.shape[:1], float("inf"), dtype=x.dtype, device=x.device)
    finite = []
    for s in step_sizes:
        if noise_std > 0:
            x = (x + noise_std * torch.randn_like(x)).clamp(low, high)
        energy, grad = energy_grad(energy_fn, x)
        better = energy < best_energy
        best = torch.where(better.view(-1, *([1] * (x.dim() - 1))), x, best)
        best_energy = torch.where(better, energy, best_energy)
        finite.append(torch.isfinite(energy).all() & torch.isfinite(grad).all())
        x = (x - s * grad.clamp(-grad_clip, grad_clip)).clamp(low, high)
    first_bad = _first_true(~torch.stack(finite)) if finite else None
    if first_bad is not None:
        raise DivergenceError(f"{name}, step {first_bad + 1} of {len(finite)}", "energy or gradient became NaN/Inf")
    return x, best


def polynomial_schedule(start: float, end: float, steps: int, power: float = 2.0) -> list[float]:
    """Step sizes of LanMDP's official sampler (mujoco/sampler.py, PolynomialSchedule as the loop uses it):
    step 1 takes `start`, step k >= 2 takes r(k) = (start - end) * (1 - k / (steps - 1))^power + end, so
    r(steps - 1) = end and the last step overshoots `end` by a hair."""
    if steps <= 1:
        return [start] * steps
    return [start] + [(start - end) * (1 - k / (steps - 1)) ** power + end for k in range(2, steps + 1)]
