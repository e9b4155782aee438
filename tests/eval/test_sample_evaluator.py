import numpy as np
import pytest
import torch

from inferlab.data.registry import load_dataset
from inferlab.data.toy2d import toy2d_modes
from inferlab.eval import sample_metrics
from inferlab.eval.mmd import mmd_rbf
from inferlab.eval.sample_metrics import SampleEvaluator


def test_toy_mmd_uses_the_first_samples_and_modes_use_all(monkeypatch):
    monkeypatch.setattr(sample_metrics, "MMD_MAX_SAMPLES", 500)
    train = load_dataset("toy2d:25gaussians", n=1000, seed=0, split="train")
    evaluator = SampleEvaluator("toy2d:25gaussians", train, n=1000, seed=0)
    centers, std = toy2d_modes("25gaussians")
    rng = np.random.default_rng(0)
    head = centers[0] + 0.5 * std * rng.normal(size=(500, 2))  # all on one mode
    tail = np.repeat(centers[1:], 20, axis=0) + 0.5 * std * rng.normal(size=(480, 2))  # 20 on each other mode
    samples = torch.tensor(np.concatenate([head, tail]), dtype=torch.float32)
    out = evaluator.evaluate(samples)
    assert out["modes_covered"] == 25  # min_count = ceil(0.01 * 980 / 25) = 1
    assert out["mmd"] == pytest.approx(mmd_rbf(samples[:500], evaluator.reference[:500]))
    assert out["mmd"] > 0.1  # one mode against 25: the head alone is far from the data
