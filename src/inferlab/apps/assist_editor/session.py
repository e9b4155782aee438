"""Editing session: the current SceneGraph, undo/redo stacks of graphs, orbit camera, selection, render cache.

Graph edits return new graphs that share the nodes' field modules, so an undo step is one reference. Every
public method holds the session lock (the server answers requests from a thread pool).
"""

from __future__ import annotations

import math
import threading
from pathlib import Path

import numpy as np

from inferlab.apps.assist_editor.camera import OrbitCamera
from inferlab.apps.assist_editor.images import MODES, frame_image
from inferlab.apps.assist_editor.paths import resolve_inside
from inferlab.errors import UserError
from inferlab.methods.assist.edits import apply_edit
from inferlab.methods.assist.graph import SceneGraph
from inferlab.methods.assist.language import apply_instruction, node_infos
from inferlab.methods.assist.render import Frame, pick, render_frame
from inferlab.methods.assist.store import load_scene, read_meta, save_scene

MAX_UNDO = 100
MAX_IMAGE_SIDE = 1024
MAX_COORDINATE = 1e3
"""No node may be moved or scaled so that an entry of its transform exceeds this (metres; scenes span a few)."""
CACHE_SIZE = 4
DEFAULT_SIZE = (256, 192)
"""Image (width, height) of /render without w/h, and of /pick before anything was rendered."""


class BadValue(UserError):
    """A number that is not finite or out of its allowed range (the server answers 422)."""


