"""User mistakes exit 2 with one clear message and no traceback; the documented commands work."""

import json

import numpy as np
import pytest

from cli_helpers import run_cli

TINY = ["--preset", "tiny", "--no-progress", "--set", "train.steps=4", "train.log_every=2", "eval.samples=100"]


def _assert_user_error(proc, *fragments):
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    for fragment in fragments:
        assert fragment in proc.stderr, proc.stderr


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "run"
    proc = run_cli("train", "lebm", *TINY, "--out", str(out), check=True)
    assert json.loads(proc.stdout.splitlines()[-1])["step"] == 4
    return out


def test_list_config_and_help():
    assert "lebm" in run_cli("list", check=True).stdout
    assert "--resume" in run_cli("train", "--help", check=True).stdout
    cfg = json.loads(run_cli("config", "lebm", "--preset", "paper", "--set", "train.steps=9", check=True).stdout)
    assert cfg["model"]["latent_dim"] == 100 and cfg["train"]["steps"] == 9


def test_run_folder_layout_eval_and_sample(tiny_run, tmp_path):
    meta = json.loads((tiny_run / "config.json").read_text())
    assert meta["method"] == "lebm" and meta["config"]["train"]["steps"] == 4 and "torch" in meta["provenance"]
    assert (tiny_run / "checkpoints" / "last.pt").exists() and (tiny_run / "tb").is_dir()
    rows = [json.loads(line) for line in (tiny_run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if r["kind"] == "train"] == [2, 4]
    result = json.loads(run_cli("eval", str(tiny_run), "--json", check=True).stdout.splitlines()[-1])
    assert result["metrics"]["fd"] > 0
    logged = [r for r in rows if r["kind"] == "eval" and r["step"] == 4][-1]
    assert logged["fd"] == pytest.approx(result["metrics"]["fd"], rel=1e-5)  # eval retraces the run's evaluation
    png = tmp_path / "s.png"
    run_cli("sample", str(tiny_run), "-n", "16", "--out", str(png), check=True)
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_unknown_method():
    _assert_user_error(run_cli("train", "nosuch"), "Unknown method 'nosuch'", "lebm")


def test_unknown_and_ill_typed_keys():
    _assert_user_error(run_cli("train", "lebm", "--set", "train.stepz=3"), "unknown config key", "train.steps")
    _assert_user_error(run_cli("train", "lebm", "--set", "train.steps=many"), "train.steps takes int")
    _assert_user_error(run_cli("bench", "lebm", "--preset", "huge"), "no preset 'huge'", "tiny")


def test_missing_corrupt_and_incompatible_checkpoints(tiny_run, tmp_path):
    _assert_user_error(run_cli("eval", str(tmp_path)), "not a run folder")
    empty = tmp_path / "empty"
    (empty / "checkpoints").mkdir(parents=True)
    (empty / "config.json").write_text((tiny_run / "config.json").read_text())
    _assert_user_error(run_cli("eval", str(empty)), "No checkpoint at")
    (empty / "checkpoints" / "last.pt").write_bytes(b"\x00garbage")
    _assert_user_error(run_cli("eval", str(empty)), "corrupt or not an inferlab checkpoint")
    meta = json.loads((tiny_run / "config.json").read_text())
    meta["config"]["model"]["latent_dim"] = 7
    other = tmp_path / "other"
    (other / "checkpoints").mkdir(parents=True)
    (other / "config.json").write_text(json.dumps(meta))
    (other / "checkpoints" / "last.pt").write_bytes((tiny_run / "checkpoints" / "last.pt").read_bytes())
    _assert_user_error(run_cli("eval", str(other)), "does not fit this model's", "config")


def test_unreadable_data_files(tmp_path):
    _assert_user_error(run_cli("train", "lebm", "--set", f"data.name=npz:{tmp_path}/missing.npz"), "missing.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 this is not a zip archive")
    _assert_user_error(run_cli("train", "lebm", "--set", f"data.name=npz:{bad}"), "bad.npz")
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, x=np.zeros((4, 8, 8), dtype=np.float64))
    _assert_user_error(run_cli("train", "lebm", "--set", f"data.name=npz:{wrong}"), "uint8")
    _assert_user_error(run_cli("train", "lebm", "--set", "data.name=imagenet"), "Unknown dataset 'imagenet'")


def test_reusing_an_output_folder_is_refused(tiny_run):
    _assert_user_error(run_cli("train", "lebm", *TINY, "--out", str(tiny_run)), "already holds a run", "--resume")
