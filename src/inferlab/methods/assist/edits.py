"""JSON edit dicts (format below; `inferlab assist render --help`) applied to a scene graph, and the same edits
on the generator's true scene.

    {"op": "delete", "id": 3}
    {"op": "duplicate", "id": 2, "offset": [dx, dy, dz]}
    {"op": "transform", "id": 2, "translate": [dx, dy, dz], "rotate_deg": 0, "scale": 1}
    {"op": "swap", "a": 1, "b": 4}                                   (+ "from_scene": b comes from that scene)
    {"op": "add", "from_scene": "path/to/other_scene", "id": 2, "position": [x, y, z]}
    {"op": "visibility", "id": 2, "visible": false}                  (hide / show without deleting)
`from_scene` is a scene folder, relative to `base_dir` (the edits file's folder) unless absolute; `position` is
the world centre of the added node's box (default: where it stood in its own scene).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from inferlab.data.scenes3d import Scene, delete_object, duplicate_object, move_object, scale_object, swap_objects
from inferlab.errors import UserError
from inferlab.jsonfile import read_json_file
from inferlab.methods.assist.graph import SceneGraph
from inferlab.methods.assist.store import load_scene

EDIT_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "delete": (("id",), ()),
    "duplicate": (("id",), ("offset",)),
    "transform": (("id",), ("translate", "rotate_deg", "scale")),
    "swap": (("a", "b"), ("from_scene",)),
    "add": (("from_scene", "id"), ("position",)),
    "visibility": (("id", "visible"), ()),
}
"""op -> (required keys, optional keys) besides "op"."""


def validate_edit(edit: object, where: str = "edit") -> dict:
    """The edit dict with its numbers checked; UserError naming the bad op/key and the allowed ones."""
    if not isinstance(edit, dict) or "op" not in edit:
        raise UserError(f"{where} must be an object with an \"op\"; ops: {', '.join(EDIT_KEYS)}.")
    op = edit["op"]
    if op not in EDIT_KEYS:
        raise UserError(f"{where}: unknown op {op!r}; allowed ops: {', '.join(EDIT_KEYS)}.")
    required, optional = EDIT_KEYS[op]
    missing = [k for k in required if k not in edit]
    if missing:
        raise UserError(f"{where}: op {op!r} needs key(s) {', '.join(missing)}; its keys: "
                        f"{', '.join(required + optional)}.")
    unknown = [k for k in edit if k != "op" and k not in required + optional]
    if unknown:
        raise UserError(f"{where}: op {op!r} has unknown key(s) {', '.join(unknown)}; allowed: "
                        f"{', '.join(required + optional)}.")
    for key in ("id", "a", "b"):
        if key in edit and (isinstance(edit[key], bool) or not isinstance(edit[key], int)):
            raise UserError(f"{where}: {key!r} must be a whole-number node id, got {edit[key]!r}.")
    for key in ("offset", "translate", "position"):
        if key in edit:
            v = edit[key]
            if not (isinstance(v, list) and len(v) == 3 and all(_is_number(x) for x in v)):
                raise UserError(f"{where}: {key!r} must be a list of 3 numbers [x, y, z], got {v!r}.")
    for key in ("rotate_deg", "scale"):
        if key in edit and not _is_number(edit[key]):
            raise UserError(f"{where}: {key!r} must be a number, got {edit[key]!r}.")
    if "visible" in edit and not isinstance(edit["visible"], bool):
        raise UserError(f"{where}: 'visible' must be true or false, got {edit['visible']!r}.")
    if "from_scene" in edit and not isinstance(edit["from_scene"], str):
        raise UserError(f"{where}: 'from_scene' must be a path string, got {edit['from_scene']!r}.")
    return edit


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and bool(np.isfinite(x))


def scene_path(from_scene: str, base_dir: Path) -> Path:
    path = Path(from_scene).expanduser()
    return path if path.is_absolute() else Path(base_dir) / path


def apply_edit(graph: SceneGraph, edit: dict, *, base_dir: Path) -> tuple[SceneGraph, int | None]:
    """The new graph after one edit, and the new node's id for duplicate/add (else None)."""
    e = validate_edit(edit)
    op = e["op"]
    if op == "delete":
        return graph.delete(e["id"]), None
    if op == "duplicate":
        return graph.duplicate(e["id"], offset=e.get("offset", (0.0, 0.0, 0.0)))
    if op == "transform":
        return graph.transform(e["id"], translate=e.get("translate", (0.0, 0.0, 0.0)),
                               rotate_deg=float(e.get("rotate_deg", 0.0)), scale=float(e.get("scale", 1.0))), None
    if op == "visibility":
        return graph.set_visible(e["id"], e["visible"]), None
    if op == "swap":
        other = load_scene(scene_path(e["from_scene"], base_dir)) if "from_scene" in e else None
        return graph.swap(e["a"], e["b"], other), None
    other = load_scene(scene_path(e["from_scene"], base_dir))
    node = other.get(e["id"]).clone()
    if "position" in e:
        node.transform[:3, 3] = e["position"]
    return graph.add(node)


