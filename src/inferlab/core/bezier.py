"""A differentiable rasteriser of quadratic Bézier strokes (our stand-in for Learning to Paint's neural renderer).

A stroke is 6 numbers in [0, 1]: control points P0, P1, P2 as (x, y) fractions of the canvas side. The curve
B(t) = (1-t)^2 P0 + 2(1-t)t P1 + t^2 P2 is cut into `segments` straight pieces; a pixel's opacity is
alpha = sigmoid((width/2 - d) / softness), d = the distance (in pixels) from its centre to the nearest piece.
Strokes are white and composited over the canvas one after another: canvas <- canvas (1 - alpha) + alpha
(as the official `decode_con_grad` does with its rendered strokes). Every function is a pure function of tensors,
differentiable in the control points.
"""

from __future__ import annotations

import torch


def bezier_points(params: torch.Tensor, segments: int) -> torch.Tensor:
    """Points B(t_k), t_k = k / segments, k = 0..segments, of quadratic Béziers: (..., 6) -> (..., segments+1, 2)."""
    t = torch.linspace(0.0, 1.0, segments + 1, dtype=params.dtype, device=params.device)[:, None]  # (K+1, 1)
    p0, p1, p2 = (params[..., None, i:i + 2] for i in (0, 2, 4))  # (..., 1, 2)
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t ** 2 * p2


def pixel_centres(size: int, dtype: torch.dtype = torch.float32, device: torch.device | None = None) -> torch.Tensor:
    """(size*size, 2) pixel centres (x = column, y = row) in pixel units, row-major."""
    r = torch.arange(size, dtype=dtype, device=device)
    yy, xx = torch.meshgrid(r, r, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=-1)


def segment_distance(points: torch.Tensor, a: torch.Tensor, b: torch.Tensor, eps: float = 1e-9) -> torch.Tensor:
    """Squared distance from every point (P, 2) to every segment [a, b] (..., K, 2): (..., K, P).

    d^2 = |p - a - h (b - a)|^2, h = clamp(<p - a, b - a> / (|b - a|^2 + eps), 0, 1); x and y are kept as separate
    tensors (a trailing axis of 2 makes every elementwise op several times slower on CPU)."""
    px, py = points[:, 0], points[:, 1]  # (P,)
    ax, ay = a[..., 0, None], a[..., 1, None]  # (..., K, 1)
    abx, aby = b[..., 0, None] - ax, b[..., 1, None] - ay
    apx, apy = px - ax, py - ay  # (..., K, P)
    h = ((apx * abx + apy * aby) / (abx * abx + aby * aby + eps)).clamp(0.0, 1.0)
    return (apx - h * abx).square() + (apy - h * aby).square()


def stroke_alphas(params: torch.Tensor, size: int, *, width: float = 1.0, softness: float = 0.5,
                  segments: int = 6) -> torch.Tensor:
    """Opacity maps of strokes: params (B, S, 6) in [0, 1] -> (B, S, size, size) in (0, 1)."""
    pix = pixel_centres(size, params.dtype, params.device)  # (P, 2)
    pts = bezier_points(params, segments) * (size - 1)  # (B, S, K+1, 2), in pixels
    dist = (segment_distance(pix, pts[..., :-1, :], pts[..., 1:, :]).amin(dim=-2) + 1e-9).sqrt()  # (B, S, P)
    alpha = torch.sigmoid((0.5 * width - dist) / softness)
    return alpha.view(*params.shape[:-1], size, size)


def paint_strokes(canvas: torch.Tensor, params: torch.Tensor, *, width: float = 1.0, softness: float = 0.5,
                  segments: int = 6) -> torch.Tensor:
    """Draw strokes (B, S, 6) in order, white over a canvas (B, C, H, W) in [0, 1]: c <- c (1 - alpha) + alpha."""
    alphas = stroke_alphas(params, canvas.shape[-1], width=width, softness=softness, segments=segments)
    for s in range(alphas.shape[1]):
        a = alphas[:, s, None]  # (B, 1, H, W)
        canvas = canvas * (1 - a) + a
    return canvas
