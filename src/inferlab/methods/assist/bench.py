"""`inferlab bench assist`: ASSIST's scene nodes against one field for the whole scene (same rays, steps, samples).

Both are scored on held-out views of the scene, then after a scripted edit sequence (delete, move, swap,
duplicate, scale) against the generator's own render of the edited scene (the same edits applied to its
primitives). The single field cannot edit: its edited scores compare its unchanged render with the edited truth.
`boxes_only` is a panoptic reference row: what the given node boxes alone score, without any trained field.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from inferlab.data.scenes3d import Intrinsics, Render, Scene, render_supersampled
from inferlab.engine.bench import seconds_per_call, train_variant
from inferlab.errors import UserError
from inferlab.eval.image_quality import panoptic_miou, panoptic_quality, psnr, ssim
from inferlab.methods.assist.config import ASSISTConfig
from inferlab.methods.assist.data import ring_path, scene_camera
from inferlab.methods.assist.edits import apply_edits, edit_ground_truth
from inferlab.methods.assist.graph import BACKGROUND_ID, SceneGraph
from inferlab.methods.assist.images import depth_image, panoptic_image, save_grid
from inferlab.methods.assist.render import Frame, box_labels, render_frame
from inferlab.methods.assist.store import camera_meta, save_scene
from inferlab.methods.assist.train import make_task

SCRIPTED_IDS = (1, 2, 3, 4)
"""The scripted edits touch these object ids, so the bench needs scene.n_objects >= 4."""


def free_spot(scene: Scene, extent: float, radius: float) -> np.ndarray:
    """The (x, y) on a 41 x 41 grid over [-extent, extent]^2 farthest from every object's footprint circle."""
    xs = np.linspace(-extent + radius, extent - radius, 41)
    grid = np.stack(np.meshgrid(xs, xs, indexing="ij"), axis=-1).reshape(-1, 2)
    clearance = np.full(len(grid), np.inf)
    for o in scene.objects:
        r = max(o.half_extents[:2]) * np.sqrt(2.0)
        clearance = np.minimum(clearance, np.linalg.norm(grid - o.position[:2], axis=1) - r)
    return grid[np.argmax(clearance)]


def scripted_edits(scene: Scene, extent: float) -> tuple[list[dict], Scene]:
    """Delete 1; move 2 to the freest spot; swap 3 and 4; duplicate 3 into the freest spot; scale 4 by 1.25.
    Returns the edit dicts and the true edited scene."""
    edits: list[dict] = []

    def push(edit: dict) -> None:
        nonlocal scene
        edits.append(edit)
        scene = edit_ground_truth(scene, edit)

    push({"op": "delete", "id": 1})
    for op, node in (("transform", 2), ("swap", None), ("duplicate", 3)):
        if op == "swap":
            push({"op": "swap", "a": 3, "b": 4})
            continue
        obj = scene.get(node)
        others = replace(scene, objects=tuple(o for o in scene.objects if o.instance_id != node))
        target = free_spot(others, extent, max(obj.half_extents[:2]) * np.sqrt(2.0))
        delta = [round(float(target[0] - obj.position[0]), 3), round(float(target[1] - obj.position[1]), 3), 0.0]
        push({"op": "transform", "id": node, "translate": delta} if op == "transform"
             else {"op": "duplicate", "id": node, "offset": delta})
    push({"op": "transform", "id": 4, "scale": 1.25})
    return edits, scene


def panoptic_metrics(instance: list[np.ndarray], class_id: list[np.ndarray], truths: list[Render]) -> dict:
    """panoptic_miou (instance ids over all views) and panoptic_pq (panoptic quality, class ids scored)."""
    true_instance, true_class = np.stack([t.instance for t in truths]), np.stack([t.class_id for t in truths])
    return {"panoptic_miou": panoptic_miou(np.stack(instance), true_instance),
            "panoptic_pq": panoptic_quality(np.stack(instance), np.stack(class_id), true_instance, true_class)}


