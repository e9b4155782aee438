"""LanMDP figures: paths on the cubic task (generated, planned, with goals) and MuJoCo return curves."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure


def save_paths(path: Path, panels: dict[str, np.ndarray], *, demos: np.ndarray | None = None,
               goals: dict[str, np.ndarray] | None = None) -> Path:
    """One panel per entry of `panels` (title -> states (N, 21, 2)), demonstrations in grey behind, goals as x."""
    fig = Figure(figsize=(3.4 * len(panels), 3.0), dpi=100, layout="constrained")
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    colors = [f"C{i}" for i in range(10)]
    for ax, (title, paths) in zip(axes, panels.items()):
        for d in demos if demos is not None else []:
            ax.plot(d[:, 1], d[:, 0], color="0.8", lw=0.8)
        for i, p in enumerate(paths):
            ax.plot(p[:, 1], p[:, 0], color=colors[i % 10], lw=1.3)
            if goals is not None and title in goals:
                ax.scatter([1.0], [goals[title][i]], marker="x", color=colors[i % 10], s=40)
        ax.set(title=title, xlabel="x", ylabel="y", xlim=(-1.05, 1.1))
        ax.grid(alpha=0.3)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path
