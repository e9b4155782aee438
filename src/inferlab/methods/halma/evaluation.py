"""Scoring on the four splits: the evaluation spaces of each, the oracle's and random agent's steps (the score's
floor and ceiling), and an RL agent's episodes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from inferlab.envs.halma import (RULES, SPLITS, STYLES, Space, generate_split, normalised_score, oracle_episode,
                                 random_episode, summarise)
from inferlab.methods.halma.episodes import HalmaBatch
from inferlab.methods.halma.networks import ActorCritic, sample_actions


@dataclass(frozen=True)
class Spaces:
    """The training pool and each split's evaluation spaces, all from one seed."""

    train_pool: tuple[Space, ...]
    evaluation: dict[str, tuple[Space, ...]]


@lru_cache(maxsize=4)
def make_spaces(seed: int, train_spaces: int, eval_spaces: int) -> Spaces:
    """train: the first eval_spaces of the train split are for evaluation (and, redrawn, perceptual), the rest
    the training pool; conceptual and algorithmic come from their own streams."""
    train = generate_split("train", seed, eval_spaces + train_spaces)
    evaluation = {"train": tuple(train[:eval_spaces]), "perceptual": tuple(train[:eval_spaces])}
    for split in ("conceptual", "algorithmic"):
        evaluation[split] = tuple(generate_split(split, seed, eval_spaces))
    return Spaces(tuple(train[eval_spaces:]), evaluation)


def style_of(split: str):
    return STYLES["held_out" if split == "perceptual" else "train"]


@lru_cache(maxsize=16)
def reference_metrics(spaces: tuple[Space, ...], split: str, random_episodes: int, seed: int) -> dict[str, dict]:
    """Metrics of the oracle (BFS) and the random agent on the spaces (random: `random_episodes` each, numpy
    stream of `seed`)."""
    trial_steps, rng = RULES[split].trial_steps, np.random.default_rng(np.random.SeedSequence([seed, 7]))
    oracle = [oracle_episode(s, trial_steps) for s in spaces]
    random = [random_episode(s, trial_steps, rng) for s in spaces for _ in range(random_episodes)]
    return {name: summarise(np.array([a for a, _ in runs]), np.array([b for _, b in runs]))
            for name, runs in (("oracle", oracle), ("random", random))}


@torch.no_grad()
def play_split(agent: ActorCritic, spaces: tuple[Space, ...], split: str) -> tuple[np.ndarray, np.ndarray]:
    """One episode of the agent (sampling its policy, torch RNG) in each space: steps and success (E, 3)."""
    batch = HalmaBatch(list(spaces), RULES[split].trial_steps, style_of(split), len(spaces), fixed=True)
    state, starts = agent.initial_state(len(spaces)), torch.ones(len(spaces), dtype=torch.bool)
    while not batch.done().all():
        panel, counters = batch.observation()
        feats, state = agent.features_of(panel, counters, state, starts)
        logits, _ = agent.heads(feats)
        batch.step(sample_actions(logits))
        starts = torch.zeros_like(starts)
    return batch.trial_log.numpy(), batch.success.numpy()


def split_metrics(agent: ActorCritic, spaces: Spaces, random_episodes: int, seed: int) -> dict[str, float]:
    """`<split>_<metric>` for the agent on every split, normalised_score against that split's oracle and random."""
    out = {}
    for split in SPLITS:
        metrics = summarise(*play_split(agent, spaces.evaluation[split], split))
        ref = reference_metrics(spaces.evaluation[split], split, random_episodes, seed)
        metrics["normalised_score"] = normalised_score(metrics["steps_per_trial"], ref["random"]["steps_per_trial"],
                                                       ref["oracle"]["steps_per_trial"])
        out.update({f"{split}_{k}": v for k, v in metrics.items()})
    return out


def reference_split_metrics(spaces: Spaces, random_episodes: int, seed: int) -> dict[str, dict[str, float]]:
    """`<split>_<metric>` of the oracle and of the random agent (normalised scores 1 and 0 by definition)."""
    out: dict[str, dict[str, float]] = {"oracle": {}, "random": {}}
    for split in SPLITS:
        ref = reference_metrics(spaces.evaluation[split], split, random_episodes, seed)
        for name in out:
            score = normalised_score(ref[name]["steps_per_trial"], ref["random"]["steps_per_trial"],
                                     ref["oracle"]["steps_per_trial"])
            out[name].update({f"{split}_{k}": v for k, v in {**ref[name], "normalised_score": score}.items()})
    return out