def frame_metrics(frames: list[Frame], truths: list[Render], max_depth: float) -> dict[str, float]:
    """psnr, ssim (means over views), object_psnr (over the true objects' pixels of all views), depth errors
    (both depths clipped to max_depth, sky = max): object_depth_mae on the true objects' pixels, ground_depth_mae
    on the true ground's, depth_mae on both; then `panoptic_metrics`."""
    def clip(d: np.ndarray) -> np.ndarray:
        return np.minimum(np.where(np.isfinite(d), d, max_depth), max_depth)

    on_objects = [t.instance > 0 for t in truths]
    on_ground = [np.isfinite(t.depth) & (t.instance == 0) for t in truths]
    errors = [np.abs(clip(f.depth) - clip(t.depth)) for f, t in zip(frames, truths)]
    object_errors = np.concatenate([e[m] for e, m in zip(errors, on_objects)])
    ground_errors = np.concatenate([e[m] for e, m in zip(errors, on_ground)])
    return {"psnr": float(np.mean([psnr(f.rgb, t.rgb) for f, t in zip(frames, truths)])),
            "object_psnr": psnr(np.concatenate([f.rgb[m] for f, m in zip(frames, on_objects)]),
                                np.concatenate([t.rgb[m] for t, m in zip(truths, on_objects)])),
            "ssim": float(np.mean([ssim(f.rgb, t.rgb) for f, t in zip(frames, truths)])),
            "object_depth_mae": float(object_errors.mean()), "ground_depth_mae": float(ground_errors.mean()),
            "depth_mae": float(np.concatenate([object_errors, ground_errors]).mean()),
            **panoptic_metrics([f.instance for f in frames], [f.class_id for f in frames], truths)}


def boxes_only_metrics(graph: SceneGraph, intr: Intrinsics, poses: np.ndarray, truths: list[Render]) -> dict:
    """panoptic metrics of the boxes-only predictor (render.box_labels): what the given boxes alone score."""
    labels = [box_labels(graph, intr, c2w) for c2w in poses]
    return panoptic_metrics([i for i, _ in labels], [c for _, c in labels], truths)


def render_views(graph: SceneGraph, intr: Intrinsics, poses: np.ndarray, samples: int, labelled: bool) -> list[Frame]:
    """Frames of the graph; without node semantics (`labelled` False) every non-background pixel gets id -1."""
    frames = [render_frame(graph, intr, c2w, samples_per_node=samples) for c2w in poses]
    if not labelled:
        for f in frames:
            f.instance = np.where(f.instance == BACKGROUND_ID, 0, -1)
    return frames


def _tiles(frame: Frame, max_depth: float) -> list[np.ndarray]:
    return [frame.rgb, depth_image(frame.depth, max_depth), panoptic_image(frame.instance)]


