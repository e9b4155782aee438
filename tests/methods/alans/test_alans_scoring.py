"""ALANS's answer objectives (scoring.py) and the baselines (baselines.py): the official `mean` divergence, the
match probabilities, and every baseline's shapes and gradients."""

import pytest
import torch

from inferlab.methods.alans.baselines import SCL, CropCNN, WReN, with_candidate
from inferlab.methods.alans.scoring import jsd, match_probs, mean_divergence


def test_jsd_is_symmetric_bounded_and_zero_on_equal_distributions():
    p = torch.softmax(torch.randn(5, 7, generator=torch.Generator().manual_seed(0)), -1)
    q = torch.softmax(torch.randn(5, 7, generator=torch.Generator().manual_seed(1)), -1)
    assert torch.allclose(jsd(p, q), jsd(q, p)) and (jsd(p, q) > 0).all()
    assert jsd(p, p).abs().max() < 1e-5
    one_hot = torch.eye(7)
    assert torch.allclose(jsd(one_hot[0], one_hot[1]), torch.log(torch.tensor(2.0)), atol=1e-4)  # disjoint: log 2


def test_mean_divergence_weights_each_operator_and_ranks_the_predicted_candidate_first():
    eye = torch.eye(4)
    per_op = torch.stack([eye[1], eye[2]])[None]  # (1, 2 ops, 4): op 0 predicts value 1, op 1 value 2
    candidates = eye[[0, 1, 2, 3, 0, 1, 2, 3]][None]  # (1, 8, 4)
    dist = mean_divergence(per_op, torch.tensor([[0.9, 0.1]]), candidates)
    assert dist.shape == (1, 8) and dist[0].argmin() == 1  # value 1, the likelier operator's prediction
    assert torch.allclose(dist[0, 2], 0.9 * jsd(eye[1], eye[2]), atol=1e-5)
    slots = mean_divergence(per_op[:, :, None].expand(-1, -1, 3, -1), torch.tensor([[0.9, 0.1]]),
                            candidates[:, :, None].expand(-1, -1, 3, -1))
    assert torch.allclose(slots, dist, atol=1e-6)  # per-slot divergences are averaged over slots


def test_match_probabilities_prefer_the_predicted_value():
    pred = torch.tensor([[0.1, 0.8, 0.1]])
    cands = torch.eye(3)[[0, 1, 2, 1, 0, 2, 0, 2]][None]
    probs = match_probs(pred, cands)
    assert torch.allclose(probs.sum(-1), torch.ones(1)) and probs[0, 1] == probs.max()


def test_with_candidate_puts_each_candidate_after_the_context():
    f = torch.arange(16.0)[None, :, None]  # (1, 16, 1)
    x = with_candidate(f)
    assert x.shape == (1, 8, 9, 1) and x[0, 3, :, 0].tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 11]


@pytest.mark.parametrize("name", ["cnn", "wren", "scl"])
def test_baselines_score_eight_candidates_and_train(name):
    torch.manual_seed(0)
    if name == "cnn":
        model, inputs = CropCNN(4), (torch.rand(2, 16, 4, 1, 12, 12), torch.rand(4, 4))
    else:
        model = (WReN if name == "wren" else SCL)(4, 32)
        inputs = (torch.rand(2, 16, 1, 32, 32),)
    scores = model(*inputs)["scores"]
    assert scores.shape == (2, 8) and torch.isfinite(scores).all()
    torch.nn.functional.cross_entropy(scores, torch.tensor([0, 5])).backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in model.parameters() if p.requires_grad)


@pytest.mark.parametrize("variant", ["alans", "cnn", "wren", "scl"])
def test_every_variant_trains_and_evaluates_on_the_splits(variant):
    from dataclasses import replace

    from inferlab.methods.alans.config import tiny
    from inferlab.methods.alans.train import ALANSTask
    cfg = tiny()
    cfg = replace(cfg, data=replace(cfg.data, train_problems=8, image_size=32, crop_size=8, panel_size=32),
                  model=replace(cfg.model, variant=variant, channels=4),
                  eval=replace(cfg.eval, samples=4, val_samples=3))
    task = ALANSTask(cfg, torch.device("cpu"), seed=0)
    logs = task.train_step(torch.arange(4), step=0)
    assert 0 < logs["ce"] < 10
    metrics = task.evaluate()
    assert {"acc_iid", "acc_systematicity", "acc_productivity", "acc_localism", "acc_val"} <= set(metrics)
    assert metrics["score"] == 1.0 - metrics["acc_val"]  # choices are made on the validation draw
    assert ("generation_acc" in metrics) == (variant == "alans")


def test_unknown_answer_objective_is_a_user_error():
    from dataclasses import replace

    from inferlab.errors import UserError
    from inferlab.methods.alans.config import tiny
    from inferlab.methods.alans.train import ALANSTask
    cfg = tiny()
    with pytest.raises(UserError, match="model.answer='prob'.*mean, match"):
        ALANSTask(replace(cfg, model=replace(cfg.model, answer="prob")), torch.device("cpu"), seed=0)


def test_paper_preset_model_runs_with_the_official_matrix_size():
    from inferlab.methods.alans.config import paper
    from inferlab.methods.alans.model import ALANS
    m = paper().model
    assert (m.matrix_size, m.shared_matrices, m.answer) == (2, True, "mean")
    model = ALANS(4, m.matrix_size, m.reg, m.scale, m.op_scale, m.shared_matrices, m.answer)
    out = model(torch.rand(2, 16, 4, 1, 16, 16) * 2 - 1, (4,))
    assert out["scores"].shape == (2, 8) and torch.isfinite(out["scores"]).all()


def test_bench_tunes_the_learning_rate_on_the_validation_draw(tmp_path):
    from dataclasses import replace

    from inferlab.methods.alans.bench import _tuned
    from inferlab.methods.alans.config import tiny
    cfg = tiny()
    cfg = replace(cfg, data=replace(cfg.data, train_problems=8, image_size=32, crop_size=8, panel_size=32),
                  model=replace(cfg.model, channels=4), eval=replace(cfg.eval, samples=4, val_samples=3),
                  optim=replace(cfg.optim, lr_grid=(1e-3, 1e-2)),
                  train=replace(cfg.train, steps=2, batch_size=4, log_every=1, checkpoint_every=2))
    ((task, fit, run_dir), lr), sweep = _tuned(cfg, "cnn", torch.device("cpu"), 0, tmp_path)
    assert set(sweep) == {"acc_val_lr0.001", "acc_val_lr0.01"}
    assert sweep[f"acc_val_lr{lr:g}"] == max(sweep.values()) == fit.metrics["acc_val"]
    assert run_dir.name == f"cnn_lr{lr:g}" and task.opt.param_groups[0]["lr"] == lr
