"""ALANS's systematic-generalisation splits of the RAVEN generator: what each split's training and test sides
contain, the files `write_raven_split` / `inferlab data raven --split` write, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import run_cli

from inferlab.data.raven import Rule, generate_problem, write_raven_split
from inferlab.data.raven.splits import HELD_OUT, SPLITS, TRAIN, held_out_pairs, split_part
from inferlab.errors import UserError


def _pairs(npz) -> set[tuple[str, str]]:
    return {(r.attr, r.name) for comp in npz["rules"] for r in (Rule.decode(row) for row in comp[1:])}


def test_systematicity_files_hold_out_pairs_from_training_and_test_on_them(tmp_path):
    paths = write_raven_split(tmp_path, "systematicity", 40, size=24, answers="iraven", seed=2, progress=False)
    sides = {"train": [], "val": [], "test": []}
    for path in paths:
        with np.load(path) as npz:
            sides[path.stem.split("_")[-1]].append(_pairs(npz))
            assert str(npz["config"]) == "distribute_four"
    assert len(sides["train"]) == 24 and len(sides["test"]) == 8
    assert not any(p & set(HELD_OUT) for p in sides["train"] + sides["val"])
    assert all(p & set(HELD_OUT) for p in sides["test"])
    seen = set().union(*sides["train"])  # each held-out rule and attribute still occurs in training, elsewhere
    for attr, rule in HELD_OUT:
        assert any(r == rule for _, r in seen) and any(a == attr for a, _ in seen)


def test_productivity_and_localism_change_the_configuration(tmp_path):
    write_raven_split(tmp_path / "p", "productivity", 10, size=24, seed=0, progress=False)
    write_raven_split(tmp_path / "l", "localism", 10, size=24, seed=0, progress=False)
    assert sorted(p.name for p in (tmp_path / "p" / "distribute_nine").glob("*.npz")) == ["RAVEN_8_test.npz",
                                                                                         "RAVEN_9_test.npz"]
    assert len(list((tmp_path / "p" / "distribute_four").glob("*.npz"))) == 8
    with np.load(tmp_path / "p" / "distribute_nine" / "RAVEN_8_test.npz") as npz:
        assert npz["occupied"].shape == (16, 1, 9)
    with np.load(tmp_path / "l" / "left_center_single_right_center_single" / "RAVEN_9_test.npz") as npz:
        assert npz["rules"].shape == (2, 4, 3) and not _pairs(npz) & set(HELD_OUT)


def test_split_predicates():
    plain = (Rule("Constant", "Number/Position"), Rule("Progression", "Type", 1), Rule("Constant", "Size"),
             Rule("Constant", "Color"))
    assert held_out_pairs((plain,)) == {("Type", "Progression")}
    assert not TRAIN.accept((plain,)) and SPLITS["systematicity"].accept((plain,))
    rng = np.random.default_rng(0)
    for name in ("productivity", "localism"):
        problem = generate_problem(SPLITS[name].config, rng, accept=SPLITS[name].accept)
        assert not held_out_pairs(problem.rules)
    assert split_part("localism", "val") is TRAIN


def test_bad_split_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="systematicity"):
        write_raven_split(tmp_path, "sys", 5, progress=False)
    proc = run_cli("data", "raven", "--split", "localism", "--n", "10", "--out", str(tmp_path / "s"), "--size", "24",
                   check=True)
    assert '"files": 10' in proc.stdout.splitlines()[-1]
    both = run_cli("data", "raven", "--split", "localism", "--config", "all", "--n", "3", "--out", str(tmp_path / "b"))
    assert both.returncode == 2 and "exactly one" in both.stderr
