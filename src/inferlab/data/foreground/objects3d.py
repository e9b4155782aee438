"""CLEVR-like foreground data: 1..K primitives on a checkered ground, ray-cast by `data/scenes3d` from a random
camera on the upper hemisphere. The foreground mask is every pixel whose exact instance id is an object (the
panoptic map without the ground / sky). One object class can be held out of training for the unseen test."""

from __future__ import annotations

import numpy as np

from inferlab.data.foreground.base import ForegroundData, from_arrays, held_out_splits
from inferlab.data.scenes3d import CLASS_NAMES, Intrinsics, generate_scene, hemisphere_poses, render

FOV_DEG = 50.0


def objects3d_images(n: int, size: int, rng: np.random.Generator, classes: tuple[str, ...], max_objects: int,
                     name: str = "objects3d") -> ForegroundData:
    """n renders (size x size) whose objects are drawn from `classes`, with exact union-of-objects masks."""
    intr = Intrinsics.from_fov(size, size, FOV_DEG)
    images, masks = [], []
    for _ in range(n):
        scene = generate_scene(rng, n_objects=int(rng.integers(1, max_objects + 1)), classes=classes)
        out = render(scene, intr, hemisphere_poses(rng, 1)[0])
        images.append(out.rgb)
        masks.append(out.instance > 0)
    return from_arrays(name, images, masks)


def objects3d_splits(*, n_train: int, n_test: int, n_unseen: int, size: int, seed: int, held_out: str,
                     max_objects: int) -> dict[str, ForegroundData]:
    """train / test (seen classes, disjoint renders) / unseen (held-out class only), each from its own stream."""
    return held_out_splits(lambda n, rng, classes, name: objects3d_images(n, size, rng, classes, max_objects, name),
                           CLASS_NAMES, held_out, name="objects3d", n_train=n_train, n_test=n_test,
                           n_unseen=n_unseen, seed=seed, salt=3)
