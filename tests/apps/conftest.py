"""A small editor scene for the HTTP and browser tests, saved once per test session.

The fields are baked, not trained: each object's VoxelField holds the exact occupancy of its primitive (with a
fixed Lambert shading of the palette colour) and the ground texture holds the checkerboard, so the tests get sharp,
known geometry in well under a second. The training path is A1's (`store.build_demo_scene`, tested with ASSIST).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from inferlab.data.scenes3d import PALETTE, make_object
from inferlab.methods.assist.fields import GroundSkyField, VoxelField
from inferlab.methods.assist.graph import SceneGraph, SceneNode, semantic_feature
from inferlab.methods.assist.store import save_scene

RESOLUTION = 16
LIGHT = np.array([0.4, -0.5, 0.77]) / np.linalg.norm([0.4, -0.5, 0.77])
SCENE = (  # (id, class, colour, size, (x, y)): two cubes so ordinals and ambiguity show up
    (1, "sphere", "red", 0.35, (-1.2, -0.6)),
    (2, "cube", "blue", 0.3, (0.9, -0.7)),
    (3, "cylinder", "green", (0.3, 0.4), (0.0, 0.9)),
    (4, "cube", "yellow", 0.3, (-0.9, 1.2)),
)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-3, 1 - 1e-3)
    return np.log(p / (1 - p))


def _inside(class_name: str, u: np.ndarray) -> np.ndarray:
    """Occupancy of the unit primitive (data.scenes3d.primitives) at points u (..., 3)."""
    x, y, z = u[..., 0], u[..., 1], u[..., 2]
    if class_name == "sphere":
        return x * x + y * y + z * z <= 1.0
    if class_name == "cube":
        return np.ones(u.shape[:-1], dtype=bool)
    if class_name == "cylinder":
        return x * x + y * y <= 1.0
    return x * x + y * y <= ((1.0 - z) / 2.0) ** 2


def baked_object_field(class_name: str, colour: str) -> VoxelField:
    field = VoxelField(resolution=RESOLUTION)
    axis = np.linspace(-1.0, 1.0, RESOLUTION)
    zz, yy, xx = np.meshgrid(axis, axis, axis, indexing="ij")  # grid[0, c, k, j, i] is u = (x_i, y_j, z_k)
    u = np.stack([xx, yy, zz], axis=-1)
    normal = u / np.maximum(np.linalg.norm(u, axis=-1, keepdims=True), 1e-6)
    shade = 0.55 + 0.45 * np.clip(normal @ LIGHT, 0.0, 1.0)
    rgb = np.asarray(PALETTE[colour])[None, None, None, :] * shade[..., None]
    raw = np.concatenate([np.where(_inside(class_name, u), 8.0, -12.0)[None], np.moveaxis(_logit(rgb), -1, 0)])
    with torch.no_grad():
        field.grid.copy_(torch.as_tensor(raw[None], dtype=torch.float32))
    return field


def baked_background() -> GroundSkyField:
    field = GroundSkyField(resolution=64, inner_radius=4.0)
    q = 2.0 * np.linspace(-1.0, 1.0, 64)  # texel centres in contracted coordinates [-2, 2]
    qy, qx = np.meshgrid(q, q, indexing="ij")  # texture[0, :, row = y, col = x]
    norm = np.maximum(np.abs(qx), np.abs(qy))
    stretch = np.where(norm <= 1.0, 1.0, 1.0 / np.maximum(norm * (2.0 - norm), 1e-3))  # undo the contraction
    px, py = qx * stretch * 4.0, qy * stretch * 4.0
    checker = (np.floor(px / 0.5) + np.floor(py / 0.5)) % 2 == 0
    rgb = np.where(checker[..., None], PALETTE["gray"], PALETTE["white"])
    with torch.no_grad():
        field.texture.copy_(torch.as_tensor(np.moveaxis(_logit(rgb), -1, 0)[None], dtype=torch.float32))
        field.sky_bias.copy_(torch.as_tensor(_logit(np.array([0.6, 0.75, 0.95])), dtype=torch.float32))
    return field


def baked_graph() -> SceneGraph:
    nodes = {0: SceneNode(0, "background", "", semantic_feature("background", ""), baked_background(), np.zeros(3),
                          np.eye(4))}
    for node_id, class_name, colour, size, xy in SCENE:
        obj = make_object(node_id, class_name, colour, size, xy)
        nodes[node_id] = SceneNode(node_id, class_name, colour, semantic_feature(class_name, colour),
                                   baked_object_field(class_name, colour), np.asarray(obj.half_extents), obj.matrix)
    return SceneGraph(nodes)


@pytest.fixture(scope="session")
def editor_scene_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("editor_scene")
    save_scene(baked_graph(), folder)
    return folder
