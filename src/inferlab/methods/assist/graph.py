"""ASSIST's scene graph: a background node and object nodes, each with its own radiance field in its own box.

A node's field lives in the node's local frame; its world placement is `transform` (world-from-local: a rotation
about +z, a uniform scale s and a translation), so an edit only changes a node's transform or the set of nodes
and never retrains a field. Nodes may come from another scene (cross-scene add / swap): their fields are shared
modules. Edits return a new graph and leave the old one as it was (the editor's undo keeps old graphs).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch

from inferlab.data.scenes3d import CLASS_NAMES, PALETTE
from inferlab.errors import UserError

BACKGROUND_ID = 0
PANOPTIC_CLASSES = ("background", *CLASS_NAMES)
"""class_id of a node = index here (0 = background), as in the scenes3d renderer's class_id maps."""


def semantic_feature(class_name: str, colour: str) -> torch.Tensor:
    """(len(PANOPTIC_CLASSES) + 3,): one-hot class, then the palette RGB of the colour name (zeros for none)."""
    if class_name not in PANOPTIC_CLASSES:
        raise UserError(f"Unknown class name {class_name!r}; allowed: {', '.join(PANOPTIC_CLASSES)}.")
    if colour and colour not in PALETTE:
        raise UserError(f"Unknown colour name {colour!r}; allowed: {', '.join(PALETTE)}.")
    onehot = torch.zeros(len(PANOPTIC_CLASSES))
    onehot[PANOPTIC_CLASSES.index(class_name)] = 1.0
    rgb = torch.tensor(PALETTE[colour] if colour else (0.0, 0.0, 0.0))
    return torch.cat([onehot, rgb]).float()


@dataclass
class SceneNode:
    node_id: int
    """0 is the background node; objects are >= 1 (the generator's instance ids)."""
    class_name: str
    """One of scenes3d.CLASS_NAMES, "background" for node 0."""
    colour: str
    """A key of scenes3d.PALETTE ("" for the background)."""
    feature: torch.Tensor
    """Semantic feature (D,) float32 (see `semantic_feature`)."""
    field: torch.nn.Module
    """The node's own radiance field, in its local frame (fields.py)."""
    half_extents: np.ndarray
    """(3,): the local bounding box is [-half_extents, half_extents]."""
    transform: np.ndarray
    """(4, 4) world-from-local: [s R | t] with R a rotation about +z and s > 0 a uniform scale."""
    visible: bool = True

    @property
    def class_id(self) -> int:
        return PANOPTIC_CLASSES.index(self.class_name)

    @property
    def scale(self) -> float:
        """The uniform scale s of the transform (norm of its first column)."""
        return float(np.linalg.norm(self.transform[:3, 0]))

    def clone(self, **changes) -> SceneNode:
        """A copy with its own arrays (the field module is shared), with `changes` applied."""
        node = dataclasses.replace(self, half_extents=self.half_extents.copy(), transform=self.transform.copy())
        return dataclasses.replace(node, **changes)


def rotation_z(deg: float) -> np.ndarray:
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _vec3(values, what: str) -> np.ndarray:
    v = np.asarray(values, dtype=np.float64)
    if v.shape != (3,) or not np.isfinite(v).all():
        raise UserError(f"{what} must be 3 finite numbers [x, y, z], got {values!r}.")
    return v


