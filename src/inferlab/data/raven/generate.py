"""Draw whole problems (matrix + candidate set) and write datasets in the RAVEN-10000 folder layout."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from inferlab.data.raven.answers import iraven_candidates, modifiable, raven_candidates
from inferlab.data.raven.grammar import CONFIG_NAMES, CONFIGURATIONS, IMAGE_SIZE, Configuration
from inferlab.data.raven.io import problem_arrays, split_of, write_problem
from inferlab.data.raven.problem import Problem, draw_matrix
from inferlab.data.raven.splits import SPLIT_NAMES, split_part
from inferlab.data.raven.xml import problem_xml
from inferlab.engine.seed import check_seed
from inferlab.errors import UserError
from inferlab.progress import progress_bar

ANSWER_STYLES = ("raven", "iraven")


def generate_problem(config_name: str | Configuration, rng: np.random.Generator, answers: str = "raven", *,
                     accept: Callable[[tuple], bool] | None = None) -> Problem:
    """One problem of configuration `config_name` with a RAVEN or I-RAVEN candidate set.

    Matrices for which no candidate set of the asked style exists (too few modifiable attributes) are redrawn.
    Optional (for split-building, e.g. ALANS's systematic-generalisation splits): `config_name` may be a
    `Configuration` object (a custom layout), and `accept(rules)` (rules: per component, the 4 `Rule`s) redraws
    every matrix whose rules it rejects.
    """
    if isinstance(config_name, Configuration):
        config = config_name
    elif config_name not in CONFIGURATIONS:
        raise UserError(f"Unknown RAVEN configuration {config_name!r}; allowed: {', '.join(CONFIG_NAMES)}.")
    else:
        config = CONFIGURATIONS[config_name]
    if answers not in ANSWER_STYLES:
        raise UserError(f"Unknown answer style {answers!r}; allowed: {', '.join(ANSWER_STYLES)}.")
    build = raven_candidates if answers == "raven" else iraven_candidates
    while True:
        rules, uniform, panels = draw_matrix(config, rng)
        if accept is not None and not accept(rules):
            continue
        candidates = build(config, panels[8], modifiable(config, rules, uniform, panels[8]), rng)
        if candidates is not None:
            break
    order = rng.permutation(8)
    return Problem(config, rules, uniform, panels[:8], tuple(candidates[int(k)] for k in order),
                   int(np.flatnonzero(order == 0)[0]))


def problem_seed(seed: int, config_name: str, index: int) -> np.random.Generator:
    """The generator of problem `index` of a configuration: any problem can be redrawn on its own."""
    return np.random.default_rng([seed, CONFIG_NAMES.index(config_name), index])


MAX_SIZE = 1024


def _check_args(n: int, size: int, answers: str, seed: int) -> None:
    """One `UserError` for the first argument out of range, before any file is written."""
    check_seed(seed)
    if n < 1:
        raise UserError(f"--n {n}: the number of problems must be at least 1.")
    if not 16 <= size <= MAX_SIZE:
        raise UserError(f"--size {size}: panels must be from 16 to {MAX_SIZE} pixels wide (the official size is "
                        f"{IMAGE_SIZE}).")
    if answers not in ("raven", "iraven"):
        raise UserError(f"--answers {answers}: allowed are raven and iraven.")


def write_raven(out: str | Path, configs: list[str], n: int, *, size: int = IMAGE_SIZE, answers: str = "raven",
                seed: int = 0, progress: bool = True) -> list[Path]:
    """Write `n` problems per configuration as <out>/<config>/RAVEN_<i>_<split>.npz and .xml (official 6/2/2 split
    by i)."""
    _check_args(n, size, answers, seed)
    for name in configs:
        if name not in CONFIGURATIONS:
            raise UserError(f"Unknown RAVEN configuration {name!r}; allowed: {', '.join(CONFIG_NAMES)} or 'all'.")
    paths = []
    with progress_bar(total=n * len(configs), desc="RAVEN problems", unit="problem", disable=not progress) as bar:
        for name in configs:
            folder = Path(out) / name
            folder.mkdir(parents=True, exist_ok=True)
            for i in range(n):
                rng = problem_seed(seed, name, i)
                problem = generate_problem(name, rng, answers)
                path = folder / f"RAVEN_{i}_{split_of(i)}.npz"
                write_problem(path, problem_arrays(problem, size, answers, rng), problem_xml(problem, answers))
                paths.append(path)
                bar.update(1)
    return paths


def write_raven_split(out: str | Path, split: str, n: int, *, size: int = IMAGE_SIZE, answers: str = "raven",
                      seed: int = 0, progress: bool = True) -> list[Path]:
    """Write `n` problems of a systematic-generalisation split (data/raven/splits.py) in the official layout:
    problem i is RAVEN_<i>_<train|val|test>.npz (6/2/2 by i); train and val problems follow the split's training
    side, test problems its test side, each in the folder of its own configuration (e.g. productivity writes
    distribute_four/RAVEN_0_train.npz and distribute_nine/RAVEN_8_test.npz)."""
    _check_args(n, size, answers, seed)
    split_part(split, "test")  # validates the name
    paths = []
    for i in progress_bar(range(n), desc=f"RAVEN {split} split", unit="problem", disable=not progress):
        part = split_of(i)
        side = split_part(split, part)
        rng = np.random.default_rng([seed, len(CONFIG_NAMES) + SPLIT_NAMES.index(split), i])
        problem = generate_problem(side.config, rng, answers, accept=side.accept)
        folder = Path(out) / side.config
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"RAVEN_{i}_{part}.npz"
        write_problem(path, problem_arrays(problem, size, answers, rng), problem_xml(problem, answers))
        paths.append(path)
    return paths
