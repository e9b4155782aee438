"""Scene folders: graph.json + safetensors round trip (same renders, no pickle) and clear errors for bad folders."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
import torch

from inferlab.data.scenes3d import Intrinsics, generate_scene, ring_poses
from inferlab.errors import UserError
from inferlab.methods.assist.config import FieldConfig
from inferlab.methods.assist.data import graph_from_scene
from inferlab.methods.assist.render import render_frame
from inferlab.methods.assist.store import load_scene, read_meta, save_scene

INTR = Intrinsics.from_fov(12, 10, 45.0)


@pytest.fixture
def saved(tmp_path):
    torch.manual_seed(0)
    scene = generate_scene(np.random.default_rng(0), n_objects=3)
    graph = graph_from_scene(scene, FieldConfig(resolution=4, channels=2, hidden=4, ground_resolution=8))
    graph = graph.transform(2, rotate_deg=30.0, scale=1.5)
    save_scene(graph, tmp_path / "s", meta={"camera": {"radius": 5.0}})
    return graph, tmp_path / "s"


def test_round_trip_renders_the_same_without_pickle(saved, monkeypatch):
    graph, folder = saved

    def no_pickle(*args, **kwargs):
        raise AssertionError("pickle used")

    monkeypatch.setattr(pickle, "load", no_pickle)
    monkeypatch.setattr(pickle, "loads", no_pickle)
    monkeypatch.setattr(torch, "load", no_pickle)
    loaded = load_scene(folder)
    assert sorted(p.name for p in (folder / "fields").iterdir()) == [f"node_{i}.safetensors" for i in range(4)]
    assert [(n.node_id, n.class_name, n.colour) for n in loaded.objects()] == \
        [(n.node_id, n.class_name, n.colour) for n in graph.objects()]
    assert np.allclose(loaded.get(2).transform, graph.get(2).transform)
    assert torch.equal(loaded.get(1).feature, graph.get(1).feature)
    a, b = render_frame(graph, INTR, ring_poses(2)[0]), render_frame(loaded, INTR, ring_poses(2)[0])
    assert np.array_equal(a.rgb, b.rgb) and np.array_equal(a.instance, b.instance)
    assert read_meta(folder) == {"camera": {"radius": 5.0}}


def test_missing_folder_and_foreign_json(tmp_path):
    with pytest.raises(UserError, match="graph.json does not exist"):
        load_scene(tmp_path)
    (tmp_path / "graph.json").write_text(json.dumps({"objects": []}))
    with pytest.raises(UserError, match="is not an ASSIST scene"):
        load_scene(tmp_path)
    (tmp_path / "graph.json").write_text("{not json")
    with pytest.raises(UserError, match="not valid JSON"):
        load_scene(tmp_path)


def test_bad_weight_files_name_the_node_and_file(saved):
    _, folder = saved
    (folder / "fields" / "node_1.safetensors").write_bytes(b"garbage")
    with pytest.raises(UserError, match="node 1: cannot load .*node_1.safetensors"):
        load_scene(folder)
    (folder / "fields" / "node_1.safetensors").unlink()
    with pytest.raises(UserError, match="node_1.safetensors does not exist"):
        load_scene(folder)


def test_field_spec_not_matching_the_weights(saved):
    _, folder = saved
    doc = json.loads((folder / "graph.json").read_text())
    doc["nodes"][2]["field"]["resolution"] = 5
    (folder / "graph.json").write_text(json.dumps(doc))
    with pytest.raises(UserError, match="node 2: cannot load"):
        load_scene(folder)
    doc["nodes"][2]["field"]["kind"] = "octree"
    (folder / "graph.json").write_text(json.dumps(doc))
    with pytest.raises(UserError, match="Unknown field kind 'octree'"):
        load_scene(folder)
