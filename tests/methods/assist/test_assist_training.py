"""A short training run fits the views and separates the nodes; seeded runs repeat exactly."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from inferlab.engine.config import apply_overrides
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import fit
from inferlab.methods.assist.config import tiny
from inferlab.methods.assist.render import render_frame
from inferlab.methods.assist.train import ASSISTTask, instance_mask_loss

SMALL = ["scene.image_size=24", "scene.train_views=8", "scene.test_views=2", "field.resolution=8",
         "field.ground_resolution=64", "train.batch_size=256", "eval.samples=512"]


def _trained(steps: int, seed: int = 0, variant: str = "assist") -> tuple[ASSISTTask, dict]:
    cfg = apply_overrides(tiny(), [*SMALL, f"train.steps={steps}", f"variant={variant}"])
    seed_everything(seed)
    task = ASSISTTask(cfg, torch.device("cpu"), seed)
    seed_everything(seed)
    before = task.evaluate()["psnr"]
    result = fit(task, cfg.train, seed=seed, progress=False)
    return task, {"before": before, "after": result.metrics["psnr"]}


@pytest.fixture(scope="module")
def trained():
    return _trained(150)


def test_training_raises_psnr(trained):
    _, psnr = trained
    assert psnr["before"] < 15.0 and psnr["after"] > psnr["before"] + 5.0


def test_trained_nodes_give_the_true_panoptic_mask(trained):
    task, _ = trained
    views = task.views
    frame = render_frame(task.graph, views.intr, views.test_poses[0])
    truth = views.test[0].instance
    assert (frame.instance == truth).mean() > 0.95
    objects = truth > 0
    assert (frame.instance[objects] == truth[objects]).mean() > 0.8


def test_instance_mask_loss_is_the_cross_entropy_of_weight_shares():
    weights = torch.tensor([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]])
    loss = instance_mask_loss(weights, torch.tensor([1, 0]))
    assert loss.item() == pytest.approx(-(np.log(0.6 + 1e-6) + np.log(0.5 + 1e-6)) / 2, rel=1e-5)


def test_seeded_training_is_deterministic():
    (a, _), (b, _) = _trained(5, seed=3), _trained(5, seed=3)
    for (name, p), q in zip(a.fields.named_parameters(), b.fields.parameters()):
        assert torch.equal(p, q), name
    c, _ = _trained(5, seed=4)
    assert not torch.equal(next(a.fields.parameters()), next(c.fields.parameters()))


def test_single_field_baseline_trains_one_node_over_the_scene():
    task, psnr = _trained(20, variant="single_field")
    assert [n.node_id for n in task.graph.objects()] == [1] and task.samples == 32 * 4
    assert np.isfinite(psnr["after"]) and task.sample(2).shape == (2, 3, 32, 32)
