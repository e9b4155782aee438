"""Scores for generated samples, chosen by the kind of data: FD for labelled images, MMD (+ modes) for 2-D toys."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from inferlab.data.base import TensorDataset
from inferlab.data.registry import load_dataset
from inferlab.data.toy2d import toy2d_log_density, toy2d_modes
from inferlab.eval.features import features, load_or_train_feature_net
from inferlab.eval.frechet import frechet_distance
from inferlab.eval.images import save_image_grid, save_scatter
from inferlab.eval.mmd import mmd_rbf
from inferlab.eval.modes import mode_stats

MIXTURES = ("8gaussians", "25gaussians")
MMD_MAX_SAMPLES = 5000
"""MMD uses at most this many samples (its kernel matrix is O(N^2) in memory: 10000 points take 0.8 GB in float64);
mode counts use every sample, so a larger N only sharpens them."""


class SampleEvaluator:
    """Compares model samples with the data.

    Labelled images: Frechet distance on the penultimate features of a small classifier trained on the training
    images (the stand-in for Inception on 8x8-64x64 data), against the whole training set as in the official LEBM
    FID code; `fd_floor` is the same distance for the held-out test split, the score real data gets.
    Unlabelled images: kernel MMD on pixels. 2-D toys: MMD against fresh draws, plus mode coverage and the
    high-quality ratio for the gaussian mixtures (MMD on the first MMD_MAX_SAMPLES samples, modes on all).
    """

    def __init__(self, spec: str, train: TensorDataset, *, n: int, seed: int):
        self.spec, self.train = spec, train
        self.toy = spec.split(":", 1)[1] if spec.startswith("toy2d:") else None
        self.net = None
        if train.is_image and train.y is not None:
            self.net = load_or_train_feature_net(train, seed=seed)
            self.train_feats = features(self.net, train.x)
        if self.toy:
            self.reference = load_dataset(spec, n=max(n, 2000), seed=seed + 7919, split="train").x

    def fd_floor(self, seed: int) -> float:
        """FD of held-out real data against the training set: the best a model can hope for."""
        test = load_dataset(self.spec, n=len(self.train), seed=seed, split="test")
        return frechet_distance(features(self.net, test.x), self.train_feats)

    def evaluate(self, samples: torch.Tensor) -> dict[str, float]:
        samples = samples.detach().cpu()
        if self.net is not None:
            fd = frechet_distance(features(self.net, samples), self.train_feats)
            return {"fd": fd, "score": fd}
        if self.toy is None:
            mmd = mmd_rbf(samples[:2000], self.train.x[:2000])
            return {"pixel_mmd": mmd, "score": mmd}
        head = samples[:MMD_MAX_SAMPLES]
        mmd = mmd_rbf(head, self.reference[: len(head)])
        out = {"mmd": mmd, "score": mmd}
        if self.toy in MIXTURES:
            centers, std = toy2d_modes(self.toy)
            out.update({k: float(v) for k, v in mode_stats(samples.numpy(), centers, std).items()})
        return out

    def write_samples(self, samples: torch.Tensor, path: Path) -> Path:
        return save_samples(samples.detach().cpu(), path, toy=self.toy)


def toy_density(toy: str | None):
    """The true density of a gaussian-mixture toy as a function of (P, 2) points, else None."""
    return (lambda p: np.exp(toy2d_log_density(toy, p))) if toy in MIXTURES else None


def save_samples(samples: torch.Tensor, path: Path, toy: str | None = None) -> Path:
    """A PNG grid for images; a scatter (over the true density when known) for 2-D points."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if samples.dim() == 4:
        return save_image_grid(samples, path)
    return save_scatter({"samples": samples.numpy()}, path, density=toy_density(toy))
