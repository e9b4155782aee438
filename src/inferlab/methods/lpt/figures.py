"""Bench figures: policy rollouts drawn over the grid maze, and achieved return against the conditioned target."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from inferlab.data.offline_rl import Trajectory
from inferlab.methods.lpt.problems import OfflineProblem

STYLES = {"lpt": ("tab:red", "o-"), "dt": ("tab:blue", "s--"), "bc": ("tab:gray", "^:")}


def plot_maze_rollouts(problem: OfflineProblem, rollouts: dict[str, list[Trajectory]], path: Path,
                       episodes: int = 6) -> Path:
    """One panel per variant: walls in black, the goal as a star, each episode's cell path (slightly offset so
    overlapping paths stay visible) from its start (circle)."""
    maze = problem.make_env().unwrapped.maze
    fig = Figure(figsize=(3.2 * len(rollouts), 3.2))
    for i, (name, trajs) in enumerate(rollouts.items()):
        ax = fig.add_subplot(1, len(rollouts), i + 1)
        ax.imshow(maze.walls, cmap="Greys", vmin=0, vmax=1.3)
        for j, t in enumerate(trajs[:episodes]):
            path_rc = t.observations.astype(float) + (j - episodes / 2) * 0.05
            color = f"C{j}"
            ax.plot(path_rc[:, 1], path_rc[:, 0], "-", color=color, lw=1.5, alpha=0.8)
            ax.plot(path_rc[0, 1], path_rc[0, 0], "o", color=color, ms=5)
        ax.plot(maze.goal[1], maze.goal[0], "*", color="gold", ms=16, mec="k")
        score = problem.score(trajs)
        ax.set_title(f"{name.upper()}: {score:.0f}% of optimal")
        ax.set_xticks([]), ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path


def plot_return_vs_target(curves: dict[str, dict], path: Path, titles: dict[str, str]) -> Path:
    """One panel per environment: mean achieved return against the conditioned target return per variant,
    with the diagonal (achieved = target) and the best return in the data."""
    fig = Figure(figsize=(4.2 * len(curves), 3.6))
    for i, (key, curve) in enumerate(curves.items()):
        ax = fig.add_subplot(1, len(curves), i + 1)
        targets = np.asarray(curve["targets"])
        ax.plot(targets, targets, ":", color="k", lw=1, label="achieved = target")
        ax.axhline(curve["data_max"], color="k", lw=0.8, ls="--", label="best in data")
        for name in ("lpt", "dt", "bc"):
            color, style = STYLES[name]
            ax.plot(targets, curve[name], style, color=color, label=name.upper())
        ax.set_xlabel("target return")
        ax.set_ylabel("achieved return")
        ax.set_title(titles[key])
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    return path
