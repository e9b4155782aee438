"""Posed views of a generated scene, and the scene graph whose node boxes come from the generator's objects.

ASSIST takes object bounding boxes as given (from annotations); here they are the generator's objects' boxes
(grown by `field.box_margin`) and world transforms, with their class and colour names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from inferlab.data.scenes3d import (
    Intrinsics, Render, Scene, SceneObject, camera_rays, generate_scene, hemisphere_poses, look_at,
    render_supersampled,
)
from inferlab.methods.assist.config import FieldConfig, SceneConfig
from inferlab.methods.assist.fields import GroundSkyField, make_field
from inferlab.methods.assist.graph import BACKGROUND_ID, SceneGraph, SceneNode, semantic_feature

TARGET = (0.0, 0.0, 0.3)
"""Every camera looks at this point."""
RING_ELEVATION = 35.0
"""Elevation (degrees) of ring camera paths (`ring_path`)."""


@dataclass
class SceneViews:
    scene: Scene
    intr: Intrinsics
    train_poses: np.ndarray  # (V, 4, 4)
    test_poses: np.ndarray  # (T, 4, 4)
    train_rays: torch.Tensor  # (V H W, 10): origin (3), direction (3), rgb (3), instance id (1)
    test: list[Render]


def view_poses(cfg: SceneConfig, rng: np.random.Generator, n: int) -> np.ndarray:
    return hemisphere_poses(rng, n, radius=cfg.camera_radius, elevation_deg=(cfg.elevation_min, cfg.elevation_max),
                            target=TARGET)


def scene_camera(cfg: SceneConfig) -> dict:
    """The cameras a scene is trained with, as JSON: the editor and `assist render` start from these."""
    return {"fov_deg": cfg.fov_deg, "radius": cfg.camera_radius, "target": list(TARGET),
            "elevation_deg": [cfg.elevation_min, cfg.elevation_max], "train_size": cfg.image_size}


def ring_path(n: int, camera: dict) -> np.ndarray:
    """(n, 4, 4) poses evenly around camera["target"] at RING_ELEVATION and distance camera["radius"]."""
    target = np.asarray(camera["target"], dtype=np.float64)
    el = np.radians(RING_ELEVATION)
    eyes = [target + camera["radius"] * np.array([np.cos(el) * np.cos(az), np.cos(el) * np.sin(az), np.sin(el)])
            for az in 2 * np.pi * np.arange(n) / n]
    return np.stack([look_at(eye, target) for eye in eyes])


def rays_of_views(scene: Scene, intr: Intrinsics, poses: np.ndarray, supersample: int = 1) -> torch.Tensor:
    """(V H W, 10) float32 rows [origin, direction, true rgb, true instance id] of every pixel of every view (the
    pixel-centre ray; rgb averaged over supersample x supersample rays in the pixel)."""
    rows = []
    for c2w in poses:
        o, d = camera_rays(intr, c2w)
        gt = render_supersampled(scene, intr, c2w, supersample)
        rows.append(np.concatenate([o, d, gt.rgb, gt.instance[..., None]], axis=-1).reshape(-1, 10))
    return torch.from_numpy(np.concatenate(rows).astype(np.float32))


def make_scene_views(cfg: SceneConfig, seed: int) -> SceneViews:
    """The scene of `seed`, its training rays and its held-out views' true renders."""
    rng = np.random.default_rng(seed)
    scene = generate_scene(rng, n_objects=cfg.n_objects, extent=cfg.extent)
    intr = Intrinsics.from_fov(cfg.image_size, cfg.image_size, cfg.fov_deg)
    train_poses, test_poses = view_poses(cfg, rng, cfg.train_views), view_poses(cfg, rng, cfg.test_views)
    return SceneViews(scene, intr, train_poses, test_poses, rays_of_views(scene, intr, train_poses, cfg.supersample),
                      [render_supersampled(scene, intr, c2w, cfg.supersample) for c2w in test_poses])


def object_field_spec(cfg: FieldConfig) -> dict:
    common = {"density_scale": cfg.density_scale}
    if cfg.kind == "grid":
        return {"kind": "grid", "resolution": cfg.resolution, "channels": cfg.channels, "hidden": cfg.hidden, **common}
    if cfg.kind == "voxel":
        return {"kind": "voxel", "resolution": cfg.resolution, **common}
    if cfg.kind == "hash":
        return {"kind": "hash", "resolution": 2 * cfg.resolution, "levels": cfg.hash_levels,
                "table_log2": cfg.hash_table_log2, "hidden": cfg.hidden, **common}
    return {"kind": "mlp", "frequencies": cfg.frequencies, "hidden": cfg.hidden, "layers": cfg.mlp_layers, **common}


def background_node(cfg: FieldConfig) -> SceneNode:
    return SceneNode(BACKGROUND_ID, "background", "", semantic_feature("background", ""),
                     GroundSkyField(resolution=cfg.ground_resolution, inner_radius=cfg.ground_radius),
                     np.zeros(3), np.eye(4))


def object_node(obj: SceneObject, cfg: FieldConfig) -> SceneNode:
    """A node over the object's box (grown by the margin) with a new, untrained field."""
    return SceneNode(obj.instance_id, obj.class_name, obj.colour_name, semantic_feature(obj.class_name,
                     obj.colour_name), make_field(object_field_spec(cfg)),
                     np.asarray(obj.half_extents, dtype=np.float64) * (1.0 + cfg.box_margin), obj.matrix.copy())


def graph_from_scene(scene: Scene, cfg: FieldConfig) -> SceneGraph:
    """Background node + one node per generator object (fields drawn from torch's global RNG)."""
    nodes = {BACKGROUND_ID: background_node(cfg)}
    nodes.update({o.instance_id: object_node(o, cfg) for o in scene.objects})
    return SceneGraph(nodes)


def whole_scene_node(scene: Scene, cfg: FieldConfig) -> SceneNode:
    """The single-field baseline's one node: a box over every object (no instance semantics), its grid given about
    as many parameters as all object grids together (resolution x n_objects^(1/3); hash tables n_objects x larger;
    the mlp kind keeps its size)."""
    corners = []
    for o in scene.objects:
        he = np.asarray(o.half_extents)
        local = np.array([[sx, sy, sz] for sx in (-1, 1) for sy in (-1, 1) for sz in (-1, 1)]) * he
        corners.append(local @ o.matrix[:3, :3].T + o.matrix[:3, 3])
    pts = np.concatenate(corners)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    transform = np.eye(4)
    transform[:3, 3] = (lo + hi) / 2
    half = (hi - lo) / 2 * (1.0 + cfg.box_margin)
    spec = object_field_spec(cfg)
    if spec["kind"] == "hash":
        spec["table_log2"] += int(round(np.log2(len(scene.objects))))
    elif "resolution" in spec:
        spec["resolution"] = int(round(cfg.resolution * len(scene.objects) ** (1 / 3)))
    return SceneNode(1, "background", "", semantic_feature("background", ""), make_field(spec), half, transform)