def bench(cfg: ASSISTConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    if cfg.variant != "assist":
        raise UserError(f"bench assist trains both variants itself; leave variant at 'assist' (got {cfg.variant!r}).")
    if cfg.scene.n_objects < len(SCRIPTED_IDS):
        raise UserError(f"bench assist edits objects {SCRIPTED_IDS}; set scene.n_objects >= {len(SCRIPTED_IDS)} "
                        f"(got {cfg.scene.n_objects}).")
    max_depth = 2.0 * cfg.scene.camera_radius
    editor_intr = Intrinsics.from_fov(cfg.eval.editor_size, cfg.eval.editor_size, cfg.scene.fov_deg)
    figure_pose = ring_path(8, scene_camera(cfg.scene))[1]
    results, tiles, scene_dir = {}, {}, out_dir / "scene"
    for label in ("assist", "single_field"):
        run_cfg = replace(cfg, variant=label)
        task, fit, _ = train_variant(make_task, run_cfg, label=label, device=device, seed=seed, out_dir=out_dir)
        views, labelled = task.views, label == "assist"
        edits, edited_scene = scripted_edits(views.scene, cfg.scene.extent)
        graph = task.graph
        edited = apply_edits(graph, edits, base_dir=out_dir) if labelled else graph
        edited_truth = [render_supersampled(edited_scene, views.intr, c2w, cfg.scene.supersample)
                        for c2w in views.test_poses]
        metrics = frame_metrics(render_views(graph, views.intr, views.test_poses, task.samples, labelled),
                                views.test, max_depth)
        after = frame_metrics(render_views(edited, views.intr, views.test_poses, task.samples, labelled),
                              edited_truth, max_depth)
        metrics.update({f"edited_{k}": v for k, v in after.items()})
        if labelled:
            boxes = boxes_only_metrics(graph, views.intr, views.test_poses, views.test)
            boxes.update({f"edited_{k}": v for k, v in
                          boxes_only_metrics(edited, views.intr, views.test_poses, edited_truth).items()})
        metrics["render_seconds"] = seconds_per_call(
            lambda: render_frame(graph, editor_intr, figure_pose, samples_per_node=task.samples),
            cfg.eval.render_repeats, warmup=1)
        metrics.update(train_seconds=fit.seconds, seconds_per_step=fit.seconds_per_step)
        results[label] = metrics
        for name, g in (("before", graph), ("after", edited)):
            tiles[label, name] = _tiles(render_views(g, editor_intr, figure_pose[None], task.samples, labelled)[0],
                                        max_depth)
        if labelled:
            save_scene(graph, scene_dir, meta=camera_meta(cfg))
            (scene_dir / "scene.json").write_text(views.scene.to_json())
            truths = {"before": views.scene, "after": edited_scene}
            for name, scene in truths.items():
                tiles["truth", name] = _tiles(render_supersampled(scene, editor_intr, figure_pose,
                                                                  cfg.scene.supersample), max_depth)
    order = [(who, when) for when in ("before", "after") for who in ("truth", "assist", "single_field")]
    figures = [save_grid([tiles[key] for key in order], out_dir / "renders.png",
                         row_labels=[f"{who} {when} edits" for who, when in order],
                         col_labels=["RGB", "depth", "panoptic"])]
    shot = _editor_screenshot(scene_dir, out_dir / "editor.png")
    figures += [shot] if shot else []
    return {"metrics": results["assist"],
            "baselines": {"single_field": results["single_field"], "boxes_only": boxes},
            "figures": [str(f.relative_to(out_dir)) for f in figures],
            "notes": "Held-out views of the generated scene (psnr, ssim, object_psnr: PSNR over the true objects' "
                     f"pixels only; pixel colours are means of {cfg.scene.supersample}^2 rays per pixel; "
                     "object_depth_mae / ground_depth_mae: |depth| error on the true objects' / ground's pixels "
                     "(the model's ground is the analytic plane z = 0 too: its error comes only from object "
                     "nodes' stray density), "
                     f"depth_mae: both, depths clipped at {max_depth:g}; panoptic_miou: instance-id IoU over all "
                     "views; panoptic_pq: panoptic quality with class ids scored), then the "
                     f"scripted edits {edits} checked against the generator's render of the same edited scene "
                     "(edited_*). single_field has no nodes, so its edited_* and panoptic numbers are 'cannot, by "
                     "construction': edited_* compare its unchanged render with the edited truth, and its panoptic "
                     "map only separates background from 'scene' (id -1). boxes_only is a reference, not a "
                     "model: each pixel takes the node whose given box its ray enters first (panoptic metrics only). "
                     f"render_seconds: one {cfg.eval.editor_size}x{cfg.eval.editor_size} frame. "
                     "renders.png rows: truth, ASSIST, single field, before then after the edits; columns: RGB, "
                     "depth, panoptic."}


def _editor_screenshot(scene_dir: Path, png: Path) -> Path | None:
    """The editor page on the trained scene, when the editor and chromium are installed (else None); the editor
    is an app, reached through the registry."""
    from inferlab.methods.registry import app_function

    try:
        capture_editor_screenshot = app_function("assist_editor.screenshot")
    except ImportError:
        return None
    try:
        return Path(capture_editor_screenshot(scene_dir, png))
    except UserError:
        return None