class SceneGraph:
    """Nodes by id; node 0 is the background. Edits return a new graph."""

    def __init__(self, nodes: dict[int, SceneNode]):
        if BACKGROUND_ID not in nodes:
            raise UserError("A scene graph needs a background node with id 0.")
        self.nodes = dict(sorted(nodes.items()))

    def __repr__(self) -> str:
        parts = ", ".join(f"{n.node_id}:{n.colour} {n.class_name}" for n in self.objects())
        return f"SceneGraph({parts})"

    def get(self, node_id: int) -> SceneNode:
        if node_id not in self.nodes:
            ids = ", ".join(str(i) for i in self.nodes if i != BACKGROUND_ID)
            raise UserError(f"No node with id {node_id} in the scene; object ids present: {ids or 'none'}.")
        return self.nodes[node_id]

    def _object(self, node_id: int, action: str) -> SceneNode:
        if node_id == BACKGROUND_ID:
            raise UserError(f"Cannot {action} the background node (id 0); pick an object id >= 1.")
        return self.get(node_id)

    def objects(self) -> list[SceneNode]:
        """Visible object nodes (id >= 1), sorted by id."""
        return [n for i, n in self.nodes.items() if i != BACKGROUND_ID and n.visible]

    @property
    def background(self) -> SceneNode:
        return self.nodes[BACKGROUND_ID]

    def position(self, node_id: int) -> np.ndarray:
        """(3,) world centre of the node's box."""
        return self.get(node_id).transform[:3, 3].copy()

    def copy(self) -> SceneGraph:
        """A new graph with copied nodes; field modules are shared."""
        return SceneGraph({i: n.clone() for i, n in self.nodes.items()})

    def _next_id(self) -> int:
        return max(self.nodes) + 1

    def _with(self, *nodes: SceneNode, drop: tuple[int, ...] = ()) -> SceneGraph:
        new = {i: n.clone() for i, n in self.nodes.items() if i not in drop}
        new.update({n.node_id: n for n in nodes})
        return SceneGraph(new)

    def add(self, node: SceneNode) -> tuple[SceneGraph, int]:
        """Insert a copy of `node` (e.g. from another scene) under a new id (max id + 1), placed as it is."""
        if node.class_name == "background":
            raise UserError("Cannot add a background node as an object; add object nodes (class "
                            f"one of {', '.join(CLASS_NAMES)}).")
        new_id = self._next_id()
        return self._with(node.clone(node_id=new_id)), new_id

    def duplicate(self, node_id: int, offset=(0.0, 0.0, 0.0)) -> tuple[SceneGraph, int]:
        """A copy of the node, moved by `offset` (world), under a new id (max id + 1, as scenes3d does)."""
        node = self._object(node_id, "duplicate")
        m = node.transform.copy()
        m[:3, 3] += _vec3(offset, "offset")
        return self.add(node.clone(transform=m))

    def delete(self, node_id: int) -> SceneGraph:
        self._object(node_id, "delete")
        return self._with(drop=(node_id,))

    def set_visible(self, node_id: int, visible: bool) -> SceneGraph:
        """Hide a node (kept in the graph, not rendered, not in `objects()`) or show it again."""
        return self._with(self._object(node_id, "hide or show").clone(visible=bool(visible)))

    def transform(self, node_id: int, *, translate=(0.0, 0.0, 0.0), rotate_deg: float = 0.0,
                  scale: float = 1.0) -> SceneGraph:
        """Scale by `scale` about the bottom centre of the node's box (a node on the ground stays on it), rotate by
        `rotate_deg` about its own vertical axis (counter-clockwise seen from above), then translate (world)."""
        node = self._object(node_id, "transform")
        if not (np.isfinite(scale) and scale > 0):
            raise UserError(f"Scale factor must be a number > 0, got {scale}.")
        if not np.isfinite(rotate_deg):
            raise UserError(f"rotate_deg must be a finite number, got {rotate_deg}.")
        m = node.transform.copy()
        s_old = node.scale
        centre = m[:3, 3].copy()
        bottom_z = centre[2] - s_old * node.half_extents[2]
        m[:3, :3] = rotation_z(rotate_deg) @ m[:3, :3] * scale
        centre[2] = bottom_z + s_old * scale * node.half_extents[2]
        m[:3, 3] = centre + _vec3(translate, "translate")
        return self._with(node.clone(transform=m))

    def swap(self, id_a: int, id_b: int, other: SceneGraph | None = None) -> SceneGraph:
        """Exchange the ground (x, y) positions of nodes a and b; each keeps its height, yaw and size.

        With `other` (cross-scene): node b of `other` replaces node a, standing at a's (x, y) at its own height,
        and keeps the id a (so the panoptic id of that spot stays); node a leaves this scene.
        """
        a = self._object(id_a, "swap")
        if other is None:
            b = self._object(id_b, "swap")
            ma, mb = a.transform.copy(), b.transform.copy()
            ma[:2, 3], mb[:2, 3] = b.transform[:2, 3], a.transform[:2, 3]
            return self._with(a.clone(transform=ma), b.clone(transform=mb))
        b = other._object(id_b, "swap")
        mb = b.transform.copy()
        mb[:2, 3] = a.transform[:2, 3]
        return self._with(b.clone(node_id=id_a, transform=mb))

    def query(self, *, node_id: int | None = None, class_name: str | None = None,
              colour: str | None = None) -> list[int]:
        """Ids (sorted) of the nodes matching every given filter; the background matches class "background"."""
        return [i for i, n in self.nodes.items()
                if (node_id is None or i == node_id) and (class_name is None or n.class_name == class_name)
                and (colour is None or n.colour == colour)]
