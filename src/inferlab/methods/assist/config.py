"""ASSIST configuration and presets ("ASSIST: Interactive Scene Nodes for Scalable and Realistic Indoor Simulation",
arXiv 2311.06211)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field  # "field" is the name of a config section here
from typing import Literal

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig
from inferlab.errors import UserError


def _at_least(section: str, cfg: object, minimum: float, *names: str) -> None:
    for name in names:
        if getattr(cfg, name) < minimum:
            raise UserError(f"{section}.{name}={getattr(cfg, name)}: it must be >= {minimum}.")


@dataclass(frozen=True)
class SceneConfig:
    """The procedural scene (data.scenes3d) and its posed views; the generator's seed is the run's seed."""

    n_objects: int = bounded(4, ge=1)
    """Objects on the ground."""
    extent: float = bounded(2.0, gt=0)
    """Objects stand in [-extent, extent]^2."""
    image_size: int = bounded(64, ge=4)
    """Training and held-out views are image_size x image_size."""
    fov_deg: float = bounded(45.0, gt=0, lt=180)
    """Horizontal field of view of every camera."""
    camera_radius: float = bounded(5.0, gt=0)
    """Cameras look at (0, 0, 0.3) from this distance."""
    train_views: int = bounded(40, ge=1)
    """Training views, uniform on the hemisphere band of elevations below."""
    test_views: int = bounded(4, ge=1)
    """Held-out views from the same band (other random poses)."""
    elevation_min: float = bounded(15.0, ge=0, lt=90)
    """Lowest camera elevation (degrees)."""
    elevation_max: float = bounded(60.0, ge=0, lt=90)
    """Highest camera elevation (degrees)."""
    supersample: int = bounded(4, ge=1, le=16)
    """A view's pixel colour is the mean of supersample x supersample rays inside the pixel (a camera integrates
    over its pixel; scenes3d.render_supersampled); depth and instance ids are the pixel centre's. 1 = one ray
    through the centre: far checkerboard ground is then point-sampled noise that no model can predict."""

    def __post_init__(self) -> None:
        _at_least("scene", self, 1, "n_objects", "train_views", "test_views")
        _at_least("scene", self, 4, "image_size")
        if not 0.0 <= self.elevation_min <= self.elevation_max < 90.0:
            raise UserError(f"scene.elevation_min={self.elevation_min}, scene.elevation_max={self.elevation_max}: "
                            "need 0 <= elevation_min <= elevation_max < 90 (degrees).")


@dataclass(frozen=True)
class FieldConfig:
    """Every object node's field (fields.py) and the background's ground texture."""

    kind: Literal["grid", "voxel", "hash", "mlp"] = "grid"
    """grid: feature grid + tiny decoder; voxel: (sigma, rgb) grid; hash: multiresolution hash encoding + tiny
    decoder; mlp: positional encoding + MLP."""
    resolution: int = bounded(16, ge=2)
    """Grid vertices per side (grid, voxel); twice this is the finest hash level."""
    hash_levels: int = bounded(6, ge=1)
    """Levels of the hash kind (4 vertices per side up to 2 x resolution)."""
    hash_table_log2: int = bounded(12, ge=1, le=24)
    """log2 of the entries per level of the hash kind."""
    channels: int = bounded(8, ge=1)
    """Feature channels of the grid kind."""
    hidden: int = bounded(32, ge=1)
    """Hidden units of the decoder (grid, hash) or of the MLP (mlp)."""
    frequencies: int = bounded(4, ge=1)
    """Positional-encoding octaves of the mlp kind."""
    mlp_layers: int = bounded(3, ge=1)
    """Linear layers of the mlp kind."""
    density_scale: float = bounded(50.0, gt=0)
    """sigma = softplus(raw - 4) * density_scale (per metre of the node's local frame)."""
    box_margin: float = bounded(0.1, ge=0)
    """A node's box is the generator's object box grown by this fraction per side."""
    ground_resolution: int = bounded(256, ge=2, le=8192)
    """Texels per side of the background's contracted ground texture."""
    ground_radius: float = bounded(4.0, gt=0)
    """The inner square [-r, r]^2 of the ground gets half of the texture's texels."""

    def __post_init__(self) -> None:
        _at_least("field", self, 2, "resolution", "ground_resolution")
        _at_least("field", self, 1, "hash_levels", "hash_table_log2", "channels", "hidden", "frequencies",
                  "mlp_layers")


@dataclass(frozen=True)
class RenderConfig:
    samples_per_node: int = bounded(32, ge=1)
    """Stratified samples per ray inside each node's box (jittered in training, midpoints when rendering)."""

    def __post_init__(self) -> None:
        _at_least("render", self, 1, "samples_per_node")


@dataclass(frozen=True)
class LossConfig:
    mask_weight: float = bounded(0.1, ge=0)
    """Weight of the instance-mask loss: cross-entropy of the per-node weight shares against the true instance."""


@dataclass(frozen=True)
class OptimConfig:
    grid_lr: float = bounded(0.05, ge=0, le=10)
    """Adam learning rate of grids, the ground texture and the sky (explicit parameters train fast with large steps)."""
    net_lr: float = bounded(0.005, ge=0, le=10)
    """Adam learning rate of decoders and MLPs."""
    final_lr_fraction: float = bounded(0.1, gt=0, le=1)
    """Both learning rates decay exponentially to this fraction of their start over train.steps."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(2048, ge=1)
    """Held-out rays (random pixels of the held-out views) that `evaluate` renders for its PSNR."""
    editor_size: int = bounded(128, ge=8, le=4096)
    """Image side of the editor's view, for `render_seconds` in the bench."""
    render_repeats: int = bounded(3, ge=1)
    """Timed frames for render_seconds."""


@dataclass(frozen=True)
class ASSISTConfig:
    variant: Literal["assist", "single_field"] = "assist"
    """assist: one field per scene node; single_field: the baseline, one field over the whole scene's box."""
    scene: SceneConfig = dataclass_field(default_factory=SceneConfig)
    field: FieldConfig = dataclass_field(default_factory=FieldConfig)
    render: RenderConfig = dataclass_field(default_factory=RenderConfig)
    loss: LossConfig = dataclass_field(default_factory=LossConfig)
    optim: OptimConfig = dataclass_field(default_factory=OptimConfig)
    train: TrainConfig = dataclass_field(default_factory=TrainConfig)
    """Batches are rays of the training views."""
    eval: EvalConfig = dataclass_field(default_factory=EvalConfig)


def tiny() -> ASSISTConfig:
    """4 objects, 40 views of 64x64, 16^3 feature grids, 600 steps of 1024 rays: 20-30 s on one CPU core."""
    return ASSISTConfig(train=TrainConfig(steps=600, batch_size=1024, log_every=50, checkpoint_every=200))


def paper() -> ASSISTConfig:
    """Larger scene and fields; the paper trains each scene for hours on a GPU (README: what is scaled)."""
    return ASSISTConfig(
        scene=SceneConfig(n_objects=6, image_size=128, train_views=100, test_views=10),
        field=FieldConfig(resolution=48, channels=16, hidden=64, ground_resolution=512),
        render=RenderConfig(samples_per_node=64),
        train=TrainConfig(steps=20_000, batch_size=4096, log_every=100, checkpoint_every=1000, eval_every=2000),
        eval=EvalConfig(samples=8192),
    )


PRESETS = {"tiny": tiny, "paper": paper}
