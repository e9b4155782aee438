"""RAVEN / I-RAVEN Raven's Progressive Matrices: the attributed grammar, a generator writing official-format
.npz files, and a loader for official folders. See grammar (values, configurations), rules, problem (matrix),
answers (candidate sets), render, io (files) and generate (whole problems and datasets)."""

from inferlab.data.raven.generate import ANSWER_STYLES, generate_problem, write_raven
from inferlab.data.raven.grammar import CONFIG_NAMES, CONFIGURATIONS
from inferlab.data.raven.io import RavenFolder, RavenProblem, read_problem
from inferlab.data.raven.rules import Rule

__all__ = ["ANSWER_STYLES", "CONFIGURATIONS", "CONFIG_NAMES", "RavenFolder", "RavenProblem", "Rule",
           "generate_problem", "read_problem", "write_raven"]
