"""Node fields: output ranges, rebuilding from a spec, the hash encoding's indexing, the ground/sky background."""

from __future__ import annotations

import math

import pytest
import torch

from inferlab.errors import UserError
from inferlab.methods.assist.fields import GroundSkyField, HashGridField, make_field

SPECS = [{"kind": "grid", "resolution": 6, "channels": 4, "hidden": 8}, {"kind": "voxel", "resolution": 6},
         {"kind": "hash", "resolution": 16, "levels": 3, "table_log2": 8, "hidden": 8},
         {"kind": "mlp", "frequencies": 2, "hidden": 8, "layers": 2}]


@pytest.mark.parametrize("spec", SPECS, ids=[s["kind"] for s in SPECS])
def test_fields_give_densities_and_colours_and_rebuild_from_their_spec(spec):
    torch.manual_seed(0)
    field = make_field(spec)
    u = torch.rand(50, 3) * 2 - 1
    sigma, rgb = field(u)
    assert sigma.shape == (50,) and rgb.shape == (50, 3)
    assert (sigma >= 0).all() and ((rgb >= 0) & (rgb <= 1)).all()
    (sigma.sum() + rgb.sum()).backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in field.parameters())
    twin = make_field(field.spec)
    twin.load_state_dict(field.state_dict())
    assert torch.equal(twin(u)[0], sigma.detach())


def test_hash_levels_index_inside_their_tables():
    field = HashGridField(resolution=32, levels=4, table_log2=10)
    assert field.resolutions == [4, 8, 16, 32]
    corners = torch.tensor([[0, 0, 0], [9, 9, 9], [31, 31, 31], [31, 0, 5]])
    assert field._index(corners[:2], 10).tolist() == [0, 999]  # 10^3 <= 1024 vertices: direct indexing
    hashed = field._index(corners, 32)
    assert ((hashed >= 0) & (hashed < 1024)).all() and len(set(hashed.tolist())) == 4


def test_ground_and_sky():
    bg = GroundSkyField(resolution=8, inner_radius=2.0)
    o = torch.tensor([[0.0, 0.0, 2.0], [0.0, 0.0, 2.0], [0.0, 0.0, -1.0]])
    d = torch.tensor([[0.6, 0.0, -0.8], [0.0, 0.0, 1.0], [0.0, 0.0, -1.0]])
    t, rgb, hit = bg(o, d)
    assert hit.tolist() == [True, False, False] and t[0].item() == pytest.approx(2.5) and math.isinf(t[1].item())
    assert rgb.shape == (3, 3) and torch.allclose(rgb, torch.full((3, 3), 0.5))  # untrained: sigmoid(0)
    far = bg.contract(torch.tensor([[1.0, 0.0], [4.0, -4.0], [1e6, 0.0]]))
    assert far.flatten().tolist() == pytest.approx([0.25, 0.0, 0.75, -0.75, 1.0, 0.0], abs=1e-5)


def test_unknown_kind_or_key():
    with pytest.raises(UserError, match="Unknown field kind 'octree'; allowed: grid, voxel, hash, mlp"):
        make_field({"kind": "octree"})
    with pytest.raises(UserError, match="Bad field spec"):
        make_field({"kind": "grid", "depth": 3})
