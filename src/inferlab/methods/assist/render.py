"""Compositional rendering of a scene graph: each node's samples in its own box, merged and composited once.

For every object node the world rays are mapped into the node's local frame (x_l = T^-1 x_w), clipped to its box
(ray_box_intersect) and sampled there; the node's field gives sigma_local and rgb, and sigma_world = sigma_local / s
for a node scaled by s (a world step dt crosses dt / s local units, so the optical depth is unchanged by scaling).
The background node adds one opaque sample per ray: the ground hit, or the sky at distance FAR. All samples are
sorted by distance and composited (composite.py). Outputs per ray: colour, depth (expected distance of the
non-sky weight; inf where the sky holds at least half the weight), and each node's weight share (panoptic mask).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from inferlab.data.scenes3d import Intrinsics, camera_rays
from inferlab.errors import UserError
from inferlab.methods.assist.composite import composite, ray_box_intersect, sort_samples, stratified_depths
from inferlab.methods.assist.graph import BACKGROUND_ID, SceneGraph, SceneNode

FAR = 1.0e4
"""Distance given to the sky sample (sorts after every other sample)."""
OPAQUE_DELTA = 1.0e10
"""Interval of the background sample: alpha = 1 - exp(-1 * 1e10) = 1 exactly, with finite gradients."""


def _local_rays(node: SceneNode, origins: torch.Tensor, dirs: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """World rays (N, 3) in the node's local frame (x_l = T^-1 x_w; directions not renormalised, so t is shared),
    and its box half extents as a tensor."""
    w2l = torch.as_tensor(np.linalg.inv(node.transform), dtype=origins.dtype, device=origins.device)
    half = torch.as_tensor(node.half_extents, dtype=origins.dtype, device=origins.device)
    return origins @ w2l[:3, :3].t() + w2l[:3, 3], dirs @ w2l[:3, :3].t(), half


def _node_samples(node: SceneNode, origins: torch.Tensor, dirs: torch.Tensor, n: int, jitter: bool,
                  ) -> tuple[torch.Tensor, ...]:
    """t, sigma_world, rgb, delta of `n` samples per ray inside the node's box; (N, n) each ((N, n, 3) for rgb).
    Rays missing the box get t = FAR + 1 and sigma = 0 and cost no field evaluation."""
    o_l, d_l, half = _local_rays(node, origins, dirs)
    t_near, t_far, hit = ray_box_intersect(o_l, d_l, half)
    idx = hit.nonzero().squeeze(-1)
    t_hit, delta_hit = stratified_depths(t_near[idx], t_far[idx], n, jitter=jitter)  # (Nh, n)
    points = o_l[idx].unsqueeze(1) + t_hit.unsqueeze(-1) * d_l[idx].unsqueeze(1)  # (Nh, n, 3)
    sigma_hit, rgb_hit = node.field((points / half).reshape(-1, 3))
    size = (len(origins), n)
    t = torch.full(size, FAR + 1.0, dtype=origins.dtype, device=origins.device).index_put((idx,), t_hit)
    delta = torch.zeros(size, dtype=origins.dtype, device=origins.device).index_put((idx,), delta_hit)
    sigma = torch.zeros(size, dtype=origins.dtype, device=origins.device).index_put(
        (idx,), sigma_hit.view(-1, n) / node.scale)
    rgb = torch.zeros(*size, 3, dtype=origins.dtype, device=origins.device).index_put(
        (idx,), rgb_hit.view(-1, n, 3))
    return t, sigma, rgb, delta


def render_rays(objects: Sequence[SceneNode], background: SceneNode, origins: torch.Tensor, dirs: torch.Tensor, *,
                samples_per_node: int = 32, jitter: bool = False,
                frozen_background: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Composite the background and `objects` along world rays (N, 3) (unit directions).

    Returns rgb (N, 3), depth (N,), sky (N,) (the sky's weight), node_weights (N, 1 + len(objects)) with column 0
    the background and column k the k-th object of `objects`. Differentiable in every field's parameters.
    `frozen_background` (N,) bool marks rays whose background colour gets no gradient (training: pixels of an
    object, where the ground behind it is unseen, so it must not learn the object's colour).
    """
    parts = [_node_samples(node, origins, dirs, samples_per_node, jitter) for node in objects]
    t_bg, rgb_bg, ground = background.field(origins, dirs)
    t_bg = torch.where(ground, t_bg, torch.full_like(t_bg, FAR))
    if frozen_background is not None:
        rgb_bg = torch.where(frozen_background.unsqueeze(-1), rgb_bg.detach(), rgb_bg)
    ones = torch.ones_like(t_bg).unsqueeze(-1)
    t = torch.cat([t_bg.unsqueeze(-1), *(p[0] for p in parts)], dim=1)  # (N, 1 + K n)
    sigma = torch.cat([ones, *(p[1] for p in parts)], dim=1)
    rgb = torch.cat([rgb_bg.unsqueeze(1), *(p[2] for p in parts)], dim=1)
    delta = torch.cat([ones * OPAQUE_DELTA, *(p[3] for p in parts)], dim=1)
    owner = torch.cat([torch.zeros_like(ones, dtype=torch.long)]
                      + [torch.full_like(p[0], k, dtype=torch.long) for k, p in enumerate(parts, start=1)], dim=1)
    t, sigma, rgb, delta, owner = sort_samples(t, sigma, rgb, delta, owner)
    out = composite(sigma, rgb, delta, owner, 1 + len(objects))
    solid = (t < FAR).to(t.dtype)
    solid_weight = (out["weights"] * solid).sum(dim=1)
    sky = (out["weights"] * (1.0 - solid)).sum(dim=1)
    depth = (out["weights"] * solid * t).sum(dim=1) / solid_weight.clamp_min(1e-8)
    depth = torch.where(sky >= 0.5, torch.full_like(depth, float("inf")), depth)
    return {"rgb": out["rgb"], "depth": depth, "sky": sky, "node_weights": out["node_weights"]}


