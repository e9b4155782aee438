"""Problem files in the official RAVEN .npz format, and a loader for official RAVEN / I-RAVEN folders.

Official keys: `image` (16, H, W) uint8 (8 context panels, then 8 candidates), `target` (answer index),
`predict` (the official heuristic solver's choice, solver.py),
`meta_matrix` (8, 9) uint8 (one row per rule, columns META_TARGET_FORMAT), `meta_target` (9,) uint8
(OR of the rows), `structure` (the serialised tree, strings), `meta_structure` (21,) uint8.
Our generator adds ground truth: `rules` (C, 4, 3) int16 (per component and attribute group: rule index,
attribute index, value; see rules.Rule.encode), `uniform` (C,) uint8, `occupied` (16, C, 9) uint8 and
`attributes` (16, C, 9, 4) int8 (Type, Size, Color, Angle levels per slot; -1 past the layout's slots),
`config` and `answers` (strings).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from inferlab.data.raven.grammar import CONFIG_NAMES, MAX_SLOTS, META_STRUCTURE_FORMAT, META_TARGET_FORMAT
from inferlab.data.raven.problem import Problem
from inferlab.data.raven.render import render_panels
from inferlab.data.raven.solver import solve
from inferlab.errors import UserError

OFFICIAL_KEYS = ("image", "target", "meta_matrix", "meta_target", "structure", "meta_structure")
SPLITS = ("train", "val", "test")
_FILE_NAME = re.compile(r"RAVEN_(\d+)_(train|val|test)\.npz$")


def split_of(index: int) -> str:
    """The official split of problem `index` of a configuration: i % 10 in 0-5 train, 6-7 val, 8-9 test."""
    return "train" if index % 10 < 6 else "val" if index % 10 < 8 else "test"


def _meta_matrix(problem: Problem) -> np.ndarray:
    matrix = np.zeros((8, 9), np.uint8)
    for row, rule in enumerate(r for comp_rules in problem.rules for r in comp_rules):
        matrix[row, META_TARGET_FORMAT.index(rule.name)] = 1
        for attr in rule.attr.split("/"):  # Constant on "Number/Position" marks both
            matrix[row, META_TARGET_FORMAT.index(attr)] = 1
    return matrix


def problem_arrays(problem: Problem, size: int, answers: str,
                   solver_rng: np.random.Generator | None = None) -> dict[str, np.ndarray]:
    """Everything written for one problem: the official keys plus the ground truth (module docstring);
    `solver_rng` breaks the solver's ties for `predict` (default: a generator seeded 0)."""
    panels = problem.context + problem.candidates
    n_comp = len(problem.config.layouts)
    occupied = np.zeros((16, n_comp, MAX_SLOTS), np.uint8)
    attributes = np.full((16, n_comp, MAX_SLOTS, 4), -1, np.int8)
    for p, panel in enumerate(panels):
        for c, comp in enumerate(panel):
            occupied[p, c, list(comp.slots)] = 1
            attributes[p, c, :len(comp.type)] = np.array([comp.type, comp.size, comp.color, comp.angle]).T
    tree = problem.config.tree()
    meta_matrix = _meta_matrix(problem)
    return {
        "image": render_panels(panels, problem.config, size),
        "target": np.int64(problem.target),
        "predict": np.int64(solve(problem, solver_rng if solver_rng is not None else np.random.default_rng(0))),
        "meta_matrix": meta_matrix,
        "meta_target": np.bitwise_or.reduce(meta_matrix),
        "structure": np.array(tree),
        "meta_structure": np.array([int(name in tree) for name in META_STRUCTURE_FORMAT], np.uint8),
        "rules": np.array([[r.encode() for r in comp_rules] for comp_rules in problem.rules], np.int16),
        "uniform": np.array(problem.uniform, np.uint8),
        "occupied": occupied,
        "attributes": attributes,
        "config": np.array(problem.config.name),
        "answers": np.array(answers),
    }


def write_problem(path: Path, arrays: dict[str, np.ndarray], xml: str | None = None) -> None:
    """Write one problem file (compressed; np.load reads it like the official uncompressed files) and, given its
    XML document (xml.problem_xml), the official RAVEN_<i>_<split>.xml beside it."""
    np.savez_compressed(path, **arrays)
    if xml is not None:
        path.with_suffix(".xml").write_text(xml)


