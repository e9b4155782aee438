import random

import numpy as np
import pytest
import torch

from inferlab.engine.batching import EpochBatcher
from inferlab.engine.checkpoint import load_checkpoint, load_state_dicts, save_checkpoint
from inferlab.engine.seed import rng_state, seed_everything, set_rng_state
from inferlab.errors import UserError


def test_round_trip_loads_with_weights_only(tmp_path):
    net = torch.nn.Linear(3, 2)
    seed_everything(1)
    save_checkpoint(tmp_path / "c.pt", {"objects": {"net": net.state_dict()}, "rng": [rng_state()], "step": 4})
    state = torch.load(tmp_path / "c.pt", weights_only=True)
    assert state["step"] == 4 and torch.equal(state["objects"]["net"]["weight"], net.weight)
    assert list(tmp_path.iterdir()) == [tmp_path / "c.pt"]  # no temp file left behind


def test_rng_state_restores_every_generator():
    seed_everything(3)
    state = rng_state()
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    set_rng_state(state)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


def test_corrupt_and_missing_checkpoints_are_user_errors(tmp_path):
    with pytest.raises(UserError, match="No checkpoint at"):
        load_checkpoint(tmp_path / "none.pt")
    (tmp_path / "bad.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(UserError, match="corrupt or not an inferlab checkpoint"):
        load_checkpoint(tmp_path / "bad.pt")


def test_mismatched_weights_name_the_part(tmp_path):
    saved = {"net": torch.nn.Linear(3, 2).state_dict()}
    with pytest.raises(UserError, match=r"does not fit this model's 'net'"):
        load_state_dicts({"net": torch.nn.Linear(4, 2)}, saved, tmp_path / "x.pt")


def test_batcher_is_a_function_of_step_and_splits_ranks():
    a, b = EpochBatcher(10, 2, seed=5), EpochBatcher(10, 2, seed=5)
    assert [a.indices(s).tolist() for s in range(12)] == [b.indices(s).tolist() for s in range(12)]
    epoch0 = torch.cat([a.indices(s) for s in range(5)])
    assert sorted(epoch0.tolist()) == list(range(10))
    r0, r1 = EpochBatcher(10, 2, 5, rank=0, world_size=2), EpochBatcher(10, 2, 5, rank=1, world_size=2)
    assert set(r0.indices(0).tolist()).isdisjoint(r1.indices(0).tolist())
    with pytest.raises(UserError, match="needs at least 20 training samples"):
        EpochBatcher(10, 10, 0, world_size=2)
