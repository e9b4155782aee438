"""LEBM behaviour: divergence stops training with the last good checkpoint intact; seeded runs repeat."""

import hashlib
import json
from dataclasses import replace

import pytest
import torch

from cli_helpers import run_cli
from inferlab.engine.distributed import DistContext
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import fit
from inferlab.errors import DivergenceError
from inferlab.methods.lebm import make_task
from inferlab.core.latent_model import build_latent_model
from inferlab.methods.lebm.config import paper, tiny


def _tiny(steps=6, **sampler):
    cfg = tiny()
    return replace(cfg, train=replace(cfg.train, steps=steps, batch_size=50, log_every=2, checkpoint_every=2),
                   sampler=replace(cfg.sampler, **sampler), eval=replace(cfg.eval, samples=100))


def _train(cfg, seed=0):
    seed_everything(seed)
    task = make_task(cfg, torch.device("cpu"), DistContext(), seed)
    fit(task, cfg.train, seed=seed, progress=False)
    return task


def test_seeded_runs_are_identical_and_seeds_differ():
    a, b, c = _train(_tiny()), _train(_tiny()), _train(_tiny(), seed=1)
    sa, sb, sc = (t.model.state_dict() for t in (a, b, c))
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)


def test_training_lowers_the_reconstruction_energy():
    task = _train(_tiny(steps=60))
    fresh = make_task(_tiny(), torch.device("cpu"), DistContext(), 0)
    x = task.data[:100]
    torch.manual_seed(0)
    _, trained = task.model.sample_posterior(x, steps=20, step_size=0.1)
    torch.manual_seed(0)
    _, untrained = fresh.model.sample_posterior(x, steps=20, step_size=0.1)
    assert trained.energy_end < 0.7 * untrained.energy_end


def test_divergence_stops_with_last_good_checkpoint(tmp_path):
    run = tmp_path / "run"
    run_cli("train", "lebm", "--preset", "tiny", "--no-progress", "--out", str(run), "--set", "train.steps=4",
            "train.checkpoint_every=2", "eval.samples=100", check=True)
    last = run / "checkpoints" / "last.pt"
    before = hashlib.sha256(last.read_bytes()).hexdigest()
    proc = run_cli("train", "--resume", str(run), "--no-progress", "--set", "train.steps=10",
                   "sampler.prior_step_size=100")
    assert proc.returncode == 1
    assert "training iteration 5, prior Langevin, step" in proc.stderr and "Traceback" not in proc.stderr
    assert "last good state" in proc.stderr
    assert hashlib.sha256(last.read_bytes()).hexdigest() == before
    assert torch.load(last, weights_only=True)["step"] == 4
    errors = [json.loads(r) for r in (run / "metrics.jsonl").read_text().splitlines() if '"error"' in r]
    assert errors and errors[-1]["where"].startswith("prior Langevin")


def test_divergence_error_in_process():
    with pytest.raises(DivergenceError, match="posterior Langevin"):
        _train(_tiny(posterior_step_size=50.0))


def test_bench_reports_fd_for_both_and_the_overhead_ratio(tmp_path):
    proc = run_cli("bench", "lebm", "--json", "--out", str(tmp_path / "b"), "--set", "train.steps=5",
                   "eval.samples=100", check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    lebm, abp = result["metrics"], result["baselines"]["abp"]
    assert lebm["fd"] > 0 and abp["fd"] > 0 and lebm["fd_floor"] == abp["fd_floor"] < lebm["fd"]
    assert lebm["overhead_ratio"] > 0 and lebm["seconds_per_iter"] > 0  # speeds are reported, not judged here
    assert {"toy_mmd", "toy_modes_covered", "toy_hq_ratio"} <= lebm.keys() & abp.keys()
    assert (tmp_path / "b" / "toy_samples.png").is_file()


def test_paper_generator_draws_transposed_conv_weights_by_xavier_normal():
    torch.manual_seed(0)
    model = paper().model
    for init, expect_xavier in (("xavier", True), ("default", False)):
        convs = [m for m in build_latent_model(replace(model, generator_init=init), (3, 32, 32)).generator.modules()
                 if isinstance(m, torch.nn.ConvTranspose2d)]
        assert len(convs) == 4
        for conv in convs:
            fan_in, fan_out = torch.nn.init._calculate_fan_in_and_fan_out(conv.weight)
            ratio = conv.weight.std().item() / (2.0 / (fan_in + fan_out)) ** 0.5
            assert (abs(ratio - 1) < 0.05) == expect_xavier, (init, conv, ratio)
