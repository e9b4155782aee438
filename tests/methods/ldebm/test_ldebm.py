from dataclasses import replace

import numpy as np
import pytest
import torch

from inferlab.cli import main
from inferlab.engine.checkpoint import load_checkpoint
from inferlab.engine.distributed import DistContext
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import fit
from inferlab.methods.ldebm import make_task
from inferlab.methods.ldebm.bench import variant_config
from inferlab.methods.ldebm.config import tiny_toy
from inferlab.methods.ldebm.objective import cyclic_kl_schedule, entropy_term, gaussian_kl_term


def _small_toy(steps: int, **train):
    cfg = tiny_toy()
    return replace(cfg, data=replace(cfg.data, toy_n=300),
                   diffusion=replace(cfg.diffusion, langevin_steps=3),
                   train=replace(cfg.train, steps=steps, batch_size=100, log_every=1, **train),
                   eval=replace(cfg.eval, samples=100))


def test_pseudo_labels_are_recomputed_each_epoch_and_survive_resume(tmp_path):
    cfg = _small_toy(6, checkpoint_every=4)  # 3 updates per epoch: clustering at steps 0 and 3
    seed_everything(0)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    seen = []
    for step in range(6):
        task.train_step(torch.arange(step % 3 * 100, step % 3 * 100 + 100), step)
        seen.append((int(task.clusters.epoch), task.clusters.labels.clone(), task.clusters.order.clone()))
    assert [e for e, _, _ in seen] == [0, 0, 0, 1, 1, 1]
    assert set(seen[0][1].tolist()) <= set(range(cfg.model.classes)) and len(set(seen[0][1].tolist())) > 1
    assert not torch.equal(seen[2][2], seen[3][2])  # a new epoch draws a new item order
    (tmp_path / "run" / "checkpoints").mkdir(parents=True)
    seed_everything(0)
    first = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    seed_everything(0)
    fit(first, replace(cfg.train, steps=4), seed=0, run_dir=tmp_path / "run", progress=False)
    saved = load_checkpoint(tmp_path / "run" / "checkpoints" / "last.pt")
    assert torch.equal(saved["objects"]["clusters"]["labels"], first.clusters.labels)
    seed_everything(0)
    resumed = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    seed_everything(0)
    fit(resumed, cfg.train, seed=0, run_dir=tmp_path / "run", resume=saved, progress=False)
    assert int(resumed.clusters.epoch) == 1
    seed_everything(0)
    straight = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    seed_everything(0)
    fit(straight, cfg.train, seed=0, progress=False)
    assert torch.equal(resumed.clusters.labels, straight.clusters.labels)
    assert torch.equal(resumed.clusters.order, straight.clusters.order)
    assert all(torch.equal(a, b) for a, b in zip(resumed.prior.state_dict().values(),
                                                  straight.prior.state_dict().values()))


def test_label_sampling_choices_set_the_epoch_item_order():
    orders = {}
    for choice in ("official", "balanced", "none"):
        cfg = _small_toy(3)
        cfg = replace(cfg, loss=replace(cfg.loss, label_sampling=choice))
        seed_everything(0)
        task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
        task._recluster(0, 5)
        labels, orders[choice] = task.clusters.labels, task.clusters.order
        assert orders[choice].shape == (300,) and set(orders[choice].tolist()) <= set(range(300))
    assert torch.equal(orders["none"], torch.arange(300))
    # official: the balanced draws read from the items sorted by pseudo-label (the official loop's data set)
    by_label = torch.from_numpy(np.argsort(labels.numpy(), kind="stable"))
    assert torch.equal(orders["official"], by_label[orders["balanced"]])
    counts = torch.bincount(labels[orders["balanced"]], minlength=10)
    assert counts[counts > 0].min() >= 0.8 * 300 / int((counts > 0).sum())  # evenly over the clusters


@pytest.mark.parametrize("label", ["ldebm", "svebm_ib", "vae"])
def test_each_variant_trains_and_reports_toy_metrics(label):
    cfg = variant_config(_small_toy(3), label)
    seed_everything(0)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    result = fit(task, cfg.train, seed=0, progress=False)
    assert {"toy_nmi", "toy_purity", "toy_mmd"} <= result.metrics.keys()
    assert 0.0 <= result.metrics["toy_nmi"] <= 1.0 and 0.1 <= result.metrics["toy_purity"] <= 1.0
    assert task.sample(7).shape == (7, 2)
    assert (task.classify(torch.zeros(4, 2)) is None) == (label == "vae")
    if label == "svebm_ib":  # the official synthetic_pinwell.py settings, not LDEBM's
        assert (cfg.loss.mi_weight, cfg.loss.cls_weight, cfg.svebm.prior_steps) == (15.0, 0.0, 100)
        assert not task.clustering and task.prior.gaussian_kl
        assert not any("parametrizations" in n for n, _ in task.prior.named_parameters())


def test_cyclic_kl_schedule_is_zero_then_rises_then_holds_each_cycle():
    w = cyclic_kl_schedule(40, 2, 0.5)  # periods of 20: 10 zeros, a rise of 0.1 per update over 5, then 0.5
    assert w[:11].tolist() == [0.0] * 11 and w[11:15] == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert w[15:20].tolist() == [0.5] * 5 and w[20:31].tolist() == [0.0] * 11 and w[-1] == 0.5
    assert cyclic_kl_schedule(7, 0, 0.3).tolist() == [0.3] * 7


def test_gaussian_kl_is_zero_at_the_prior_and_free_bits_drop_small_dimensions():
    assert float(gaussian_kl_term(torch.zeros(3, 2), torch.zeros(3, 2), None)) == 0.0
    mu, log_var = torch.tensor([[2.0, 1.0]]), torch.zeros(1, 2)  # per-dimension KL 2.0 and 0.5
    assert float(gaussian_kl_term(mu, log_var, None)) == pytest.approx(2.5)
    assert float(gaussian_kl_term(mu, log_var, 1.0)) == pytest.approx(2.0)


def test_free_bits_mask_drops_dimensions_below_the_target():
    log_var = torch.tensor([[-5.0, 0.0]])  # per-dimension terms 2.0 and -0.5
    assert float(entropy_term(log_var, None)) == pytest.approx(1.5)
    assert float(entropy_term(log_var, 1.0)) == pytest.approx(2.0)


def test_text_run_samples_sentences_per_class_from_the_cli(tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "ldebm", "--out", str(run), "--set", "train.steps=3", "data.text_n=200",
                 "train.batch_size=32", "eval.samples=20", "eval.nll_sentences=5", "eval.importance_samples=2",
                 "diffusion.langevin_steps=2"]) == 0
    capsys.readouterr()
    assert main(["sample", str(run), "-n", "12", "--out", str(tmp_path / "s.png")]) == 0
    written = (tmp_path / "s.txt").read_text()
    assert written.startswith("class ") and "samples):" in written
    out = capsys.readouterr().out
    assert written in out and str(tmp_path / "s.txt") in out