def apply_edits(graph: SceneGraph, edits: list, *, base_dir: Path) -> SceneGraph:
    for i, edit in enumerate(edits):
        validate_edit(edit, f"edit {i}")
        graph, _ = apply_edit(graph, edit, base_dir=base_dir)
    return graph


def load_edits(path: Path) -> list[dict]:
    """A JSON list of edit dicts from a file, each validated."""
    edits = read_json_file(path, missing="give an edits file: a JSON list of edits such as "
                                          "[{\"op\": \"delete\", \"id\": 3}].")
    if not isinstance(edits, list):
        raise UserError(f"Edits file {path} must hold a JSON list of edits, got {type(edits).__name__}.")
    return [validate_edit(e, f"{path}, edit {i}") for i, e in enumerate(edits)]


def edit_ground_truth(scene: Scene, edit: dict, *, base_dir: Path | None = None) -> Scene:
    """The same edit on the generator's scene (scenes3d's edit functions), for checking rendered edits.

    Cross-scene ops read the other scene's scene.json (written by build_demo_scene)."""
    e = validate_edit(edit)
    op = e["op"]
    if op == "delete":
        return delete_object(scene, e["id"])
    if op == "duplicate":
        return duplicate_object(scene, e["id"], tuple(e.get("offset", (0.0, 0.0, 0.0))))[0]
    if op == "transform":
        scene = scale_object(scene, e["id"], float(e.get("scale", 1.0)))
        return move_object(scene, e["id"], tuple(e.get("translate", (0.0, 0.0, 0.0))),
                           np.radians(float(e.get("rotate_deg", 0.0))))
    if op == "visibility":  # the generator's scene has no hidden objects: hiding is deleting from the picture
        return scene if e["visible"] else delete_object(scene, e["id"])
    if op == "swap" and "from_scene" not in e:
        return swap_objects(scene, e["a"], e["b"])
    other = _other_scene(e["from_scene"], base_dir or Path("."))
    if op == "swap":
        a, b = scene.get(e["a"]), other.get(e["b"])
        m = b.matrix
        m[:2, 3] = a.matrix[:2, 3]
        moved = dataclasses.replace(b, instance_id=a.instance_id, transform=_rows(m))
        return dataclasses.replace(scene, objects=tuple(moved if o.instance_id == a.instance_id else o
                                                        for o in scene.objects))
    obj = other.get(e["id"])
    m = obj.matrix
    if "position" in e:
        m[:3, 3] = e["position"]
    new_id = max([o.instance_id for o in scene.objects] + [0]) + 1
    added = dataclasses.replace(obj, instance_id=new_id, transform=_rows(m))
    return dataclasses.replace(scene, objects=(*scene.objects, added))


def _rows(m: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in m)


def _other_scene(from_scene: str, base_dir: Path) -> Scene:
    path = scene_path(from_scene, base_dir) / "scene.json"
    return Scene.from_dict(read_json_file(path, missing="the true scene of another scene folder is its scene.json."))
