"""Scene folders: graph.json (nodes, boxes, transforms, field specs) + fields/node_<id>.safetensors, no pickle.

    scene/
      graph.json            {"format": "inferlab-assist-scene", "version": 1, "nodes": [...], "meta": {...}}
      fields/node_3.safetensors
      scene.json            (build_demo_scene only) the generator's ground-truth scene, for checks and benches
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from inferlab.engine.atomic import atomic_write_text
from inferlab.errors import UserError
from inferlab.jsonfile import read_json_file
from inferlab.methods.assist.config import ASSISTConfig
from inferlab.methods.assist.data import scene_camera
from inferlab.methods.assist.fields import make_field
from inferlab.methods.assist.graph import SceneGraph, SceneNode

FORMAT = "inferlab-assist-scene"
VERSION = 1
NODE_KEYS = ("id", "class_name", "colour", "feature", "half_extents", "transform", "visible", "field", "weights")


def save_scene(graph: SceneGraph, folder: Path, *, meta: dict | None = None) -> None:
    """Write graph.json and one safetensors state dict per node's field; `meta` (JSON-ready) is kept as is."""
    folder = Path(folder)
    (folder / "fields").mkdir(parents=True, exist_ok=True)
    nodes = []
    for node in graph.nodes.values():
        weights = f"fields/node_{node.node_id}.safetensors"
        state = {k: v.detach().cpu().contiguous().clone() for k, v in node.field.state_dict().items()}
        save_file(state, str(folder / weights))
        nodes.append({"id": node.node_id, "class_name": node.class_name, "colour": node.colour,
                      "feature": node.feature.tolist(), "half_extents": node.half_extents.tolist(),
                      "transform": node.transform.tolist(), "visible": node.visible, "field": node.field.spec,
                      "weights": weights})
    doc = {"format": FORMAT, "version": VERSION, "nodes": nodes, "meta": meta or {}}
    atomic_write_text(folder / "graph.json", json.dumps(doc, indent=1))


def read_graph_json(folder: Path) -> dict:
    path = Path(folder) / "graph.json"
    doc = read_json_file(path, missing="a scene folder holds graph.json and fields/ (make one with "
                                       "`inferlab assist build DIR`).")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("nodes"), list):
        raise UserError(f"{path} is not an ASSIST scene: it needs \"format\": \"{FORMAT}\" and a list \"nodes\".")
    if doc.get("version") != VERSION:
        raise UserError(f"{path} has format version {doc.get('version')!r}; this inferlab reads version {VERSION}.")
    return doc


def read_meta(folder: Path) -> dict:
    """The `meta` dict saved with the scene (camera settings of build_demo_scene), {} if none."""
    return read_graph_json(folder).get("meta", {})


def _load_node(folder: Path, entry: dict, i: int) -> SceneNode:
    where = f"{folder / 'graph.json'}, node {i}"
    missing = [k for k in NODE_KEYS if not isinstance(entry, dict) or k not in entry]
    if missing:
        raise UserError(f"{where} lacks {', '.join(missing)}; each node needs {', '.join(NODE_KEYS)}.")
    if not isinstance(entry["id"], int) or isinstance(entry["id"], bool) or entry["id"] < 0:
        raise UserError(f"{where}: id {entry['id']!r} must be a whole number >= 0.")
    if not isinstance(entry["field"], dict):
        raise UserError(f"{where}: field must be an object (the field's kind and sizes), not {entry['field']!r}.")
    field = make_field(entry["field"])
    weights = _inside(folder, entry["weights"], where)
    try:
        field.load_state_dict(load_file(str(weights)))
    except FileNotFoundError:
        raise UserError(f"{where}: weights file {weights} does not exist.") from None
    except (SafetensorError, RuntimeError, OSError) as err:
        raise UserError(f"{where}: cannot load {weights} into a {entry['field'].get('kind')} field: "
                        f"{str(err).splitlines()[0]}") from None
    try:
        half = np.asarray(entry["half_extents"], dtype=np.float64)
        transform = np.asarray(entry["transform"], dtype=np.float64)
        feature = torch.tensor(entry["feature"], dtype=torch.float32)
    except (TypeError, ValueError) as err:
        raise UserError(f"{where}: half_extents, transform and feature must be numbers ({err}).") from None
    finite = np.isfinite(half).all() and np.isfinite(transform).all()
    if half.shape != (3,) or transform.shape != (4, 4) or not finite:
        raise UserError(f"{where}: half_extents must be 3 finite numbers and transform a finite 4x4 matrix.")
    return SceneNode(int(entry["id"]), str(entry["class_name"]), str(entry["colour"]), feature, field, half,
                     transform, bool(entry["visible"]))


def _inside(folder: Path, relative: object, where: str) -> Path:
    """`folder / relative` if it is a relative path that stays inside `folder`, else a `UserError`: a scene file
    must not make us read files elsewhere."""
    if not isinstance(relative, str) or Path(relative).is_absolute():
        raise UserError(f"{where}: weights {relative!r} must be a path relative to the scene folder.")
    path = (folder / relative).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise UserError(f"{where}: weights {relative!r} points outside the scene folder {folder}.")
    return path


def load_scene(folder: Path) -> SceneGraph:
    """Read a scene folder written by `save_scene`; UserError naming the file and what is wrong."""
    folder = Path(folder)
    doc = read_graph_json(folder)
    nodes = [_load_node(folder, entry, i) for i, entry in enumerate(doc["nodes"])]
    return SceneGraph({n.node_id: n for n in nodes})


def build_demo_scene(folder: Path, *, seed: int = 0, preset: str = "tiny", overrides: tuple[str, ...] = (),
                     progress: bool = True, overwrite: bool = False) -> Path:
    """Generate the scene of `seed`, train its nodes with the ASSIST preset (with `key=value` overrides), save it
    (with scene.json); returns the folder. An existing scene is replaced only with `overwrite`, and a non-empty
    folder that holds no scene is refused, both before any work."""
    from inferlab.engine.config import apply_overrides
    from inferlab.engine.seed import check_seed, seed_everything
    from inferlab.engine.trainer import fit
    from inferlab.methods.assist.config import PRESETS
    from inferlab.methods.assist.train import ASSISTTask

    folder = Path(folder)
    if (folder / "graph.json").exists() and not overwrite:
        raise UserError(f"{folder} already holds a scene (graph.json); pass --overwrite to replace it, or choose "
                        "another folder.")
    if folder.exists() and (not folder.is_dir() or (any(folder.iterdir()) and not (folder / "graph.json").exists())):
        raise UserError(f"{folder} is not empty and holds no scene; choose an empty or new folder.")
    check_seed(seed)
    if preset not in PRESETS:
        raise UserError(f"Unknown ASSIST preset {preset!r}; presets: {', '.join(PRESETS)}.")
    cfg = apply_overrides(PRESETS[preset](), list(overrides))
    seed_everything(seed)
    task = ASSISTTask(cfg, torch.device("cpu"), seed)
    seed_everything(seed)
    fit(task, cfg.train, seed=seed, progress=progress, desc="assist build")
    save_scene(task.graph, folder, meta=camera_meta(cfg))
    (folder / "scene.json").write_text(task.views.scene.to_json())
    return folder


def camera_meta(cfg: ASSISTConfig) -> dict:
    """Scene meta for graph.json: the training cameras (data.scene_camera)."""
    return {"camera": scene_camera(cfg.scene)}
