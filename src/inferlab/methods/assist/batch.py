"""Batch simulation: apply an edits file to a saved scene, then render RGB, depth and panoptic PNGs along a camera
path (`inferlab assist render`)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from inferlab.data.scenes3d import Intrinsics
from inferlab.errors import UserError
from inferlab.methods.assist.config import SceneConfig
from inferlab.methods.assist.data import ring_path, scene_camera
from inferlab.methods.assist.edits import apply_edits, load_edits
from inferlab.methods.assist.images import save_frame_pngs
from inferlab.methods.assist.render import render_frame
from inferlab.methods.assist.store import load_scene, read_meta
from inferlab.progress import progress_bar

DEFAULT_CAMERA = scene_camera(SceneConfig())
"""Cameras for a scene folder whose graph.json has no camera meta."""


MAX_SIDE = 4096
"""Largest image side rendered (a 4096 x 4096 frame already takes minutes on a CPU)."""
MAX_SAMPLES_PER_NODE = 1024


def check_render_size(width: int, height: int, what: str) -> None:
    """A `UserError` unless both sides are whole numbers from 8 to MAX_SIDE."""
    if not all(isinstance(v, int) and 8 <= v <= MAX_SIDE for v in (width, height)):
        raise UserError(f"{what} {width}x{height}: image sides must be from 8 to {MAX_SIDE} pixels.")


def camera_path(spec: str, camera: dict, size: int) -> tuple[Intrinsics, np.ndarray]:
    """`ring:N` or a transforms.json-style file ({"w", "h", "camera_angle_x" | "fl_x"..., "frames":
    [{"transform_matrix": 4x4}, ...]}; image files are not needed). Returns intrinsics and poses (N, 4, 4)."""
    if spec.startswith("ring:"):
        n = spec.split(":", 1)[1]
        if not n.isdigit() or int(n) < 1:
            raise UserError(f"--camera-path {spec}: write ring:N with N a whole number >= 1, e.g. ring:8.")
        return Intrinsics.from_fov(size, size, camera["fov_deg"]), ring_path(int(n), camera)
    path = Path(spec)
    if not path.is_file():
        raise UserError(f"--camera-path {spec}: neither ring:N nor an existing JSON file.")
    try:
        doc = json.loads(path.read_text())
        frames = doc["frames"]
        poses = np.array([f["transform_matrix"] for f in frames], dtype=np.float64)
        w, h = int(doc.get("w", size)), int(doc.get("h", size))
        if "fl_x" in doc:
            fx = float(doc["fl_x"])
            intr = Intrinsics(w, h, fx, float(doc.get("fl_y", fx)), float(doc.get("cx", w / 2)),
                              float(doc.get("cy", h / 2)))
        else:
            fov = np.degrees(float(doc["camera_angle_x"])) if "camera_angle_x" in doc else camera["fov_deg"]
            intr = Intrinsics.from_fov(w, h, fov)
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as err:
        raise UserError(f"--camera-path {spec}: expected JSON with 'frames': [{{'transform_matrix': 4x4}}, ...] and "
                        f"optional 'w', 'h', 'camera_angle_x' or 'fl_x' ({type(err).__name__}: {err}).") from None
    check_render_size(intr.width, intr.height, f"--camera-path {spec}: w, h")
    if poses.ndim != 3 or poses.shape[1:] != (4, 4) or not np.isfinite(poses).all():
        raise UserError(f"--camera-path {spec}: every transform_matrix must be a finite 4x4 matrix.")
    return intr, poses


def render_batch(scene_dir: Path, camera: str, out_dir: Path, *, edits_file: Path | None = None,
                 size: int = 128, samples_per_node: int = 32) -> list[Path]:
    """Edited scene rendered from every pose of the path: out_dir/{rgb,depth,panoptic,instance}_<i:04d>.png."""
    check_render_size(size, size, "--size")
    if not isinstance(samples_per_node, int) or not 1 <= samples_per_node <= MAX_SAMPLES_PER_NODE:
        raise UserError(f"--samples {samples_per_node}: samples per node must be from 1 to {MAX_SAMPLES_PER_NODE}.")
    graph = load_scene(scene_dir)
    if edits_file is not None:
        graph = apply_edits(graph, load_edits(edits_file), base_dir=Path(edits_file).parent)
    cam = {**DEFAULT_CAMERA, **read_meta(scene_dir).get("camera", {})}
    intr, poses = camera_path(camera, cam, size)
    paths = []
    for i, c2w in enumerate(progress_bar(poses, desc="assist render", mininterval=1.0)):
        frame = render_frame(graph, intr, c2w, samples_per_node=samples_per_node)
        paths += save_frame_pngs(frame, Path(out_dir), f"{i:04d}", max_depth=2.0 * cam["radius"])
    return paths
