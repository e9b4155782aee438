"""Run folders are never lost or left unusable: refused commands leave every file as it was, a start that failed
before its first checkpoint can be started again, torn or stale files from a kill are handled, and config.json
keeps one history entry per invocation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from inferlab.cli import main
from inferlab.engine.checkpoint import load_checkpoint
from inferlab.engine.task import TrainTask
from inferlab.engine.trainer import TrainConfig, fit
from inferlab.errors import DivergenceError, UserError

STEPS = ["train.steps=4", "train.log_every=2", "train.checkpoint_every=2", "eval.samples=100"]
TRAIN = ["train", "lebm", "--no-progress", "--set", *STEPS]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _err(capsys) -> str:
    return capsys.readouterr().err


@pytest.fixture
def run(tmp_path, capsys) -> Path:
    out = tmp_path / "run"
    assert main([*TRAIN, "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def test_refused_resumes_leave_the_run_folder_as_it_was(run, capsys):
    before = _snapshot(run)
    assert main(["train", "--resume", str(run), "--set", "model.latent_dim=8", "train.steps=6"]) == 2
    assert "does not fit this model's" in _err(capsys)
    assert main(["train", "--resume", str(run), "--set", "train.steps=3"]) == 2
    assert "checkpoint is at step 4 and train.steps=3" in _err(capsys)
    assert main(["train", "--resume", str(run), "--set", "optim.generator_lr=-1"]) == 2
    assert _snapshot(run) == before
    assert main(["eval", str(run)]) == 0  # still usable


def test_resume_keeps_the_first_provenance_and_appends_history(run, capsys):
    first = json.loads((run / "config.json").read_text())
    assert main(["train", "--resume", str(run), "--no-progress", "--set", "train.steps=6"]) == 0
    meta = json.loads((run / "config.json").read_text())
    assert meta["provenance"] == first["provenance"] and len(meta["history"]) == 2
    assert meta["history"][0] == first["history"][0]
    latest = meta["history"][1]
    assert "--resume" in latest["command"] and latest["threads"] == torch.get_num_threads()
    assert {"time", "git_commit", "git_dirty", "torch", "inferlab", "python"} <= latest.keys()
    assert meta["config"]["train"]["steps"] == 6


def test_a_start_that_fails_before_its_first_checkpoint_can_be_started_again(tmp_path, capsys):
    out = tmp_path / "run"
    assert main([*TRAIN, "sampler.posterior_step_size=1e6", "--out", str(out)]) == 1
    err = _err(capsys)
    assert "no checkpoint was written" in err and "last good state" not in err
    assert (out / "config.json").is_file() and not (out / "checkpoints" / "last.pt").exists()
    assert main(["train", "--resume", str(out), "--no-progress", "--set", "sampler.posterior_step_size=0.1"]) == 0
    assert load_checkpoint(out / "checkpoints" / "last.pt")["step"] == 4
    (out / "checkpoints" / "last.pt").unlink()  # as the corrupt-checkpoint message advises
    assert main([*TRAIN, "--out", str(out)]) == 0  # --out works too: the folder holds no checkpoint


def test_divergence_after_a_checkpoint_names_the_step_it_kept(tmp_path, capsys):
    out = tmp_path / "run"
    assert main([*TRAIN, "--out", str(out)]) == 0
    _err(capsys)
    assert main(["train", "--resume", str(out), "--no-progress", "--set", "train.steps=8",
                 "sampler.posterior_step_size=1e6"]) == 1
    assert "last.pt holds step 4" in _err(capsys)
    assert load_checkpoint(out / "checkpoints" / "last.pt")["step"] == 4


def test_torn_log_line_stale_temp_files_and_empty_checkpoint(run, capsys):
    with (run / "metrics.jsonl").open("a") as f:
        f.write('{"step": 5, "kind": "tr')  # kill -9 in the middle of a write
    stale = run / "checkpoints" / "last.pt.abc123.tmp"
    stale.write_bytes(b"half a checkpoint")
    assert main(["train", "--resume", str(run), "--no-progress", "--set", "train.steps=6"]) == 0
    rows = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows if r["kind"] == "train"] == [2, 4, 6] and not stale.exists()
    (run / "checkpoints" / "last.pt").write_bytes(b"")
    assert main(["eval", str(run)]) == 2
    err = _err(capsys)
    assert "corrupt" in err and "best.pt" in err and "weights_only" not in err


def test_foreign_folders_and_files_are_refused(tmp_path, capsys):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("my own file")
    assert main([*TRAIN, "--out", str(mine)]) == 2
    assert "holds no inferlab run" in _err(capsys) and _snapshot(mine) == {"notes.txt": b"my own file"}


def test_a_failing_bench_leaves_the_earlier_results(tmp_path, capsys):
    old = tmp_path / "old"
    assert main(["bench", "lebm", "--out", str(old), "--set", "train.steps=2", "eval.samples=100",
                 "train.log_every=1"]) == 0
    before = _snapshot(old)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not an npz")
    assert main(["bench", "lebm", "--out", str(old), "--set", f"data.name=npz:{garbage}"]) == 2
    assert "garbage.npz" in _err(capsys)
    assert _snapshot(old) == before and sorted(p.name for p in tmp_path.iterdir()) == ["garbage.npz", "old"]


class _Exploding(TrainTask):
    """One weight that becomes infinite at the second step."""

    def __init__(self) -> None:
        self.data = torch.zeros(8, 1)
        self.net = torch.nn.Linear(1, 1)

    def state_objects(self) -> dict:
        return {"net": self.net}

    def train_step(self, batch, step):
        with torch.no_grad():
            self.net.weight.fill_(np.inf if step == 1 else 1.0)
        return {}

    def evaluate(self) -> dict:
        return {"score": 0.0}

    def sample(self, n):
        return torch.zeros(n, 1)


def test_non_finite_weights_are_never_checkpointed(tmp_path):
    (tmp_path / "checkpoints").mkdir()
    cfg = TrainConfig(steps=4, batch_size=4, log_every=1, checkpoint_every=1)
    with pytest.raises(DivergenceError, match=r"net\.weight after step 2.*last\.pt holds step 1"):
        fit(_Exploding(), cfg, seed=0, run_dir=tmp_path, progress=False)
    assert load_checkpoint(tmp_path / "checkpoints" / "last.pt")["step"] == 1


def test_assist_build_refuses_to_overwrite_a_scene(tmp_path):
    from inferlab.methods.assist.store import build_demo_scene

    scene = tmp_path / "scene"
    scene.mkdir()
    (scene / "graph.json").write_text("{}")
    with pytest.raises(UserError, match="--overwrite"):
        build_demo_scene(scene, progress=False)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "a.txt").write_text("x")
    with pytest.raises(UserError, match="holds no scene"):
        build_demo_scene(tmp_path / "mine", progress=False)
    assert (scene / "graph.json").read_text() == "{}"


def test_wrong_types_in_a_runs_config_json_name_the_file_and_key(run, capsys):
    meta = json.loads((run / "config.json").read_text())
    for section, key, value in (("model", "latent_dim", "4"), ("optim", "generator_lr", None),
                                ("sampler", "noise", 1), ("model", "latent_dim", -2)):
        bad = json.loads(json.dumps(meta))
        bad["config"][section][key] = value
        (run / "config.json").write_text(json.dumps(bad))
        assert main(["eval", str(run)]) == 2
        err = _err(capsys)
        assert "config.json" in err and f"{section}.{key}" in err, err
    bad = json.loads(json.dumps(meta))
    bad["config"]["model"] = 3
    (run / "config.json").write_text(json.dumps(bad))
    assert main(["train", "--resume", str(run)]) == 2 and "model must be an object" in _err(capsys)
