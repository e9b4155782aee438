"""RAVEN / I-RAVEN Raven's Progressive Matrices: the attributed grammar, a generator writing official-format
.npz files, and a loader for official folders. See grammar (values, configurations), rules, problem (matrix),
answers (candidate sets), render, io (files), generate (whole problems and datasets) and splits (ALANS's
systematicity / productivity / localism splits)."""

from inferlab.data.raven.generate import ANSWER_STYLES, generate_problem, write_raven, write_raven_split
from inferlab.data.raven.grammar import CONFIG_NAMES, CONFIGURATIONS
from inferlab.data.raven.io import RavenFolder, RavenProblem, read_problem
from inferlab.data.raven.rules import Rule
from inferlab.data.raven.splits import SPLIT_NAMES

__all__ = ["ANSWER_STYLES", "CONFIGURATIONS", "CONFIG_NAMES", "RavenFolder", "RavenProblem", "Rule",
           "SPLIT_NAMES", "generate_problem", "read_problem", "write_raven", "write_raven_split"]
