"""Image grids (PIL) and 2D scatter plots over a density (matplotlib, no pyplot state) for run folders."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure
from PIL import Image

Array = np.ndarray | torch.Tensor
Lims = tuple[float, float, float, float]

MIN_TILE = 32
"""Default upscale makes each tile at least this many pixels high (8x8 digits become 32x32)."""


def save_image_grid(
    images: torch.Tensor, path: str | Path, nrow: int | None = None, upscale: int | None = None, pad: int = 2
) -> Path:
    """Write images (N, C, H, W) in [-1, 1] (C = 1 or 3) as one PNG grid and return its path.

    `nrow` images per row (default ceil(sqrt(N))); each tile is enlarged `upscale` times with nearest-neighbour
    (default max(1, ceil(32 / H))); tiles are separated and framed by `pad` mid-grey pixels, so the PNG is
    (cols * W * upscale + (cols + 1) * pad) wide and (rows * H * upscale + (rows + 1) * pad) high.
    Pixels map as round((x + 1) / 2 * 255) after clamping to [-1, 1].
    """
    if images.dim() != 4 or images.shape[1] not in (1, 3) or images.shape[0] == 0:
        raise ValueError(f"images must be (N, 1 or 3, H, W) with N >= 1, got {tuple(images.shape)}")
    n, c, h, w = images.shape
    cols = nrow or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    up = upscale or max(1, math.ceil(MIN_TILE / h))
    tiles = ((images.detach().cpu().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    tiles = tiles.repeat_interleave(up, dim=2).repeat_interleave(up, dim=3)  # (N, C, H*up, W*up)
    th, tw = h * up, w * up
    grid = torch.full((c, rows * th + (rows + 1) * pad, cols * tw + (cols + 1) * pad), 128, dtype=torch.uint8)
    for i in range(n):
        r, k = divmod(i, cols)
        top, left = pad + r * (th + pad), pad + k * (tw + pad)
        grid[:, top : top + th, left : left + tw] = tiles[i]
    pixels = grid[0].numpy() if c == 1 else grid.permute(1, 2, 0).numpy()  # (H, W) or (H, W, 3)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path, format="PNG")
    return path


def _auto_lims(points: Mapping[str, Array]) -> Lims:
    allp = np.concatenate([np.asarray(torch.as_tensor(p).detach().cpu(), dtype=np.float64) for p in points.values()])
    lo, hi = np.quantile(allp, 0.005, axis=0), np.quantile(allp, 0.995, axis=0)
    margin = 0.1 * (hi - lo).max() + 1e-6
    return (lo[0] - margin, hi[0] + margin, lo[1] - margin, hi[1] + margin)


def save_scatter(
    points: Mapping[str, Array],
    path: str | Path,
    density: Callable[[np.ndarray], np.ndarray] | np.ndarray | None = None,
    lims: Lims | None = None,
    resolution: int = 200,
) -> Path:
    """One panel per entry of `points` ({"data": (N, 2), "model": (M, 2), ...}), sharing axes, saved as PNG.

    `density` is drawn behind every panel: either a callable mapping (P, 2) points to (P,) density values, evaluated
    on a `resolution` x `resolution` grid over `lims`, or a precomputed (rows = y, cols = x) array spanning `lims`.
    `lims` = (xmin, xmax, ymin, ymax); default: the 0.5-99.5% quantiles of all points plus a 10% margin.
    """
    if not points:
        raise ValueError("points is empty; pass at least one {name: (N, 2) array}")
    lims = lims or _auto_lims(points)
    if callable(density):
        xs = np.linspace(lims[0], lims[1], resolution)
        ys = np.linspace(lims[2], lims[3], resolution)
        gx, gy = np.meshgrid(xs, ys)  # (R, R): rows follow y
        density = np.asarray(density(np.stack([gx.ravel(), gy.ravel()], axis=1))).reshape(resolution, resolution)
    fig = Figure(figsize=(3.2 * len(points), 3.2), dpi=100, layout="constrained")
    axes = fig.subplots(1, len(points), squeeze=False)[0]
    for ax, (name, p) in zip(axes, points.items()):
        p = np.asarray(torch.as_tensor(p).detach().cpu(), dtype=np.float64)  # (N, 2)
        if density is not None:
            ax.imshow(density, origin="lower", extent=lims, cmap="Blues", aspect="auto")
        ax.scatter(p[:, 0], p[:, 1], s=2, c="tab:red", alpha=0.5, linewidths=0)
        ax.set(xlim=lims[:2], ylim=lims[2:], title=f"{name} (n={len(p)})", xticks=[], yticks=[])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def save_class_scatter(points: np.ndarray, classes: np.ndarray | None, path: str | Path, title: str = "") -> Path:
    """One scatter of (N, 2) points, each coloured by its integer class (tab20 colours; one colour when None)."""
    fig = Figure(figsize=(4.0, 4.0), dpi=100, layout="constrained")
    ax = fig.subplots()
    colours = "tab:blue" if classes is None else np.asarray(classes) % 20
    ax.scatter(points[:, 0], points[:, 1], c=colours, cmap="tab20", vmin=0, vmax=19, s=2, alpha=0.7)
    ax.set_title(title, fontsize=8)
    ax.set_aspect("equal")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path


def save_text_figure(text: str, path: str | Path, title: str = "") -> Path:
    """Render monospace text (e.g. generated sentences) as a PNG, so an HTML report can show it as a figure."""
    lines = text.rstrip("\n").splitlines()
    fig = Figure(figsize=(9.0, 0.5 + 0.17 * (len(lines) + 1)), dpi=100)
    fig.text(0.01, 0.99, "\n".join([title, *lines] if title else lines), family="monospace", fontsize=8,
             va="top", ha="left")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    return path