def _check_finite(value: object, where: str) -> None:
    """BadValue if any number inside a JSON-like value is NaN or infinite."""
    if isinstance(value, float) and not math.isfinite(value):
        raise BadValue(f"{where}: {value} is not a finite number.")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_finite(item, f"{where}.{key}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_finite(item, f"{where}[{i}]")


def _check_size(width: int, height: int) -> None:
    for side in (width, height):
        if not 8 <= side <= MAX_IMAGE_SIDE:
            raise BadValue(f"Image size {width}x{height} is out of range; each side must be in [8, {MAX_IMAGE_SIDE}].")


def _check_placement(graph: SceneGraph) -> None:
    """BadValue if an edit put a node's transform out of range (far away, huge, or not finite)."""
    for node in graph.nodes.values():
        if not np.isfinite(node.transform).all() or np.abs(node.transform).max() > MAX_COORDINATE:
            raise BadValue(f"That edit would put node {node.node_id} out of range: every entry of its transform "
                           f"must stay within +-{MAX_COORDINATE:g}.")


class EditorSession:
    """State of one editor: `graph`, `selected`, `camera`, and the history of graphs for undo/redo."""

    def __init__(self, scene_dir: Path, *, samples_per_node: int = 32):
        self.scene_dir = Path(scene_dir).resolve()
        self.graph: SceneGraph = load_scene(self.scene_dir)
        self.meta = read_meta(self.scene_dir)
        self.samples_per_node = samples_per_node
        self.camera = OrbitCamera.from_meta(self.meta.get("camera", {}))
        self.selected: int | None = None
        self.undo_stack: list[SceneGraph] = []
        self.redo_stack: list[SceneGraph] = []
        self.version = 0  # bumped on every graph change; part of the render cache key
        self.last_size = DEFAULT_SIZE  # (width, height) of the last rendered frame
        self._frames: dict[tuple, Frame] = {}
        self._lock = threading.RLock()

    # ---- graph history
    def _commit(self, graph: SceneGraph, selected: int | None) -> None:
        self.undo_stack = [*self.undo_stack[-(MAX_UNDO - 1):], self.graph]
        self.redo_stack = []
        self._set_graph(graph, selected)

    def _set_graph(self, graph: SceneGraph, selected: int | None) -> None:
        self.graph = graph
        self.version += 1
        self.selected = selected if selected in self._object_ids() else None

    def _object_ids(self) -> set[int]:
        return {node.node_id for node in self.graph.objects()}

    def apply(self, edit: dict) -> str:
        """Apply one edit dict (the format of methods/assist/edits.py); a duplicate or add selects the new node."""
        with self._lock:
            if not isinstance(edit, dict):
                raise UserError(f"An edit must be a JSON object with an 'op' key, got {type(edit).__name__}.")
            _check_finite(edit, "edit")
            edit = dict(edit)
            if "from_scene" in edit:  # cross-scene add: the other scene must also live inside the scene folder
                edit["from_scene"] = str(resolve_inside(self.scene_dir, edit["from_scene"]))
            graph, new_id = apply_edit(self.graph, edit, base_dir=self.scene_dir)
            _check_placement(graph)
            about = edit.get("id", edit.get("a"))
            selected = new_id if new_id is not None else (None if edit.get("op") == "delete" else about)
            self._commit(graph, selected)
            return f"{edit.get('op')} done" + (f"; new node {new_id}" if new_id is not None else "")

    def instruct(self, text: str) -> tuple[str, list[dict]]:
        """Apply a language instruction as one undo step (all clauses or none)."""
        with self._lock:
            if not isinstance(text, str) or not text.strip():
                raise UserError("Empty instruction; try e.g. 'duplicate the red sphere and put it left of the box'.")
            edits, graph, last = apply_instruction(self.graph, text, c2w=self.camera.c2w(), selected=self.selected,
                                                   base_dir=self.scene_dir)
            if not edits:  # a query only selects
                self.selected = last
                return f"{text.strip()!r}: selected {last}", edits
            _check_placement(graph)
            self._commit(graph, last)
            return f"{text.strip()!r}: " + ", ".join(e["op"] for e in edits), edits

    def undo(self) -> str:
        with self._lock:
            if not self.undo_stack:
                raise UserError("Nothing to undo.")
            self.redo_stack.append(self.graph)
            self._set_graph(self.undo_stack.pop(), self.selected)
            return "undone"

    def redo(self) -> str:
        with self._lock:
            if not self.redo_stack:
                raise UserError("Nothing to redo.")
            self.undo_stack.append(self.graph)
            self._set_graph(self.redo_stack.pop(), self.selected)
            return "redone"

    def save(self, name: str) -> str:
        with self._lock:
            folder = resolve_inside(self.scene_dir, name)
            if folder.exists() and not folder.is_dir():
                raise UserError(f"Cannot save to {name!r}: a file of that name exists in the scene folder; "
                                "choose another name.")
            try:
                save_scene(self.graph, folder, meta=self.meta)
            except OSError as err:
                raise UserError(f"Cannot save to {name!r}: {err}.") from None
            return f"saved to {folder.relative_to(self.scene_dir)}"

    def load(self, name: str) -> str:
        """Load a scene saved inside the scene folder (an undoable step)."""
        with self._lock:
            folder = resolve_inside(self.scene_dir, name)
            if not (folder / "graph.json").is_file():
                raise UserError(f"No saved scene {name!r} in {self.scene_dir} (no {name}/graph.json).")
            self._commit(load_scene(folder), None)
            return f"loaded {name}"

    # ---- selection and camera
    def select(self, node_id: int | None) -> str:
        with self._lock:
            if node_id is not None and node_id not in self._object_ids():
                ids = ", ".join(str(i) for i in sorted(self._object_ids()))
                raise UserError(f"No object with id {node_id}; ids present: {ids or 'none'}.")
            self.selected = node_id
            return f"selected {node_id}" if node_id is not None else "selection cleared"

    def move_camera(self, **values: float | None) -> str:
        _check_finite(values, "camera")
        with self._lock:
            try:
                self.camera = self.camera.moved(**values)
            except UserError as err:
                raise BadValue(str(err)) from None
            return "camera moved"

    # ---- rendering and picking
    def frame(self, width: int, height: int) -> Frame:
        """Rendered frame of the current graph and camera, cached for the last few (graph, camera, size)."""
        _check_size(width, height)
        with self._lock:
            key = (self.version, self.camera, width, height)
            self.last_size = (width, height)
            if key not in self._frames:
                if len(self._frames) >= CACHE_SIZE:
                    self._frames.pop(next(iter(self._frames)))
                self._frames[key] = render_frame(self.graph, self.camera.intrinsics(width, height), self.camera.c2w(),
                                                 samples_per_node=self.samples_per_node)
            return self._frames[key]

    def image(self, mode: str, width: int, height: int) -> np.ndarray:
        if mode not in MODES:
            raise UserError(f"Unknown render mode {mode!r}; allowed: {', '.join(MODES)}.")
        return frame_image(self.frame(width, height), mode, self.selected, max_depth=2.0 * self.camera.radius)

    def pick(self, x: int, y: int, width: int, height: int) -> int | None:
        """Select the object under pixel (x, y) of a width x height view (None: background, clears selection)."""
        _check_size(width, height)
        if not (0 <= x < width and 0 <= y < height):
            raise UserError(f"Pick position ({x}, {y}) is outside the {width}x{height} image.")
        with self._lock:
            key = (self.version, self.camera, width, height)
            if key in self._frames:
                node_id = int(self._frames[key].instance[y, x])
            else:
                node_id = pick(self.graph, self.camera.intrinsics(width, height), self.camera.c2w(), x, y)
            node_id = node_id if node_id in self._object_ids() else None
            self.selected = node_id
            return node_id

    # ---- JSON state
    def nodes(self) -> list[dict]:
        """Object nodes (visible or not) with labels, world centre, footprint radius and half height."""
        sizes = {n.node_id: n for n in node_infos(self.graph)}
        out = []
        for node_id in sorted(i for i in self.graph.nodes if i >= 1):
            node = self.graph.nodes[node_id]
            info = sizes.get(node_id)
            out.append({"id": node_id, "class": node.class_name, "colour": node.colour,
                        "position": [round(float(v), 4) for v in self.graph.position(node_id)],
                        "visible": bool(node.visible),
                        "radius": round(info.radius, 4) if info else None,
                        "half_height": round(info.half_height, 4) if info else None})
        return out

    def state(self, message: str = "") -> dict:
        with self._lock:
            return {"nodes": self.nodes(), "selected": self.selected, "message": message,
                    "can_undo": bool(self.undo_stack), "can_redo": bool(self.redo_stack),
                    "camera": self.camera.to_json()}
