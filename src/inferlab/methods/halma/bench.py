"""`inferlab bench halma`: the three PPO agents (CNN, CNN+LSTM, attention encoders) trained on the same train
spaces, seed and number of updates, then every agent, the oracle and the random agent scored on the four splits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.bench import train_variant
from inferlab.methods.halma.config import HalmaConfig
from inferlab.methods.halma.evaluation import make_spaces, reference_split_metrics
from inferlab.methods.halma.figures import write_figures
from inferlab.methods.halma.networks import ENCODERS


def bench(cfg: HalmaConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    from inferlab.methods.halma import make_task

    results, agents = {}, {}
    for encoder in ENCODERS:
        var_cfg = replace(cfg, agent=replace(cfg.agent, encoder=encoder))
        task, fit, _ = train_variant(make_task, var_cfg, label=f"ppo_{encoder}", device=device, seed=seed,
                                     out_dir=out_dir)
        metrics = {k: v for k, v in fit.metrics.items() if k != "score"}
        metrics.update(train_seconds=fit.seconds, seconds_per_update=fit.seconds_per_step,
                       moves_trained=cfg.train.steps * cfg.ppo.envs * cfg.ppo.rollout,
                       parameters=sum(p.numel() for p in task.agent.parameters()))
        results[f"ppo_{encoder}"], agents[f"ppo_{encoder}"] = metrics, task.agent
    spaces = make_spaces(seed, cfg.env.train_spaces, cfg.eval.samples)
    results.update(reference_split_metrics(spaces, cfg.eval.random_episodes, seed))
    best = max((k for k in results if k.startswith("ppo_")), key=lambda k: results[k]["train_normalised_score"])
    figures = write_figures(results, agents[best], best, spaces, out_dir, seed)
    return {"metrics": results[best], "baselines": results,
            "figures": [str(Path(f).relative_to(out_dir)) for f in figures],
            "notes": f"method metrics = the best RL agent on train normalised_score: {best} (every agent, that one included, is "
                     "also listed under its own name, so the baselines are the same keys on every seed). <split>_success: goal "
                     "reached per trial; <split>_steps_per_trial (and _steps_trial1/2/3): moves per trial, a failed "
                     "trial counts its step limit; <split>_normalised_score = (random - agent) / (random - oracle) "
                     "steps per trial (0 random, 1 oracle). Agents sample their policy in evaluation. All three PPO "
                     f"agents: {cfg.train.steps} updates of {cfg.ppo.envs} x {cfg.ppo.rollout} moves on "
                     f"{cfg.env.train_spaces} train spaces; evaluation: {cfg.eval.samples} spaces per split, one "
                     "episode (3 trials) each; random: "
                     f"{cfg.eval.random_episodes} episodes per space. Splits and rules: envs/halma/README.md."}
