"""Object-compositional volume rendering as pure tensor functions (ASSIST Sec. 3.2; object_nerf's multi-rendering).

Every node samples its own ray segment (the part inside its bounding box); all nodes' samples along a ray are
merged, sorted by distance and alpha-composited once with the volume rendering equation

    C(r) = sum_i T_i alpha_i c_i,   alpha_i = 1 - exp(-sigma_i delta_i),   T_i = prod_{j<i} (1 - alpha_j),

so nodes occlude each other correctly wherever their boxes overlap along a ray. Each sample keeps its own interval
length delta_i (from its node's sampling), so a node's opacity does not depend on where other nodes sample. The
weight w_i = T_i alpha_i of a sample counts for the node that owns it: node k's share W_k = sum_{i: owner_i = k} w_i
gives the panoptic mask (argmax_k W_k) and the instance-mask loss.
"""

from __future__ import annotations

import torch


def ray_box_intersect(origins: torch.Tensor, dirs: torch.Tensor, half_extents: torch.Tensor,
                      near: float = 0.0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Clip rays o + t d to the box [-h, h]^3 (slab method) in the box's own frame.

    t_near = max(near, max_i min(t1_i, t2_i)), t_far = min_i max(t1_i, t2_i) with t1, t2 = (-h - o) / d, (h - o) / d;
    a ray hits when t_far > t_near. Returns t_near, t_far (N,) and the hit mask (N,); `dirs` need not be unit
    length (t is the parameter of the ray as given). Rays parallel to a slab use a tiny direction component.
    """
    d = torch.where(dirs.abs() < 1e-12, torch.full_like(dirs, 1e-12), dirs)
    inv = 1.0 / d
    t1, t2 = (-half_extents - origins) * inv, (half_extents - origins) * inv  # (N, 3)
    t_near = torch.minimum(t1, t2).amax(dim=-1).clamp_min(near)
    t_far = torch.maximum(t1, t2).amin(dim=-1)
    return t_near, t_far, t_far > t_near


def stratified_depths(t_near: torch.Tensor, t_far: torch.Tensor, n: int, *,
                      jitter: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """n samples per ray in [t_near, t_far]: t_i = t_near + (i + u_i) / n (t_far - t_near), u_i ~ U(0, 1) with
    jitter (training; torch's global generator) or u_i = 1/2 (rendering); each interval is delta = (t_far - t_near) / n.
    Returns t (N, n) and delta (N, n)."""
    u = (torch.rand(len(t_near), n, device=t_near.device) if jitter
         else torch.full((len(t_near), n), 0.5, device=t_near.device))
    span = (t_far - t_near).unsqueeze(-1)  # (N, 1)
    steps = torch.arange(n, device=t_near.device, dtype=t_near.dtype)
    t = t_near.unsqueeze(-1) + (steps + u) / n * span
    return t, (span / n).expand(-1, n)


def sort_samples(t: torch.Tensor, *values: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Sort every ray's samples by distance t (N, M); each value (N, M, ...) is reordered the same way."""
    t_sorted, order = torch.sort(t, dim=-1)
    out = [t_sorted]
    for v in values:
        idx = order.view(*order.shape, *([1] * (v.dim() - 2))).expand_as(v)
        out.append(torch.gather(v, 1, idx))
    return tuple(out)


def composite(sigmas: torch.Tensor, rgbs: torch.Tensor, deltas: torch.Tensor, owner: torch.Tensor,
              n_owners: int) -> dict[str, torch.Tensor]:
    """Alpha-composite depth-sorted samples of several nodes along each ray.

    sigmas, deltas (N, M); rgbs (N, M, 3); owner (N, M) int64 in [0, n_owners) (the node slot of each sample).
    alpha_i = 1 - exp(-sigma_i delta_i), T_i = prod_{j<i} (1 - alpha_j), w_i = T_i alpha_i, so sum_i w_i =
    1 - T_{M+1} <= 1. Returns rgb (N, 3) = sum_i w_i c_i, weights (N, M), node_weights (N, n_owners) with
    node_weights[:, k] = sum_{i: owner_i = k} w_i, and transmittance (N,) left after the last sample.
    """
    alphas = 1.0 - torch.exp(-sigmas * deltas)  # (N, M)
    survive = torch.cumprod(torch.cat([torch.ones_like(alphas[:, :1]), 1.0 - alphas + 1e-10], dim=-1), dim=-1)
    weights = alphas * survive[:, :-1]  # (N, M)
    rgb = (weights.unsqueeze(-1) * rgbs).sum(dim=1)  # (N, 3)
    node_weights = torch.zeros(len(sigmas), n_owners, dtype=weights.dtype, device=weights.device)
    node_weights = node_weights.scatter_add(1, owner, weights)
    return {"rgb": rgb, "weights": weights, "node_weights": node_weights, "transmittance": survive[:, -1]}
