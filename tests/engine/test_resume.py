"""kill -9 mid-run, resume, and end with the same weights as an uninterrupted run."""

import json
import signal

import torch

from cli_helpers import run_and_kill, run_cli, signal_at_step

ARGS = ["train", "lebm", "--preset", "tiny", "--no-progress", "--seed", "3", "--set", "train.steps=80",
        "train.checkpoint_every=10", "train.log_every=10", "eval.samples=200"]


def _weights(run_dir):
    state = torch.load(run_dir / "checkpoints" / "last.pt", weights_only=True)
    return state["step"], {f"{part}.{k}": v for part in ("generator", "prior")
                           for k, v in state["objects"][part].items()}


def test_sigkill_then_resume_is_bit_identical(tmp_path):
    run_cli(*ARGS, "--out", str(tmp_path / "whole"), check=True)

    killed = tmp_path / "killed"
    run_and_kill(ARGS, killed, at_step=20)
    step_at_kill, _ = _weights(killed)
    assert 10 <= step_at_kill < 80

    run_cli("train", "--resume", str(killed), "--no-progress", check=True)
    step_a, whole = _weights(tmp_path / "whole")
    step_b, resumed = _weights(killed)
    assert step_a == step_b == 80
    assert whole.keys() == resumed.keys()
    assert all(torch.equal(whole[k], resumed[k]) for k in whole)
    steps = [json.loads(line)["step"] for line in (killed / "metrics.jsonl").read_text().splitlines()]
    assert steps == sorted(steps), "the resumed log repeats or reorders steps"


def test_sigint_checkpoints_the_step_it_finished_and_resume_is_bit_identical(tmp_path):
    changes = {"train.checkpoint_every=10": "train.checkpoint_every=1000", "train.steps=80": "train.steps=40"}
    args = [changes.get(a, a) for a in ARGS]
    run_cli(*args, "--out", str(tmp_path / "whole"), check=True)

    stopped = tmp_path / "stopped"
    proc = signal_at_step(args, stopped, at_step=10, sig=signal.SIGINT)
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 130, err
    step_at_stop, _ = _weights(stopped)
    assert 10 <= step_at_stop < 40  # no periodic checkpoint before 1000: this one was written on SIGINT
    assert f"after step {step_at_stop}" in err and f"inferlab train --resume {stopped}" in err

    run_cli("train", "--resume", str(stopped), "--no-progress", check=True)
    step_a, whole = _weights(tmp_path / "whole")
    step_b, resumed = _weights(stopped)
    assert step_a == step_b == 40
    assert all(torch.equal(whole[k], resumed[k]) for k in whole)
