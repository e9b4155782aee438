"""Baseline `kmeans`: per image, 2-cluster k-means on (r, g, b, x, y); the cluster holding fewer of the image's
border pixels is the foreground. No learning: it sees each test image alone."""

from __future__ import annotations

import torch


def pixel_features(images: torch.Tensor, position_weight: float = 1.0) -> torch.Tensor:
    """(N, 3, H, W) in [-1, 1] -> (N, H*W, 5): colour and position (both in [-1, 1], position times the weight)."""
    n, _, h, w = images.shape
    ys, xs = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
    pos = torch.stack([xs, ys]).to(images) * position_weight  # (2, H, W)
    return torch.cat([images, pos.expand(n, -1, -1, -1)], dim=1).flatten(2).transpose(1, 2)


def kmeans2(points: torch.Tensor, generator: torch.Generator, iters: int = 20, restarts: int = 3) -> torch.Tensor:
    """Lloyd's algorithm with 2 centres from random points, batched over images; keeps the restart of least
    inertia per image. points (N, P, D) -> labels (N, P) in {0, 1}."""
    n, p, _ = points.shape
    best_labels = torch.zeros(n, p, dtype=torch.long)
    best_inertia = torch.full((n,), float("inf"))
    rows = torch.arange(n)[:, None]
    for _ in range(restarts):
        centres = points[rows, torch.randint(p, (n, 2), generator=generator)]  # (N, 2, D)
        for _ in range(iters):
            labels = torch.cdist(points, centres).argmin(-1)  # (N, P)
            onehot = torch.nn.functional.one_hot(labels, 2).to(points)  # (N, P, 2)
            counts = onehot.sum(1)  # (N, 2)
            sums = onehot.transpose(1, 2) @ points  # (N, 2, D)
            centres = torch.where(counts[..., None] > 0, sums / counts.clamp(min=1)[..., None], centres)
        inertia = torch.cdist(points, centres).amin(-1).square().sum(1)
        better = inertia < best_inertia
        best_labels[better], best_inertia[better] = labels[better], inertia[better]
    return best_labels


def kmeans_foreground(images: torch.Tensor, seed: int) -> torch.Tensor:
    """Foreground masks (N, 1, H, W) in {0, 1} from 2-cluster k-means per image."""
    n, _, h, w = images.shape
    labels = kmeans2(pixel_features(images.cpu().float()), torch.Generator().manual_seed(seed)).view(n, h, w)
    border = torch.zeros(h, w, dtype=torch.bool)
    border[0], border[-1], border[:, 0], border[:, -1] = True, True, True, True
    ones_on_border = (labels[:, border] == 1).float().mean(1)  # (N,) fraction of the border in cluster 1
    fg_label = (ones_on_border < 0.5).long()  # cluster 1 is foreground if it holds under half of the border
    return (labels == fg_label[:, None, None]).float()[:, None]
