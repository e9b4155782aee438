"""Persistent per-image chains: updated only for the batch, saved in checkpoints, bit-identical after kill -9."""

from dataclasses import replace

import torch

from cli_helpers import run_and_kill, run_cli
from inferlab.engine.checkpoint import load_checkpoint
from inferlab.engine.distributed import DistContext
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import fit
from inferlab.methods.drc import make_task
from inferlab.methods.drc.config import EvalConfig, tiny

SMALL = ["data.image_size=16", "data.n_train=24", "data.n_test=4", "data.n_unseen=4", "train.batch_size=4",
         "sampler.posterior_steps=2", "sampler.prior_steps=2", "sampler.infer_steps=2", "eval.samples=4"]


def small_config(steps: int):
    cfg = tiny()
    return replace(cfg, data=replace(cfg.data, image_size=16, n_train=24, n_test=4, n_unseen=4),
                   sampler=replace(cfg.sampler, posterior_steps=2, prior_steps=2, infer_steps=2),
                   eval=EvalConfig(samples=4, batch_size=4),
                   train=replace(cfg.train, steps=steps, batch_size=4, checkpoint_every=1, log_every=1))


def test_a_step_moves_only_the_batch_chains_and_a_checkpoint_restores_them(tmp_path):
    cfg = small_config(1)
    seed_everything(0)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    before = {k: v.clone() for k, v in task.chains.state_dict().items()}
    (tmp_path / "checkpoints").mkdir()
    fit(task, cfg.train, seed=0, run_dir=tmp_path, progress=False)
    for which in ("posterior", "prior"):
        moved = (task.chains.state_dict()[which] != before[which]).any(1)
        assert moved.sum().item() == cfg.train.batch_size  # one batch of images, each its own chain
    saved = load_checkpoint(tmp_path / "checkpoints" / "last.pt")["objects"]["chains"]
    fresh = make_task(cfg, torch.device("cpu"), DistContext(), 1)
    fresh.chains.load_state_dict(saved)
    assert all(torch.equal(fresh.chains.state_dict()[k], v) for k, v in task.chains.state_dict().items())


def _state(run_dir):
    state = torch.load(run_dir / "checkpoints" / "last.pt", weights_only=True)
    return state["step"], {f"{part}.{k}": v for part in ("model", "chains") for k, v in state["objects"][part].items()}


def test_sigkill_then_resume_continues_every_chain_bit_identically(tmp_path):
    args = ["train", "drc", "--preset", "tiny", "--no-progress", "--seed", "2", "--set", *SMALL, "train.steps=16",
            "train.checkpoint_every=2", "train.log_every=2"]
    run_cli(*args, "--out", str(tmp_path / "whole"), check=True)
    killed = tmp_path / "killed"
    run_and_kill(args, killed, at_step=4)
    assert 2 <= _state(killed)[0] < 16
    run_cli("train", "--resume", str(killed), "--no-progress", check=True)
    step_a, whole = _state(tmp_path / "whole")
    step_b, resumed = _state(killed)
    assert step_a == step_b == 16 and whole.keys() == resumed.keys()
    assert {"chains.posterior", "chains.prior"} <= whole.keys()
    assert all(torch.equal(whole[k], resumed[k]) for k in whole)


def test_posterior_langevin_moves_z_but_leaves_parameters_trainable_and_gradient_free():
    task = make_task(small_config(1), torch.device("cpu"), DistContext(), 0)
    flags = [p.requires_grad for p in task.model.parameters()]
    z0 = torch.randn(2, task.chains.state_dict()["posterior"].shape[1])
    z = task.infer(torch.rand(2, 3, 16, 16) * 2 - 1, z0, steps=3)
    assert not torch.equal(z, z0)
    assert any(flags) and [p.requires_grad for p in task.model.parameters()] == flags  # frozen only inside Langevin
    assert all(p.grad is None for p in task.model.parameters())
