"""A seeded LanMDP/GAIfO training run for the resume tests: the whole run and the split one start alike."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from inferlab.engine.distributed import DistContext
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import fit
from inferlab.methods.lanmdp import make_task


@pytest.fixture
def seeded_run():
    def train(cfg, run_dir, steps, resume=None):
        """(task, fit result) of `steps` updates of `cfg` at seed 0, resumed from `resume` if given."""
        seed_everything(0)
        task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
        seed_everything(0)
        result = fit(task, replace(cfg.train, steps=steps), seed=0, run_dir=run_dir, resume=resume, progress=False)
        return task, result
    return train