def render_rays_sparse(objects: Sequence[SceneNode], background: SceneNode, origins: torch.Tensor,
                       dirs: torch.Tensor, *, samples_per_node: int = 32, jitter: bool = False,
                       frozen_background: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """`render_rays` without sampling, sorting or compositing the rays that cross no box (they see only the
    background): the same outputs (and gradients), several times faster where objects cover a small part."""
    hit = torch.zeros(len(origins), dtype=torch.bool, device=origins.device)
    for node in objects:
        hit |= ray_box_intersect(*_local_rays(node, origins, dirs))[2]
    frozen = (None, None) if frozen_background is None else (frozen_background[hit], frozen_background[~hit])
    inside = render_rays(objects, background, origins[hit], dirs[hit], samples_per_node=samples_per_node,
                         jitter=jitter, frozen_background=frozen[0])
    outside = render_rays([], background, origins[~hit], dirs[~hit], frozen_background=frozen[1])
    out = {}
    for key, value in inside.items():
        full = torch.zeros(len(origins), *value.shape[1:], dtype=value.dtype, device=value.device)
        full[hit] = value
        missed = outside[key]
        full[~hit] = missed if key != "node_weights" else torch.nn.functional.pad(missed, (0, value.shape[1] - 1))
        out[key] = full
    return out


@dataclass
class Frame:
    rgb: np.ndarray
    """(H, W, 3) float32 in [0, 1]."""
    depth: np.ndarray
    """(H, W) float32, world distance along the ray (inf for the sky), like scenes3d's renderer."""
    instance: np.ndarray
    """(H, W) int64 node id with the largest weight share (0 = background)."""
    class_id: np.ndarray
    """(H, W) int64 index into ["background", *CLASS_NAMES]."""


def _field_device(graph: SceneGraph) -> torch.device:
    param = next(graph.background.field.parameters(), None)
    return param.device if param is not None else torch.device("cpu")


@torch.no_grad()
def render_world_rays(graph: SceneGraph, origins: np.ndarray, dirs: np.ndarray, *, samples_per_node: int = 32,
                      chunk: int = 8192) -> Frame:
    """Render rays of any leading shape (..., 3) through the graph's visible nodes, in chunks of `chunk` rays."""
    shape = origins.shape[:-1]
    device = _field_device(graph)
    objects = graph.objects()
    slot_ids = torch.tensor([BACKGROUND_ID] + [n.node_id for n in objects])
    slot_classes = torch.tensor([graph.background.class_id] + [n.class_id for n in objects])
    o_all = torch.as_tensor(origins.reshape(-1, 3), dtype=torch.float32)
    d_all = torch.as_tensor(dirs.reshape(-1, 3), dtype=torch.float32)
    rgb, depth, slot = [], [], []
    for start in range(0, len(o_all), chunk):
        out = render_rays_sparse(objects, graph.background, o_all[start:start + chunk].to(device),
                                 d_all[start:start + chunk].to(device), samples_per_node=samples_per_node)
        rgb.append(out["rgb"].clamp(0, 1).cpu())
        depth.append(out["depth"].cpu())
        slot.append(out["node_weights"].argmax(dim=1).cpu())
    slots = torch.cat(slot)
    return Frame(rgb=torch.cat(rgb).reshape(*shape, 3).numpy(), depth=torch.cat(depth).reshape(shape).numpy(),
                 instance=slot_ids[slots].reshape(shape).numpy(), class_id=slot_classes[slots].reshape(shape).numpy())


def render_frame(graph: SceneGraph, intr: Intrinsics, c2w: np.ndarray, *, samples_per_node: int = 32) -> Frame:
    """One view of the graph from camera pose `c2w` (scenes3d camera conventions)."""
    return render_world_rays(graph, *camera_rays(intr, np.asarray(c2w, dtype=np.float64)),
                             samples_per_node=samples_per_node)


def box_labels(graph: SceneGraph, intr: Intrinsics, c2w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The boxes-only panoptic predictor (a reference for what the given boxes alone explain): each pixel takes the
    visible object node whose box its centre ray enters first, else the background. Returns (H, W) instance ids
    and class ids, like a Frame's."""
    origins, dirs = camera_rays(intr, np.asarray(c2w, dtype=np.float64))
    o = torch.as_tensor(origins.reshape(-1, 3), dtype=torch.float64)
    d = torch.as_tensor(dirs.reshape(-1, 3), dtype=torch.float64)
    nearest = torch.full((len(o),), torch.inf, dtype=torch.float64)
    instance = torch.full((len(o),), BACKGROUND_ID, dtype=torch.int64)
    class_id = torch.full((len(o),), graph.background.class_id, dtype=torch.int64)
    for node in graph.objects():
        t_near, _, hit = ray_box_intersect(*_local_rays(node, o, d))
        closer = hit & (t_near < nearest)
        nearest = torch.where(closer, t_near, nearest)
        instance[closer], class_id[closer] = node.node_id, node.class_id
    shape = origins.shape[:-1]
    return instance.reshape(shape).numpy(), class_id.reshape(shape).numpy()


def pick(graph: SceneGraph, intr: Intrinsics, c2w: np.ndarray, x: int, y: int) -> int | None:
    """The object node id seen at pixel (x, y) (column, row), or None for the background."""
    if not (0 <= x < intr.width and 0 <= y < intr.height):
        raise UserError(f"Pixel ({x}, {y}) is outside the {intr.width}x{intr.height} image.")
    origins, dirs = camera_rays(intr, np.asarray(c2w, dtype=np.float64))
    frame = render_world_rays(graph, origins[y:y + 1, x], dirs[y:y + 1, x])
    node_id = int(frame.instance[0])
    return None if node_id == BACKGROUND_ID else node_id
