"""HALMA (Xie et al. 2021, arXiv 2102.11344), reconstructed: rules, seeded split generator, panels, gymnasium env
and the reference agents. See envs/halma/README.md for the described interface against our rules."""

from inferlab.envs.halma.agents import (move_action, normalised_score, oracle_action, oracle_episode, random_episode,
                                        summarise)
from inferlab.envs.halma.env import TRIALS, HalmaEnv
from inferlab.envs.halma.generator import RULES, SPLITS, TRAIN_PIVOTS, generate_split
from inferlab.envs.halma.panel import STYLES, render_panel
from inferlab.envs.halma.rules import Space, space_digest

__all__ = ["RULES", "SPLITS", "STYLES", "TRAIN_PIVOTS", "TRIALS", "HalmaEnv", "Space", "generate_split",
           "move_action", "normalised_score", "oracle_action", "oracle_episode", "random_episode", "render_panel",
           "space_digest", "summarise"]
