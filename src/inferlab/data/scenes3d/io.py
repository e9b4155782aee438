"""Posed image folders in the nerfstudio / instant-ngp `transforms.json` format: a writer for generated scenes
and a loader for any such folder.

transforms.json: intrinsics either `camera_angle_x` (horizontal FOV, radians; principal point at the centre,
square pixels) or `fl_x`, `fl_y`, `cx`, `cy`, `w`, `h` (pixels; `fl_y` defaults to `fl_x`); `frames` is a list of
{"file_path": image path relative to the json's folder (a missing extension means .png, as in the Blender
scenes), "transform_matrix": 4x4 camera-to-world, OpenGL axes (see cameras.py)}. The writer also adds, per
frame, `depth_file_path` (.npy float32 range along the ray, inf = sky) and `instance_file_path` (16-bit PNG
instance ids, 0 = background), and writes the scene graph to scene.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from inferlab.data.scenes3d.cameras import Intrinsics
from inferlab.data.scenes3d.render import render
from inferlab.data.scenes3d.scene import Scene
from inferlab.errors import UserError
from inferlab.jsonfile import read_json_file


@dataclass(frozen=True)
class PosedImages:
    images: torch.Tensor  # (N, H, W, 3) float32 in [0, 1]
    poses: torch.Tensor  # (N, 4, 4) float32 camera-to-world, OpenGL axes
    intrinsics: Intrinsics
    file_paths: tuple[Path, ...]


def write_transforms(folder: str | Path, scene: Scene, intr: Intrinsics, poses: np.ndarray) -> Path:
    """Render `scene` from every pose (N, 4, 4) and write images/, depth/, instance/, transforms.json, scene.json."""
    root = Path(folder)
    for sub in ("images", "depth", "instance"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    frames = []
    for i, c2w in enumerate(poses):
        out = render(scene, intr, c2w)
        name = f"frame_{i:04d}"
        Image.fromarray(np.round(out.rgb * 255).astype(np.uint8)).save(root / "images" / f"{name}.png")
        np.save(root / "depth" / f"{name}.npy", out.depth)
        Image.fromarray(out.instance.astype(np.uint16)).save(root / "instance" / f"{name}.png")
        frames.append({
            "file_path": f"images/{name}.png", "depth_file_path": f"depth/{name}.npy",
            "instance_file_path": f"instance/{name}.png", "transform_matrix": np.asarray(c2w).tolist(),
        })
    meta = {"camera_model": "PINHOLE", "camera_angle_x": intr.camera_angle_x,
            "fl_x": intr.fx, "fl_y": intr.fy, "cx": intr.cx, "cy": intr.cy, "w": intr.width, "h": intr.height,
            "frames": frames}
    path = root / "transforms.json"
    path.write_text(json.dumps(meta, indent=2))
    (root / "scene.json").write_text(scene.to_json())
    return path


def _intrinsics(meta: dict, where: Path, first_image: np.ndarray) -> Intrinsics:
    h_img, w_img = first_image.shape[:2]
    try:
        w, h = int(meta.get("w", w_img)), int(meta.get("h", h_img))
        if "fl_x" in meta:
            fx = float(meta["fl_x"])
            fy = float(meta.get("fl_y", fx))
            return Intrinsics(w, h, fx, fy, float(meta.get("cx", w / 2)), float(meta.get("cy", h / 2)))
        if "camera_angle_x" in meta:
            f = 0.5 * w / np.tan(0.5 * float(meta["camera_angle_x"]))
            return Intrinsics(w, h, float(f), float(f), w / 2.0, h / 2.0)
    except (TypeError, ValueError) as err:
        raise UserError(f"{where}: intrinsics are not numbers ({err}); fl_x, fl_y, cx, cy, w, h and "
                        "camera_angle_x must be numbers.") from None
    raise UserError(f"{where} has no camera intrinsics; give either 'camera_angle_x' (radians) or 'fl_x' "
                    "(with optional 'fl_y', 'cx', 'cy', 'w', 'h').")


def _pose(matrix: object, where: str) -> np.ndarray:
    try:
        m = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError):
        m = np.zeros(0)
    if m.shape == (3, 4):
        m = np.vstack([m, [0.0, 0.0, 0.0, 1.0]])
    if m.shape != (4, 4) or not np.isfinite(m).all() or abs(np.linalg.det(m[:3, :3])) < 1e-8:
        raise UserError(f"{where}: 'transform_matrix' must be a finite 4x4 (or 3x4) camera-to-world matrix with "
                        f"an invertible rotation part, got {matrix!r:.200}.")
    return m


def _image(path: Path, where: str) -> np.ndarray:
    if not path.is_file() and not path.suffix and path.with_suffix(".png").is_file():
        path = path.with_suffix(".png")
    if not path.is_file():
        raise UserError(f"{where}: image {path} does not exist; 'file_path' is relative to the folder of "
                        "transforms.json.")
    try:
        with Image.open(path) as im:
            return np.asarray(im.convert("RGB"), dtype=np.float32) / 255.0  # alpha, if any, is dropped
    except (OSError, ValueError) as err:
        raise UserError(f"{where}: cannot read image {path}: {err}.") from None


def load_transforms(path: str | Path) -> PosedImages:
    """Load a `transforms.json` (or the folder holding it): all frames' images, poses and the shared intrinsics."""
    p = Path(path).expanduser()
    if p.is_dir():
        p = p / "transforms.json"
    meta = read_json_file(p, missing="give a transforms.json file or the folder that holds one.")
    frames = meta.get("frames") if isinstance(meta, dict) else None
    if not isinstance(frames, list) or not frames:
        raise UserError(f"{p} needs a non-empty list 'frames' of {{'file_path', 'transform_matrix'}} objects.")
    images, poses, files = [], [], []
    for i, frame in enumerate(frames):
        where = f"{p}, frame {i}"
        missing = [k for k in ("file_path", "transform_matrix") if not isinstance(frame, dict) or k not in frame]
        if missing:
            raise UserError(f"{where} lacks {', '.join(missing)}; each frame needs 'file_path' and "
                            "'transform_matrix'.")
        file = p.parent / frame["file_path"]
        images.append(_image(file, where))
        poses.append(_pose(frame["transform_matrix"], where))
        files.append(file)
    intr = _intrinsics(meta, p, images[0])
    for i, im in enumerate(images):
        if im.shape[:2] != (intr.height, intr.width):
            raise UserError(f"{p}, frame {i}: image {files[i]} is {im.shape[1]}x{im.shape[0]} (w x h) but the "
                            f"intrinsics say {intr.width}x{intr.height}; all images must match w and h.")
    return PosedImages(torch.from_numpy(np.stack(images)), torch.from_numpy(np.stack(poses).astype(np.float32)),
                       intr, tuple(files))


def load_instance(path: str | Path) -> np.ndarray:
    """Instance-id PNG written by `write_transforms` -> (H, W) int32."""
    with Image.open(path) as im:
        return np.asarray(im, dtype=np.int32)
