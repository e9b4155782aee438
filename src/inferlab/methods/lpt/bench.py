"""`inferlab bench lpt`: LPT, behaviour cloning and Decision Transformer trained on the same data, seed and
budget, on a maze (stitching from suboptimal wandering data) and on Connect Four (win when asked for a win)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from inferlab.engine.bench import train_variant
from inferlab.methods.lpt.config import LPTConfig, with_env
from inferlab.methods.lpt.figures import plot_maze_rollouts, plot_return_vs_target

VARIANTS = ("lpt", "bc", "dt")
MAZES = ("gridmaze", "pointmaze_umaze", "pointmaze_medium")


def bench(cfg: LPTConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    from inferlab.methods.lpt import make_task

    maze_env = cfg.data.env if cfg.data.env in MAZES else "gridmaze"
    results: dict[str, dict] = {v: {} for v in VARIANTS}
    curves: dict[str, dict] = {}
    maze_rollouts, maze_problem = {}, None
    for key, env in (("maze", maze_env), ("c4", "connect_four")):
        curves[key] = {"targets": None, "data_max": None}
        for variant in VARIANTS:
            var_cfg = replace(with_env(cfg, env), model=replace(cfg.model, variant=variant))
            task, fit, _ = train_variant(make_task, var_cfg, label=f"{variant}_{env}", device=device, seed=seed,
                                         out_dir=out_dir)
            m, r = fit.metrics, results[variant]
            r["maze_return" if key == "maze" else "c4_win_rate"] = m["normalised"]
            r[f"{key}_raw_return"] = m["return_mean"]
            r[f"{key}_target"] = m["target"]
            r[f"{key}_train_seconds"] = fit.seconds
            r[f"{key}_seconds_per_step"] = fit.seconds_per_step
            if key == "maze":
                r["plan_seconds"], r["step_seconds"] = m["plan_seconds"], m["step_seconds"]
                maze_rollouts[variant], maze_problem = task.last_rollouts, task.problem
            data_returns = np.array([t.ret for t in task.problem.trajectories])
            targets = np.linspace(data_returns.min(), data_returns.max(), cfg.eval.curve_points)
            curves[key]["targets"], curves[key]["data_max"] = targets, float(data_returns.max())
            if variant == "bc":  # BC ignores the target: one evaluation stands for every target
                curves[key][variant] = np.full(len(targets), m["return_mean"])
            else:
                curves[key][variant] = np.array(
                    [np.mean([t.ret for t in task.rollouts(float(y), cfg.eval.curve_episodes)[0]]) for y in targets])
    figures = [plot_return_vs_target(curves, out_dir / "return_vs_target.png", {"maze": maze_env,
                                                                                 "c4": "connect_four"})]
    if maze_env == "gridmaze":
        figures.append(plot_maze_rollouts(maze_problem, maze_rollouts, out_dir / "maze_rollouts.png"))
    metrics = {v: {k: float(x) for k, x in results[v].items()} for v in VARIANTS}
    return {
        "metrics": metrics["lpt"], "baselines": {"bc": metrics["bc"], "dt": metrics["dt"]},
        "figures": [str(f.relative_to(out_dir)) for f in figures],
        "notes": f"maze: {maze_env} ({cfg.data.maze_layout if maze_env == 'gridmaze' else maze_env}), "
                 f"{cfg.data.episodes} suboptimal wandering episodes; maze_return = mean of 100 * return / optimal "
                 "return from each episode's random start, conditioned on the best return in the data (PointMaze "
                 "is selectable with --set data.env=pointmaze_umaze, but its 300-step episodes do not fit the tiny "
                 "budget). "
                 f"c4_win_rate: wins in {cfg.eval.samples} games against the epsilon-search opponent "
                 f"(depth {cfg.data.c4_opponent_depth}, eps {cfg.data.c4_opponent_eps}), conditioned on a win (+1), "
                 f"trained on {cfg.data.episodes} random-agent games. plan_seconds: one Langevin inference of z for "
                 "the maze target (0 for BC/DT; noise-free planning reuses it across episodes); step_seconds: one "
                 "action. Every variant: the same GPT, data, seed, "
                 f"{cfg.train.steps} updates of {cfg.train.batch_size} trajectories.",
    }
