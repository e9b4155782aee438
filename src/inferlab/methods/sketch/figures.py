"""Bench figures: training curves of every setting, the similarity matrices, canvases early and late."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure


def read_rows(run_dir: Path, kind: str) -> list[dict]:
    path = run_dir / "metrics.jsonl"
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in rows if r.get("kind", "train") == kind]


def plot_setting_curves(runs: Mapping[str, Path], path: Path, rounds_windows: Mapping[str, list[float]],
                        window: int) -> Path:
    """Panels: training rounds per game (thin: per logged update; markers: the mean of each window of `window`
    updates, drawn at the window's middle) and training accuracy (sampled receiver) per logged update; greedy test
    accuracy on the three splits at each evaluation; one colour per setting."""
    fig = Figure(figsize=(14, 3.2), dpi=100, layout="constrained")
    axes = fig.subplots(1, 5)
    for name, run in runs.items():
        train, ev = read_rows(run, "train"), read_rows(run, "eval")
        line, = axes[0].plot([r["step"] for r in train], [r["rounds"] for r in train], lw=0.6, alpha=0.35)
        means = rounds_windows[name]
        axes[0].plot([window * (i + 0.5) for i in range(len(means))], means, marker="o", lw=1.6,
                     color=line.get_color(), label=name)
        axes[1].plot([r["step"] for r in train], [r["acc"] for r in train], lw=1.0, label=name)
        for ax, split in zip(axes[2:], ("seen", "unseen_instance", "unseen_category")):
            ax.plot([r["step"] for r in ev], [r[f"acc_{split}"] for r in ev], marker="o", lw=1.2, label=name)
    titles = (f"training: rounds per game\n(dots: mean of each {window} updates)", "training: accuracy (sampled)",
              "test acc: seen", "test acc: unseen instance", "test acc: unseen category")
    for ax, title in zip(axes, titles):
        ax.set(title=title, xlabel="update")
        ax.grid(alpha=0.3)
    for ax in axes[2:]:
        ax.axhline(1 / 3, color="grey", ls="--", lw=0.8)
    axes[0].legend(fontsize=8)
    fig.savefig(path, format="png")
    return path


def plot_similarity(word: np.ndarray, sketch: np.ndarray, names: list[str], r: float, path: Path) -> Path:
    fig = Figure(figsize=(9, 4.2), dpi=100, layout="constrained")
    axes = fig.subplots(1, 2)
    for ax, mat, title in zip(axes, (word, sketch), ("word vectors", f"final canvases (r = {r:.2f})")):
        im = ax.imshow(mat, cmap="viridis")
        ax.set_xticks(range(len(names)), names, rotation=90, fontsize=7)
        ax.set_yticks(range(len(names)), names, fontsize=7)
        ax.set_title(f"cosine similarity: {title}")
        fig.colorbar(im, ax=ax, shrink=0.8)
    fig.savefig(path, format="png")
    return path
