"""Radiance fields of scene nodes, small enough to train on a CPU.

An object field maps points u of its node's normalised local box [-1, 1]^3 (u = x_local / half_extents) to a
density sigma >= 0 (per unit of local length) and a colour in [0, 1]^3. The scene data are Lambertian, so the
colour does not depend on the view direction. Kinds (README: timing comparison):
  grid    dense feature grid, trilinear `grid_sample`, tiny MLP decoder (DVGO / Plenoxels-style; default)
  voxel   dense grid of (sigma, rgb) directly, trilinear, no decoder
  hash    multiresolution hash encoding (Instant-NGP, Mueller et al. 2022) + tiny MLP decoder
  mlp     NeRF-style MLP on a sinusoidal positional encoding of u
The background node's field is `GroundSkyField`: an opaque ground plane z = 0 with a learned texture, and a sky
colour that depends on the ray direction.

Every field has `spec` (a JSON-ready dict) and `make_field(spec)` rebuilds an untrained twin of it, so a saved
scene is graph.json plus one safetensors state dict per node.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from inferlab.errors import UserError

DENSITY_SHIFT = -4.0
"""sigma = softplus(raw + DENSITY_SHIFT) * density_scale: fields start almost empty (softplus(-4) = 0.018)."""


def _density(raw: torch.Tensor, scale: float) -> torch.Tensor:
    return F.softplus(raw + DENSITY_SHIFT) * scale


def _trilinear(grid: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """Features (M, C) of grid (1, C, R, R, R) at points u (M, 3) in [-1, 1]^3 (u = (x, y, z) -> (W, H, D))."""
    out = F.grid_sample(grid, u.view(1, 1, 1, -1, 3), mode="bilinear", padding_mode="border", align_corners=True)
    return out.view(grid.shape[1], -1).t()


class GridField(nn.Module):
    """Dense feature grid (C x R^3) read by trilinear interpolation, then Linear(C, hidden) - ReLU -
    Linear(hidden, 4) -> (sigma, rgb)."""

    def __init__(self, *, resolution: int = 16, channels: int = 8, hidden: int = 32, density_scale: float = 50.0):
        super().__init__()
        self.spec = {"kind": "grid", "resolution": resolution, "channels": channels, "hidden": hidden,
                     "density_scale": density_scale}
        self.grid = nn.Parameter(0.1 * torch.randn(1, channels, resolution, resolution, resolution))
        self.decoder = nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(), nn.Linear(hidden, 4))
        self.density_scale = density_scale

    def forward(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.decoder(_trilinear(self.grid, u))  # (M, 4)
        return _density(out[:, 0], self.density_scale), torch.sigmoid(out[:, 1:])


class VoxelField(nn.Module):
    """Dense grid of raw (sigma, r, g, b) per vertex (4 x R^3), trilinear, no decoder (DVGO's coarse stage)."""

    def __init__(self, *, resolution: int = 16, density_scale: float = 50.0):
        super().__init__()
        self.spec = {"kind": "voxel", "resolution": resolution, "density_scale": density_scale}
        self.grid = nn.Parameter(0.1 * torch.randn(1, 4, resolution, resolution, resolution))
        self.density_scale = density_scale

    def forward(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = _trilinear(self.grid, u)  # (M, 4)
        return _density(out[:, 0], self.density_scale), torch.sigmoid(out[:, 1:])


HASH_PRIMES = (1, 2654435761, 805459861)
"""Instant-NGP's spatial hash: h(c) = (c_x * 1 xor c_y * 2654435761 xor c_z * 805459861) mod T."""


class HashGridField(nn.Module):
    """Multiresolution hash encoding (Mueller et al. 2022): `levels` grids from 4 to `resolution` vertices per side
    (geometric growth), each vertex's F = 2 features looked up in its level's table of T = 2^table_log2 entries
    (direct indexing where the level has at most T vertices, the spatial hash otherwise), trilinear per level,
    concatenated, then Linear(2 levels, hidden) - ReLU - Linear(hidden, 4) -> (sigma, rgb)."""

    def __init__(self, *, resolution: int = 32, levels: int = 6, table_log2: int = 12, hidden: int = 32,
                 density_scale: float = 50.0):
        super().__init__()
        self.spec = {"kind": "hash", "resolution": resolution, "levels": levels, "table_log2": table_log2,
                     "hidden": hidden, "density_scale": density_scale}
        growth = (resolution / 4.0) ** (1.0 / max(levels - 1, 1))
        self.resolutions = [int(round(4 * growth**level)) for level in range(levels)]
        self.table_size = 2**table_log2
        self.table = nn.Parameter(torch.empty(levels, self.table_size, 2).uniform_(-1e-4, 1e-4))
        self.decoder = nn.Sequential(nn.Linear(2 * levels, hidden), nn.ReLU(), nn.Linear(hidden, 4))
        self.register_buffer("primes", torch.tensor(HASH_PRIMES), persistent=False)
        self.register_buffer("corners", torch.tensor([[i >> 2 & 1, i >> 1 & 1, i & 1] for i in range(8)]),
                             persistent=False)
        self.density_scale = density_scale

    def _index(self, c: torch.Tensor, res: int) -> torch.Tensor:
        """Table rows of integer vertices c (..., 3) on a level with res vertices per side."""
        if res**3 <= self.table_size:
            return c[..., 0] + res * (c[..., 1] + res * c[..., 2])
        h = c * self.primes
        return torch.bitwise_xor(torch.bitwise_xor(h[..., 0], h[..., 1]), h[..., 2]) % self.table_size

    def forward(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        features = []
        for level, res in enumerate(self.resolutions):
            x = (u.clamp(-1, 1) + 1) / 2 * (res - 1)  # (M, 3) in vertex units
            base = x.floor().long().clamp(max=res - 2)
            frac = x - base  # (M, 3)
            c = base.unsqueeze(1) + self.corners  # (M, 8, 3)
            w = torch.where(self.corners.bool(), frac.unsqueeze(1), 1 - frac.unsqueeze(1)).prod(-1)  # (M, 8)
            rows = self.table[level][self._index(c, res)]  # (M, 8, 2)
            features.append((w.unsqueeze(-1) * rows).sum(1))
        out = self.decoder(torch.cat(features, dim=-1))
        return _density(out[:, 0], self.density_scale), torch.sigmoid(out[:, 1:])


class MLPField(nn.Module):
    """NeRF-style: gamma(u) = (u, sin(2^k pi u), cos(2^k pi u))_{k < frequencies}, then an MLP -> (sigma, rgb)."""

    def __init__(self, *, frequencies: int = 4, hidden: int = 64, layers: int = 3, density_scale: float = 50.0):
        super().__init__()
        self.spec = {"kind": "mlp", "frequencies": frequencies, "hidden": hidden, "layers": layers,
                     "density_scale": density_scale}
        self.register_buffer("freqs", math.pi * 2.0 ** torch.arange(frequencies, dtype=torch.float32),
                             persistent=False)
        width = 3 + 6 * frequencies
        mods: list[nn.Module] = []
        for _ in range(layers - 1):
            mods += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.mlp = nn.Sequential(*mods, nn.Linear(width, 4))
        self.density_scale = density_scale

    def forward(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        angles = (u.unsqueeze(-1) * self.freqs).flatten(1)  # (M, 3 * frequencies)
        out = self.mlp(torch.cat([u, angles.sin(), angles.cos()], dim=-1))
        return _density(out[:, 0], self.density_scale), torch.sigmoid(out[:, 1:])


class GroundSkyField(nn.Module):
    """Background: the opaque ground plane z = 0 seen from above, plus the sky for rays that miss it.

    Ground colour = sigmoid(texture) at the plane point p = (x, y), read bilinearly from a (3, R, R) texture over
    contracted coordinates: q = p / r for |p|_inf <= r, else (2 - r / |p|_inf) p / |p|_inf (mip-NeRF 360's
    contraction in the inf-norm), so the whole infinite plane fits in q in [-2, 2]^2 and the inner square
    [-r, r]^2 gets half of the texels. Sky colour = sigmoid(a + B d) for the unit ray direction d.
    """

    def __init__(self, *, resolution: int = 128, inner_radius: float = 4.0):
        super().__init__()
        self.spec = {"kind": "ground_sky", "resolution": resolution, "inner_radius": inner_radius}
        self.texture = nn.Parameter(torch.zeros(1, 3, resolution, resolution))
        self.sky_bias = nn.Parameter(torch.zeros(3))
        self.sky_dir = nn.Parameter(torch.zeros(3, 3))
        self.inner_radius = inner_radius

    def contract(self, p: torch.Tensor) -> torch.Tensor:
        """(N, 2) plane points -> (N, 2) texture coordinates in [-1, 1]."""
        q = p / self.inner_radius
        norm = q.abs().amax(dim=-1, keepdim=True).clamp_min(1e-9)
        q = torch.where(norm <= 1.0, q, (2.0 - 1.0 / norm) * q / norm)
        return q / 2.0

    def forward(self, origins: torch.Tensor, dirs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """World rays (N, 3) -> distance to the ground t (N,) (inf for the sky), colour (N, 3), ground-hit mask."""
        hit = (dirs[:, 2] < -1e-9) & (origins[:, 2] > 0)
        t = torch.where(hit, -origins[:, 2] / torch.where(hit, dirs[:, 2], -torch.ones_like(dirs[:, 2])),
                        torch.full_like(dirs[:, 2], math.inf))
        p = origins[:, :2] + torch.where(hit, t, torch.zeros_like(t)).unsqueeze(-1) * dirs[:, :2]
        uv = self.contract(p)
        ground = F.grid_sample(self.texture, uv.view(1, 1, -1, 2), mode="bilinear", padding_mode="border",
                               align_corners=True).view(3, -1).t()
        sky = self.sky_bias + dirs @ self.sky_dir.t()
        return t, torch.sigmoid(torch.where(hit.unsqueeze(-1), ground, sky)), hit


FIELD_KINDS = {"grid": GridField, "voxel": VoxelField, "hash": HashGridField, "mlp": MLPField,
               "ground_sky": GroundSkyField}


def make_field(spec: dict) -> nn.Module:
    """A new field from a `spec` dict ({"kind": ..., constructor keywords}); UserError for an unknown kind/key."""
    kind = spec.get("kind")
    if kind not in FIELD_KINDS:
        raise UserError(f"Unknown field kind {kind!r}; allowed: {', '.join(FIELD_KINDS)}.")
    try:
        return FIELD_KINDS[kind](**{k: v for k, v in spec.items() if k != "kind"})
    except TypeError as err:
        raise UserError(f"Bad field spec {spec}: {err}.") from None
