"""The DRC report figure: per test image the input, ground truth, predicted mask, experts and the pixel
re-assignment grid drawn as arrows (from each pixel to the background location it takes its colour from)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from matplotlib.figure import Figure

from inferlab.methods.drc.model import Composition

COLUMNS = ("image", "ground truth", "predicted mask", "foreground", "background", "warped background",
           "re-assignment")


def _rgb(x: torch.Tensor) -> np.ndarray:
    return ((x.detach().cpu().float().clamp(-1, 1) + 1) / 2).permute(1, 2, 0).numpy()


def save_segmentation_figure(images: torch.Tensor, masks: torch.Tensor, out: Composition, path: Path,
                             rows: int = 4, arrow_every: int = 4) -> Path:
    """Write a rows x 7 panel PNG for the first `rows` images and return its path."""
    rows = min(rows, images.shape[0])
    fig = Figure(figsize=(2 * len(COLUMNS), 2 * rows))
    axes = fig.subplots(rows, len(COLUMNS), squeeze=False)
    size = images.shape[-1]
    for r in range(rows):
        panels = [_rgb(images[r]), masks[r, 0].cpu().numpy(), out.pi_f[r, 0].detach().cpu().numpy(),
                  _rgb(out.fg[r]), _rgb(out.bg[r]), _rgb(out.bg_warped[r])]
        for c, panel in enumerate(panels):
            axes[r, c].imshow(panel, cmap="gray" if panel.ndim == 2 else None, vmin=0, vmax=1)
        ax = axes[r, -1]
        ax.imshow(_rgb(out.bg[r]), alpha=0.5)
        if out.grid is not None:
            grid = out.grid[r].detach().cpu().numpy()[::arrow_every, ::arrow_every]  # (h, w, 2) source (x, y)
            source = (grid + 1) * size / 2 - 0.5  # align_corners=False pixel coordinates
            ys, xs = np.mgrid[0:size:arrow_every, 0:size:arrow_every]
            ax.quiver(xs, ys, source[..., 0] - xs, source[..., 1] - ys, angles="xy", scale_units="xy", scale=1,
                      color="red", width=0.006)
        for c in range(len(COLUMNS)):
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
            if r == 0:
                axes[r, c].set_title(COLUMNS[c], fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=80)
    return path
