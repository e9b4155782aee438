"""The README's ASSIST examples work on the scene its Tour builds (`inferlab assist build scenes/room --preset tiny`,
seed 0): the instructions of its language-box block, in order, and its edits.json."""

import json
import re
from pathlib import Path

import numpy as np

from inferlab.data.scenes3d import generate_scene
from inferlab.methods.assist.config import tiny
from inferlab.methods.assist.data import graph_from_scene
from inferlab.methods.assist.edits import apply_edits
from inferlab.methods.assist.language import apply_instruction

README = Path(__file__).resolve().parents[3] / "README.md"


def _tour_scene_graph():
    cfg = tiny()
    scene = generate_scene(np.random.default_rng(0), n_objects=cfg.scene.n_objects, extent=cfg.scene.extent)
    return scene, graph_from_scene(scene, cfg.field)


def _block(lang: str, after: str) -> str:
    text = README.read_text()
    return re.search(rf"```{lang}\n(.*?)```", text[text.index(after):], re.S).group(1)


def test_readme_names_the_tour_scene_objects():
    scene, _ = _tour_scene_graph()
    text = README.read_text()
    for o in scene.objects:
        assert f"{o.colour_name} {o.class_name} (id {o.instance_id})" in text


def test_readme_instructions_run_on_the_tour_scene():
    _, graph = _tour_scene_graph()
    lines = [line for line in _block("text", "language box").splitlines() if line.strip()]
    assert len(lines) >= 3
    for line in lines:
        edits, graph, _ = apply_instruction(graph, line)
        assert edits, line
    assert "cylinder" not in [n.class_name for n in graph.nodes.values()]  # the last line deleted it


def test_readme_edits_file_applies_to_the_tour_scene(tmp_path):
    _, graph = _tour_scene_graph()
    edits = json.loads(_block("json", "edits.json"))
    edited = apply_edits(graph, edits, base_dir=tmp_path)
    assert len(edited.nodes) == len(graph.nodes)  # one duplicated, one deleted
