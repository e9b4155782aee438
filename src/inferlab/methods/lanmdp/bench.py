"""`inferlab bench lanmdp`: the path task (LanMDP c = 6 against c = 1 and bc_states, plus planning) and a MuJoCo
section (LanMDP with the config's c, 1 as official, and lanmdp_c2 with c = 2, against BCO, GAIfO and the
bc_actions reference): InvertedDoublePendulum-v5 (`tiny_double_pendulum`) after the path task, or only the MuJoCo
config given (e.g. `--preset tiny_reacher`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.bench import train_variant
from inferlab.eval.report import plot_curves
from inferlab.methods.lanmdp.config import MUJOCO_CONTEXT, LanMDPConfig, tiny_double_pendulum, with_variant
from inferlab.methods.lanmdp.figures import save_paths

CUBIC_BASELINES = ("lanmdp_markov", "bc_states")
MUJOCO_BASELINES = (f"lanmdp_c{MUJOCO_CONTEXT}", "bco", "gaifo", "bc_actions")
BASELINES = CUBIC_BASELINES + MUJOCO_BASELINES


def bench(cfg: LanMDPConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    """Train every variant on the same demonstrations, seed and number of updates; report the official path metrics
    (acc_rate, acc_res), planning goal errors, and the normalised MuJoCo return with the env steps used."""
    if cfg.task.env == "cubic":
        results, figures = cubic_section(cfg, device, seed, out_dir)
        mujoco = tiny_double_pendulum()
        mj_cfg = replace(mujoco, train=replace(mujoco.train, steps=min(mujoco.train.steps, cfg.train.steps)))
    else:
        results, figures, mj_cfg = {"lanmdp": {}}, [], cfg
    mj_results, mj_figures = mujoco_section(mj_cfg, device, seed, out_dir)
    results["lanmdp"].update({f"{mj_cfg.task.env}_{k}": v for k, v in mj_results.pop("lanmdp").items()})
    results.update(mj_results)
    return {"metrics": results.pop("lanmdp"), "baselines": results, "figures": figures + mj_figures,
            "notes": "Path task (x from -1 to 1, 21 states): acc_rate = share of generated paths whose least-squares "
                     "cubic has |leading coefficient| >= 0.5, acc_res = their mean |residual| (official metrics; the "
                     "demonstrations score 1.0 and 0). goal_error_plan / goal_error_prior: |goal - final height| of "
                     "posterior-sampling plans vs the prior paths the goals were drawn near (official protocol; with "
                     "plan.normaliser_points > 0, _plan sums log p = f - log Z and _plan_raw the official raw f); "
                     "max_abs_y_*: mean over paths of max |y| (overshoot; the demonstrations' is about 1.0). "
                     f"{mj_cfg.task.env}_return: (return - random) / (expert - random) on held-out seeds, expert = "
                     "the demonstrations' mean return (double_pendulum: the return counts the steps balanced, "
                     "episodes cut at 200 steps; on Reacher its control cost dominates (zero_action_return: a policy "
                     "that never moves), so reacher_reach is the imitation measure: (d_random - d) / (d_random - "
                     "d_expert) of d = mean fingertip-target distance over each episode's last 10 states); env_steps = "
                     "environment steps each method spent learning (evaluation episodes not counted; LanMDP and BCO "
                     "collect the same episodes, whose lengths differ); GAIfO gets the upper bound of LanMDP's env "
                     "steps, in whole RL iterations."}


def cubic_section(cfg: LanMDPConfig, device: torch.device, seed: int, out_dir: Path) -> tuple[dict, list[str]]:
    from inferlab.methods.lanmdp import make_task

    results, paths, figures = {}, {}, []
    for label in ("lanmdp",) + CUBIC_BASELINES:
        task, fit, run_dir = train_variant(make_task, with_variant(cfg, label), label=label, device=device,
                                           seed=seed, out_dir=out_dir)
        results[label] = {**{k: v for k, v in fit.metrics.items() if k != "score"},
                          "train_seconds": fit.seconds, "seconds_per_iter": fit.seconds_per_step}
        torch.manual_seed(seed)
        paths[f"{label} (c={cfg.policy.context if label != 'lanmdp_markov' else 1})"] = task.sample(10).cpu().numpy()
        if label == "lanmdp":
            demos = task.demos[:10].numpy()
            torch.manual_seed(seed)
            plan = {k: v.cpu().numpy() for k, v in task.plan(5).items()}
            panels = {"prior sampling": plan["prior"], "posterior planning": plan["planned"]}
            if "planned_raw" in plan:
                panels["planning on raw f (official)"] = plan["planned_raw"]
            figures.append(rel(save_paths(out_dir / "planned_paths.png", panels,
                                          goals={k: plan["goals"] for k in panels}), out_dir))
            figures.append(rel(plot_curves(run_dir / "metrics.jsonl", ["loss", "ess", "action_mse"],
                                           out_dir / "lanmdp_curves.png"), out_dir))
    figures.insert(0, rel(save_paths(out_dir / "cubic_paths.png", paths, demos=demos), out_dir))
    return results, figures


def mujoco_section(cfg: LanMDPConfig, device: torch.device, seed: int, out_dir: Path) -> tuple[dict, list[str]]:
    from inferlab.methods.lanmdp import make_task

    results, runs = {}, {}
    for label in ("lanmdp",) + MUJOCO_BASELINES:
        name = f"{cfg.task.env}_{label}"
        _, fit, run_dir = train_variant(make_task, with_variant(cfg, label), label=name, device=device, seed=seed,
                                        out_dir=out_dir)
        results[label] = {**{k: v for k, v in fit.metrics.items() if k != "score"},
                          "train_seconds": fit.seconds}
        runs[label] = run_dir
    logged = (runs["lanmdp"] / "metrics.jsonl").read_text()
    keys = [k for k in ("collect_return", "model_loss", "action_l1") if f'"{k}"' in logged]  # short runs collect none
    figures = [rel(plot_curves(runs["lanmdp"] / "metrics.jsonl", keys, out_dir / f"{cfg.task.env}_lanmdp_curves.png",
                               x_key="env_steps"), out_dir)]
    return results, figures


def rel(path: Path, out_dir: Path) -> str:
    return str(Path(path).relative_to(out_dir))
