"""Procedural 3-D scenes of primitives (scene graph, cameras, exact ray casting, edits) and transforms.json I/O.

Usage:
    rng = np.random.default_rng(0)
    scene = generate_scene(rng, n_objects=5)
    intr = Intrinsics.from_fov(64, 64, 50.0)
    out = render(scene, intr, ring_poses(8)[0])   # out.rgb, out.depth, out.instance, out.class_id
    write_transforms("views/", scene, intr, ring_poses(8)); data = load_transforms("views/")
"""

from inferlab.data.scenes3d.cameras import Intrinsics, camera_rays, hemisphere_poses, look_at, project, ring_poses
from inferlab.data.scenes3d.io import PosedImages, load_instance, load_transforms, write_transforms
from inferlab.data.scenes3d.primitives import (
    CLASS_NAMES, intersect_cone, intersect_cube, intersect_cylinder, intersect_sphere,
)
from inferlab.data.scenes3d.render import Render, render, render_rays, render_supersampled
from inferlab.data.scenes3d.scene import (
    PALETTE, Background, Scene, SceneObject, delete_object, duplicate_object, generate_scene, make_object,
    move_object, scale_object, swap_objects,
)

__all__ = [
    "Background", "CLASS_NAMES", "Intrinsics", "PALETTE", "PosedImages", "Render", "Scene", "SceneObject",
    "camera_rays", "delete_object", "duplicate_object", "generate_scene", "hemisphere_poses", "intersect_cone",
    "intersect_cube", "intersect_cylinder", "intersect_sphere", "load_instance", "load_transforms", "look_at",
    "make_object", "move_object", "project", "render", "render_rays", "render_supersampled", "ring_poses",
    "scale_object", "swap_objects", "write_transforms",
]
