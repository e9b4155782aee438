"""Two-dimensional toy distributions used to see mode collapse and density fits at a glance.

Conventions (chosen to match the papers that made these sets standard):
- "8gaussians": 8 equal-weight isotropic Gaussians, centres on a circle of radius 2, std 0.02
  (the ring of Metz et al. 2017 "Unrolled GANs", reused by VEEGAN, Srivastava et al. 2017).
  Note: FFJORD's "8gaussians" is a different, wider set (radius 4/sqrt 2, std 0.5/sqrt 2).
- "25gaussians": 25 equal-weight Gaussians on the grid {-4,-2,0,2,4}^2, std 0.05
  (the "2D-grid" of VEEGAN and PacGAN, Lin et al. 2018).
- "rings", "moons", "pinwheel": the FFJORD (Grathwohl et al. 2019) toy sets; rings and pinwheel
  follow its code, moons is sklearn's make_moons scaled by 2 and shifted by (-1, -0.2) as there.

Every sampler also returns a label per point (mode, ring, moon or arm index) for evaluation.
"""

from __future__ import annotations

import numpy as np
import torch
from scipy.special import logsumexp

from inferlab.data.base import TensorDataset
from inferlab.errors import UserError

TOY2D_NAMES = ("8gaussians", "25gaussians", "rings", "moons", "pinwheel")
_MIXTURES = ("8gaussians", "25gaussians")


def _check_name(name: str, allowed: tuple[str, ...], what: str) -> None:
    if name not in allowed:
        raise UserError(f"Unknown {what} {name!r}; allowed names are: {', '.join(allowed)}.")


def _check_n(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise UserError(f"Number of toy2d samples n={n!r} is not allowed; n must be a positive integer.")


def toy2d_modes(name: str) -> tuple[np.ndarray, float]:
    """Centres (M, 2) float64 and the shared std of a Gaussian-mixture toy set ("8gaussians", "25gaussians")."""
    _check_name(name, _MIXTURES, "Gaussian-mixture toy2d set (only these have modes)")
    if name == "8gaussians":
        angles = 2 * np.pi * np.arange(8) / 8
        return 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1), 0.02
    grid = np.arange(-4.0, 5.0, 2.0)  # {-4, -2, 0, 2, 4}
    gx, gy = np.meshgrid(grid, grid, indexing="ij")
    return np.stack([gx.ravel(), gy.ravel()], axis=1), 0.05


def toy2d_log_density(name: str, points: np.ndarray) -> np.ndarray:
    """Exact log density of a Gaussian-mixture toy set at `points` (..., 2); returns shape (...) float64."""
    centers, std = toy2d_modes(name)
    points = np.asarray(points, dtype=np.float64)
    if points.shape[-1] != 2:
        raise ValueError(f"points must have a last dimension of 2, got shape {points.shape}")
    sq = ((points[..., None, :] - centers) ** 2).sum(-1)  # (..., M)
    log_comp = -sq / (2 * std**2) - np.log(2 * np.pi * std**2)
    return logsumexp(log_comp, axis=-1) - np.log(len(centers))


def _mixture(name: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    centers, std = toy2d_modes(name)
    labels = rng.integers(0, len(centers), size=n)
    return centers[labels] + std * rng.standard_normal((n, 2)), labels


def _rings(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Four concentric rings, radii 0.75..3.0, Gaussian noise std 0.08 (FFJORD)."""
    labels = rng.permutation(np.arange(n) % 4)
    radii = 3.0 * 0.25 * (labels + 1)
    angles = rng.uniform(0.0, 2 * np.pi, size=n)
    points = radii[:, None] * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return points + 0.08 * rng.standard_normal((n, 2)), labels


def _moons(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """sklearn two moons, noise 0.1, scaled x2 and shifted by (-1, -0.2) (FFJORD)."""
    from sklearn.datasets import make_moons  # imported here: sklearn costs ~0.8 s to import

    points, labels = make_moons(n_samples=n, noise=0.1, random_state=int(rng.integers(2**31 - 1)))
    return points * 2.0 + np.array([-1.0, -0.2]), labels


def _pinwheel(n: int, rng: np.random.Generator, arms: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """`arms` spiral arms: radial std 0.3, tangential std 0.1, rate 0.25, scaled x2 (FFJORD / Johnson et al. 2016:
    five arms)."""
    labels = rng.permutation(np.arange(n) % arms)
    features = rng.standard_normal((n, 2)) * np.array([0.3, 0.1])
    features[:, 0] += 1.0
    angles = 2 * np.pi * labels / arms + 0.25 * np.exp(features[:, 0])
    cos, sin = np.cos(angles), np.sin(angles)
    rotations = np.stack([np.stack([cos, -sin], -1), np.stack([sin, cos], -1)], -2)  # (n, 2, 2)
    return 2.0 * np.einsum("ti,tij->tj", features, rotations), labels


def _sample(name: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    _check_name(name, TOY2D_NAMES, "toy2d set")
    _check_n(n)
    if name in _MIXTURES:
        points, labels = _mixture(name, n, rng)
    else:
        points, labels = {"rings": _rings, "moons": _moons, "pinwheel": _pinwheel}[name](n, rng)
    return points.astype(np.float32), labels.astype(np.int64)


def sample_toy2d(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw `n` points (n, 2) float32 from the toy set `name` (one of TOY2D_NAMES)."""
    return _sample(name, n, rng)[0]


def load_toy2d(name: str, n: int, seed: int) -> TensorDataset:
    """`n` points of toy set `name` as a dataset (y = mode/ring/moon/arm index); same points as sample_toy2d."""
    points, labels = _sample(name, n, np.random.default_rng(seed))
    return TensorDataset(f"toy2d:{name}", torch.from_numpy(points), torch.from_numpy(labels))
