"""Two-process gloo DDP through torchrun: both ranks end with identical weights; rank 0 alone writes the run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent


def _torchrun(*args, cwd):
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", *args]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=1200,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_two_rank_weights_are_identical(tmp_path):
    _torchrun(str(HERE / "ddp_worker.py"), str(tmp_path), cwd=tmp_path)
    a, b = (torch.load(tmp_path / f"rank{r}.pt", weights_only=True) for r in (0, 1))
    assert a["final"].keys() == b["final"].keys()
    assert all(torch.equal(a["final"][k], b["final"][k]) for k in a["final"])
    assert not all(torch.equal(a["final"][k], a["initial"][k]) for k in a["final"])  # training moved them


def test_cli_under_torchrun_writes_one_run(tmp_path):
    proc = _torchrun("-m", "inferlab", "train", "lebm", "--preset", "tiny", "--device", "cpu", "--no-progress",
                     "--out", "run", "--set", "train.steps=6", "train.log_every=2", "eval.samples=64", cwd=tmp_path)
    printed = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(printed) == 1 and printed[0]["step"] == 6  # only rank 0 reports
    steps = [json.loads(line)["step"] for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert steps.count(2) == 1  # one writer
    assert (tmp_path / "run" / "checkpoints" / "last.pt").exists()
