"""`inferlab assist build` and `inferlab assist render` end to end in subprocesses."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from cli_helpers import run_cli

BUILD = ["train.steps=40", "scene.image_size=16", "scene.train_views=4", "scene.test_views=1", "field.resolution=6",
         "field.ground_resolution=32", "train.batch_size=128", "eval.samples=64"]


@pytest.fixture(scope="module")
def scene_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("assist") / "scene"
    proc = run_cli("assist", "build", str(folder), "--seed", "2", "--set", *BUILD, check=True)
    assert json.loads(proc.stdout.strip().splitlines()[-1])["scene"] == str(folder)
    return folder


def test_build_writes_a_scene_folder(scene_dir):
    doc = json.loads((scene_dir / "graph.json").read_text())
    assert [n["id"] for n in doc["nodes"]] == [0, 1, 2, 3, 4]
    assert doc["meta"]["camera"]["radius"] == 5.0 and (scene_dir / "scene.json").is_file()


def test_render_writes_pngs_per_pose_after_the_edits(scene_dir, tmp_path):
    edits = tmp_path / "edits.json"
    edits.write_text(json.dumps([{"op": "delete", "id": 1}, {"op": "duplicate", "id": 2, "offset": [0, 0.8, 0]}]))
    out = tmp_path / "out"
    proc = run_cli("assist", "render", str(scene_dir), "--edits", str(edits), "--camera-path", "ring:3", "--size",
                   "20", "--out", str(out), check=True)
    assert json.loads(proc.stdout.strip().splitlines()[-1])["files"] == 12
    for i in range(3):
        for kind in ("rgb", "depth", "panoptic"):
            assert np.asarray(Image.open(out / f"{kind}_{i:04d}.png")).shape == (20, 20, 3)
    ids = set(np.unique(np.concatenate([np.asarray(Image.open(out / f"instance_{i:04d}.png")) for i in range(3)])))
    assert 1 not in ids and ids <= {0, 2, 3, 4, 5}


def test_render_from_a_camera_file_and_bad_paths(scene_dir, tmp_path):
    path = tmp_path / "cams.json"
    pose = [[1, 0, 0, 0], [0, 0, -1, -5], [0, 1, 0, 1], [0, 0, 0, 1]]  # at (0, -5, 1) looking along +y
    path.write_text(json.dumps({"w": 16, "h": 12, "camera_angle_x": 0.8, "frames": [{"transform_matrix": pose}]}))
    run_cli("assist", "render", str(scene_dir), "--camera-path", str(path), "--out", str(tmp_path / "o"),
            check=True)
    assert np.asarray(Image.open(tmp_path / "o" / "rgb_0000.png")).shape == (12, 16, 3)
    bad = run_cli("assist", "render", str(scene_dir), "--camera-path", "ring:x", "--out", str(tmp_path / "b"))
    assert bad.returncode == 2 and "ring:N" in bad.stderr
    missing = run_cli("assist", "render", str(tmp_path / "nowhere"), "--out", str(tmp_path / "b"))
    assert missing.returncode == 2 and "graph.json does not exist" in missing.stderr
