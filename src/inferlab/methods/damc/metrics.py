"""Bench metrics of a latent variable model: anomaly scores + AUPRC, and posterior reconstruction error."""

from __future__ import annotations

import numpy as np
import torch

from inferlab.core.latent_model import LatentVariableModel, squared_error


def reconstruction_error(model: LatentVariableModel, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """|x - g(z)|^2 summed over dimensions, per sample (the official toy's "g_loss")."""
    with torch.no_grad():
        return squared_error(x, model.generator(z))


def anomaly_score(model: LatentVariableModel, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """Higher = more anomalous: |x - g(z)|^2 + E_alpha(z) + |z|^2 / (2 sigma^2), about -log p(x, z) at the inferred z
    (official eval_anomaly_det.py; like it, the reconstruction term is not divided by 2 sigma_x^2)."""
    with torch.no_grad():
        return reconstruction_error(model, x, z) + model.prior_energy(z)


def auprc(scores: torch.Tensor, labels: torch.Tensor) -> float:
    """Area under the precision-recall curve (trapezoid rule, as the official code: sklearn auc(recall, precision));
    labels 1 = anomaly."""
    from sklearn.metrics import auc, precision_recall_curve

    precision, recall, _ = precision_recall_curve(labels.cpu().numpy(), scores.cpu().numpy().astype(np.float64))
    return float(auc(recall, precision))


def long_run_posterior(model: LatentVariableModel, x: torch.Tensor, steps: int, step_size: float) -> torch.Tensor:
    """The reference posterior: `steps` noisy Langevin steps from N(0, sigma^2 I) (official toy: 1000 steps)."""
    z, _ = model.sample_posterior(x, steps=steps, step_size=step_size, noise=True)
    return z
