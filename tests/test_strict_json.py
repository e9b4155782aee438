"""Bench/eval JSON is standard JSON: non-finite metrics become null; `make bench`'s summary counts them."""

import importlib.util
import json
import math
from pathlib import Path

import pytest

from inferlab.jsonfile import finite_or_null, strict_dumps


def test_strict_dumps_writes_null_for_non_finite_values_at_any_depth():
    result = {"metrics": {"acc_res": float("nan"), "acc_rate": 0.5},
              "baselines": {"b": {"x": float("inf"), "curve": [1.0, float("-inf")]}}, "seed": 0}
    text = strict_dumps(result)
    assert "NaN" not in text and "Infinity" not in text
    back = json.loads(text)
    assert back["metrics"] == {"acc_res": None, "acc_rate": 0.5}
    assert back["baselines"]["b"] == {"x": None, "curve": [1.0, None]}
    assert finite_or_null((1.0, math.nan)) == [1.0, None]


def test_strict_dumps_refuses_nothing_that_plain_json_accepts():
    obj = {"a": [1, 2.5, "s", None, True], "b": {"c": -0.0}}
    assert json.loads(strict_dumps(obj)) == json.loads(json.dumps(obj))


@pytest.fixture()
def run_all():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "run_all.py"
    spec = importlib.util.spec_from_file_location("run_all", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_summary_leaves_out_non_finite_seeds_and_says_so(run_all):
    runs = [{"acc": 0.5, "res": 0.1}, {"acc": 0.7, "res": float("nan")}, {"acc": 0.6, "res": None}]
    summary = run_all._summarise(runs)
    assert summary["acc"] == "0.6 ± 0.1"
    assert summary["res"] == "0.1 ± 0 (1 of 3 seeds finite)"
    assert run_all._summarise([{"res": float("nan")}]) == {"res": "— (0 of 1 seeds finite)"}
