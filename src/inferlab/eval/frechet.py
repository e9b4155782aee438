"""Fréchet distance between two sets of feature vectors (the distance behind FID)."""

from __future__ import annotations

import numpy as np
import torch

Array = np.ndarray | torch.Tensor


def _as_float64(x: Array, name: str) -> np.ndarray:
    a = x.detach().cpu().double().numpy() if isinstance(x, torch.Tensor) else np.asarray(x, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] < 2:
        raise ValueError(f"{name} must be (N, D) with N >= 2, got shape {tuple(a.shape)}")
    return a


def _psd_sqrt(s: np.ndarray) -> np.ndarray:
    """Symmetric square root of a PSD matrix; eigenvalues below zero (round-off) are clipped."""
    w, v = np.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def frechet_distance(feats_a: Array, feats_b: Array) -> float:
    """Fréchet distance between Gaussians fitted to `feats_a` and `feats_b`, each (N, D).

    d^2 = ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^{1/2})          (Dowson & Landau 1982; FID, Heusel 2017)

    S_a S_b is similar to S_a^{1/2} S_b S_a^{1/2}, which is symmetric PSD, so
    Tr (S_a S_b)^{1/2} = sum_i sqrt(lambda_i(S_a^{1/2} S_b S_a^{1/2})); computing it with `eigh` stays real and
    stable even when the covariances are singular (N < D), unlike a general `sqrtm`.
    Covariances are unbiased (ddof=1); everything runs in float64.
    """
    a, b = _as_float64(feats_a, "feats_a"), _as_float64(feats_b, "feats_b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"feature dimensions differ: {a.shape[1]} vs {b.shape[1]}")
    mu_a, mu_b = a.mean(0), b.mean(0)
    s_a = np.atleast_2d(np.cov(a, rowvar=False))  # (D, D)
    s_b = np.atleast_2d(np.cov(b, rowvar=False))  # (D, D)
    root_a = _psd_sqrt(s_a)
    m = root_a @ s_b @ root_a
    lam = np.linalg.eigvalsh((m + m.T) / 2)
    tr_sqrt = np.sqrt(np.clip(lam, 0.0, None)).sum()
    d2 = float(((mu_a - mu_b) ** 2).sum() + np.trace(s_a) + np.trace(s_b) - 2.0 * tr_sqrt)
    return max(d2, 0.0)
