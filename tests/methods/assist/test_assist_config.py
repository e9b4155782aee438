"""Config checks: out-of-range values are refused with the key named; so are data-parallel runs."""

from __future__ import annotations

import pytest

from inferlab.engine.config import apply_overrides
from inferlab.engine.distributed import DistContext
from inferlab.errors import UserError
from inferlab.methods.assist.config import PRESETS
from inferlab.methods.assist.train import make_task


@pytest.mark.parametrize("override,message", [
    ("scene.n_objects=0", "scene.n_objects=0: it must be >= 1"),
    ("scene.image_size=2", "scene.image_size=2: it must be >= 4"),
    ("scene.elevation_min=70", "need 0 <= elevation_min <= elevation_max < 90"),
    ("field.resolution=1", "field.resolution=1: it must be >= 2"),
    ("render.samples_per_node=0", "render.samples_per_node=0: it must be >= 1"),
    ("field.kind=octree", "field.kind must be one of grid, voxel, hash, mlp"),
])
def test_bad_values_name_the_key(override, message):
    with pytest.raises(UserError, match=message):
        apply_overrides(PRESETS["tiny"](), [override])


def test_presets_build():
    assert {name: make().variant for name, make in PRESETS.items()} == {"tiny": "assist", "paper": "assist"}


def test_data_parallel_runs_are_refused():
    with pytest.raises(UserError, match="assist trains in one process, but torchrun started 2"):
        make_task(PRESETS["tiny"](), None, DistContext(rank=0, world_size=2), 0)