@dataclass(frozen=True)
class RavenProblem:
    """One problem file's contents: `image` (16, H, W) uint8, `target` in 0..7, and every other array by key."""

    image: np.ndarray
    target: int
    arrays: dict[str, np.ndarray]


def read_problem(path: str | Path) -> RavenProblem:
    """Read and check one RAVEN-format .npz file (ours or official)."""
    file = Path(path).expanduser()
    allowed = "a RAVEN problem file (.npz with image (16, H, W) uint8, target 0..7, meta_matrix, meta_target)"
    try:
        with open(file, "rb") as fh:
            npz = np.load(fh, allow_pickle=False)
            if not isinstance(npz, np.lib.npyio.NpzFile):
                raise UserError(f"RAVEN problem file {file} is a single .npy array; expected {allowed}.")
            arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise UserError(f"RAVEN problem file {file} does not exist.") from None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        raise UserError(f"Cannot read RAVEN problem file {file}: {err}. Expected {allowed}.") from None
    missing = [k for k in ("image", "target", "meta_matrix", "meta_target") if k not in arrays]
    if missing:
        raise UserError(f"RAVEN problem file {file} lacks {', '.join(missing)}; it holds {', '.join(arrays) or 'nothing'}. "
                        f"Expected {allowed}.")
    image, target = arrays["image"], arrays["target"]
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[0] != 16:
        raise UserError(f"RAVEN problem file {file}: image has dtype {image.dtype} and shape {image.shape}; "
                        "expected uint8 (16, H, W): 8 context panels then 8 candidates.")
    if target.size != 1 or target.dtype.kind not in "iu" or not 0 <= int(target) < 8:
        raise UserError(f"RAVEN problem file {file}: target {target!r} is not an integer in 0..7.")
    if arrays["meta_matrix"].shape != (8, 9) or arrays["meta_target"].shape != (9,):
        raise UserError(f"RAVEN problem file {file}: meta_matrix {arrays['meta_matrix'].shape} / meta_target "
                        f"{arrays['meta_target'].shape}; expected (8, 9) and (9,).")
    return RavenProblem(image, int(target), arrays)


class RavenFolder(torch.utils.data.Dataset):
    """A RAVEN / I-RAVEN folder (<root>/<config>/RAVEN_<i>_<split>.npz), read lazily file by file.

    Items are (image uint8 (16, H, W), target int64, meta_target uint8 (9,)). `configs` limits the
    configurations (default: every one present); files are ordered by configuration then index.
    """

    def __init__(self, root: str | Path, split: str = "train", configs: list[str] | None = None):
        self.root = Path(root).expanduser()
        if not self.root.is_dir():
            raise UserError(f"RAVEN folder {self.root} does not exist or is not a directory.")
        if split not in SPLITS:
            raise UserError(f"Unknown RAVEN split {split!r}; allowed: {', '.join(SPLITS)}.")
        present = [c for c in CONFIG_NAMES if (self.root / c).is_dir()]
        unknown = [c for c in configs or [] if c not in CONFIG_NAMES]
        if unknown:
            raise UserError(f"Unknown RAVEN configuration(s) {', '.join(unknown)}; allowed: {', '.join(CONFIG_NAMES)}.")
        wanted = configs or present
        absent = [c for c in wanted if c not in present]
        if absent or not wanted:
            raise UserError(f"RAVEN folder {self.root} has no folder for {', '.join(absent) or 'any configuration'}; "
                            f"expected subfolders named like {', '.join(CONFIG_NAMES[:2])}, ...")
        self.files = []
        for c in wanted:
            found = [(int(m.group(1)), p) for p in (self.root / c).iterdir()
                     if (m := _FILE_NAME.match(p.name)) and m.group(2) == split]
            self.files += [(c, p) for _, p in sorted(found)]
        if not self.files:
            raise UserError(f"RAVEN folder {self.root} has no {split} files (RAVEN_<i>_{split}.npz) "
                            f"in {', '.join(wanted)}.")

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, i: int):
        problem = read_problem(self.files[i][1])
        return (torch.from_numpy(problem.image), torch.tensor(problem.target),
                torch.from_numpy(problem.arrays["meta_target"].astype(np.uint8)))
