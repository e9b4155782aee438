"""JSON edits: validation messages, each op on the graph, cross-scene add/swap from a folder, and agreement with the
same edits on the generator's true scene."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from inferlab.data.scenes3d import generate_scene
from inferlab.errors import UserError
from inferlab.methods.assist.bench import scripted_edits
from inferlab.methods.assist.config import FieldConfig
from inferlab.methods.assist.data import graph_from_scene
from inferlab.methods.assist.edits import apply_edit, apply_edits, edit_ground_truth, load_edits
from inferlab.methods.assist.store import save_scene

SMALL = FieldConfig(resolution=4, channels=2, hidden=4, ground_resolution=8, box_margin=0.0)


@pytest.mark.parametrize("edit,message", [
    ({"id": 1}, 'must be an object with an "op"'),
    ({"op": "explode", "id": 1}, "unknown op 'explode'; allowed ops: delete, duplicate, transform, swap, add, vis"),
    ({"op": "visibility", "id": 1, "visible": "no"}, "'visible' must be true or false"),
    ({"op": "duplicate"}, "op 'duplicate' needs key\\(s\\) id"),
    ({"op": "delete", "id": 1, "colour": "red"}, "unknown key\\(s\\) colour; allowed: id"),
    ({"op": "delete", "id": "1"}, "'id' must be a whole-number node id"),
    ({"op": "transform", "id": 1, "translate": [1, 2]}, "'translate' must be a list of 3 numbers"),
    ({"op": "transform", "id": 1, "scale": "big"}, "'scale' must be a number"),
])
def test_bad_edits_name_the_problem(graph, tmp_path, edit, message):
    with pytest.raises(UserError, match=message):
        apply_edit(graph, edit, base_dir=tmp_path)


def test_each_op_on_the_graph(graph, tmp_path):
    g, new_id = apply_edit(graph, {"op": "duplicate", "id": 1, "offset": [0, 1, 0]}, base_dir=tmp_path)
    assert new_id == 4 and g.position(4).tolist() == [-1.0, 1.0, 0.5]
    g, none = apply_edit(g, {"op": "transform", "id": 4, "translate": [1, 0, 0], "scale": 2}, base_dir=tmp_path)
    assert none is None and g.position(4).tolist() == [0.0, 1.0, 1.0]
    g, _ = apply_edit(g, {"op": "swap", "a": 2, "b": 3}, base_dir=tmp_path)
    assert g.position(2).tolist() == [0.0, 1.5, 0.5]
    g, _ = apply_edit(g, {"op": "delete", "id": 1}, base_dir=tmp_path)
    assert [n.node_id for n in g.objects()] == [2, 3, 4]
    hidden, _ = apply_edit(g, {"op": "visibility", "id": 3, "visible": False}, base_dir=tmp_path)
    assert [n.node_id for n in hidden.objects()] == [2, 4] and 3 in hidden.nodes
    shown, _ = apply_edit(hidden, {"op": "visibility", "id": 3, "visible": True}, base_dir=tmp_path)
    assert [n.node_id for n in shown.objects()] == [2, 3, 4]


def test_cross_scene_add_and_swap_from_a_folder(graph, tmp_path):
    torch.manual_seed(0)
    other_scene = generate_scene(np.random.default_rng(5), n_objects=2)
    other = graph_from_scene(other_scene, SMALL)
    save_scene(other, tmp_path / "other")
    (tmp_path / "other" / "scene.json").write_text(other_scene.to_json())
    add = {"op": "add", "from_scene": "other", "id": 2, "position": [0.0, -2.0, 0.4]}
    g, new_id = apply_edit(graph, add, base_dir=tmp_path)
    assert new_id == 4 and g.position(4).tolist() == [0.0, -2.0, 0.4]
    assert g.get(4).class_name == other_scene.get(2).class_name
    swap = {"op": "swap", "a": 1, "b": 1, "from_scene": str(tmp_path / "other")}  # absolute path works too
    g2, _ = apply_edit(graph, swap, base_dir=tmp_path / "elsewhere")
    assert g2.get(1).class_name == other_scene.get(1).class_name
    assert g2.position(1)[:2].tolist() == [-1.0, 0.0]
    with pytest.raises(UserError, match="graph.json does not exist"):
        apply_edit(graph, {**add, "from_scene": "missing"}, base_dir=tmp_path)


def test_graph_edits_match_the_generator_edits():
    torch.manual_seed(0)
    scene = generate_scene(np.random.default_rng(3), n_objects=4)
    edits, truth = scripted_edits(scene, 2.0)
    assert [e["op"] for e in edits] == ["delete", "transform", "swap", "duplicate", "transform"]
    g = apply_edits(graph_from_scene(scene, SMALL), edits, base_dir=".")
    assert [n.node_id for n in g.objects()] == sorted(o.instance_id for o in truth.objects)
    for obj in truth.objects:
        node = g.get(obj.instance_id)
        assert node.class_name == obj.class_name
        assert np.allclose(node.transform[:3, 3], obj.position)
        assert np.allclose(node.transform[:3, :3] @ np.diag(node.half_extents), obj.matrix[:3, :3] @ np.diag(
            obj.half_extents))  # same world box
    moved = next(e for e in edits if e["op"] == "transform" and "translate" in e)
    assert np.allclose(edit_ground_truth(scene, moved).get(2).position[:2],
                       scene.get(2).position[:2] + moved["translate"][:2])


def test_load_edits_reads_a_json_list(tmp_path):
    path = tmp_path / "edits.json"
    path.write_text(json.dumps([{"op": "delete", "id": 1}]))
    assert load_edits(path) == [{"op": "delete", "id": 1}]
    path.write_text(json.dumps({"op": "delete", "id": 1}))
    with pytest.raises(UserError, match="must hold a JSON list"):
        load_edits(path)
    with pytest.raises(UserError, match="does not exist"):
        load_edits(tmp_path / "none.json")
