"""Every registered method: its tiny preset trains a few steps, evaluates, samples; its bench runs end to end."""

import json
from dataclasses import replace

import pytest
import torch

from cli_helpers import run_cli
from inferlab.engine.checkpoint import load_checkpoint
from inferlab.engine.config import apply_overrides
from inferlab.engine.distributed import DistContext
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import fit
from inferlab.methods.registry import METHODS, get_method, method_names


SMOKE_SIZES = {
    "alans": ["data.train_problems=64", "eval.val_samples=20"],
    "assist": ["scene.train_views=8", "eval.samples=256"],
    "damc": ["eval.reference_steps=20"],
    "drc": ["sampler.infer_steps=10"],
    "emd": ["eval.toy_samples=200"],
    "halma": ["env.train_spaces=16", "eval.samples=8"],
    "ldebm": ["data.text_n=400"],
    "lpt": ["data.episodes=20", "eval.samples=10"],
    "sketch": ["data.pretrain_instances=2", "pretrain.encoder_steps=5", "pretrain.sender_steps=5",
               "eval.classifier_steps=20", "eval.samples=30"],
}
"""Per-method sizes (data, pretraining, evaluation) the smoke tests shrink beyond train.steps, so that every method
runs end to end in seconds; the code paths are the tiny preset's (e.g. RAVEN generation, sketch pretraining, the
long-run reference posterior), only fewer items go through them."""


def smoke_config(name: str):
    return apply_overrides(get_method(name).presets["tiny"](), SMOKE_SIZES.get(name, []))


@pytest.mark.parametrize("name", method_names())
def test_tiny_preset_trains_evaluates_and_samples(name):
    spec = get_method(name)
    cfg = smoke_config(name)
    cfg = replace(cfg, train=replace(cfg.train, steps=3, log_every=1))
    seed_everything(0)
    task = spec.make_task(cfg, torch.device("cpu"), DistContext(), 0)
    result = fit(task, cfg.train, seed=0, progress=False)
    assert result.step == 3 and "score" in result.metrics
    assert torch.isfinite(task.sample(8)).all()


@pytest.mark.parametrize("name", method_names())
def test_bench_prints_the_contract_json(name, tmp_path):
    proc = run_cli("bench", name, "--json", "--out", str(tmp_path / "b"), "--set", "train.steps=4",
                   "eval.samples=100", *SMOKE_SIZES.get(name, []), timeout=1200, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"method", "preset", "seed", "device", "seconds", "metrics", "baselines", "notes"} <= result.keys()
    spec = get_method(name)
    assert set(result["baselines"]) == set(spec.baselines)
    for metrics in [result["metrics"], *result["baselines"].values()]:
        # a metric that could not be measured (NaN, e.g. acc_res when no path was accepted) is written as null
        assert all(v is None or isinstance(v, (int, float)) for v in metrics.values())
    for fig in result["figures"]:
        assert (tmp_path / "b" / fig).is_file()
    headline = METHODS[name].headline[0]  # the demo report's summary compares it with the best baseline's
    assert headline in result["metrics"] and any(headline in b for b in result["baselines"].values())
    assert isinstance(result["metrics"][headline], (int, float))


@pytest.mark.parametrize("name", method_names())
def test_resume_from_a_checkpoint_retraces_the_uninterrupted_run(name, tmp_path):
    spec = get_method(name)
    base = smoke_config(name)
    cfg = replace(base, train=replace(base.train, steps=4, checkpoint_every=2, log_every=1))

    def train(run_dir, steps, resume=None):
        seed_everything(0)
        task = spec.make_task(cfg, torch.device("cpu"), DistContext(), 0)
        seed_everything(0)
        fit(task, replace(cfg.train, steps=steps), seed=0, run_dir=run_dir, resume=resume, progress=False)
        return {f"{part}.{k}": v for part, obj in task.state_objects().items() if isinstance(obj, torch.nn.Module)
                for k, v in obj.state_dict().items()}

    for d in ("whole", "split"):
        (tmp_path / d / "checkpoints").mkdir(parents=True)
    whole = train(tmp_path / "whole", 4)
    train(tmp_path / "split", 2)
    resumed = train(tmp_path / "split", 4, resume=load_checkpoint(tmp_path / "split" / "checkpoints" / "last.pt"))
    assert whole.keys() == resumed.keys() and all(torch.equal(whole[k], resumed[k]) for k in whole)
