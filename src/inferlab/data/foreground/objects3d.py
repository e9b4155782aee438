"""CLEVR-like foreground data: 1..K primitives on a checkered ground, ray-cast by `data/scenes3d` from a random
camera on the upper hemisphere. The foreground mask is every pixel whose exact instance id is an object (the
panoptic map without the ground / sky). One object class can be held out of training for the unseen test."""

from __future__ import annotations

import numpy as np
import torch

from inferlab.data.foreground.base import ForegroundData
from inferlab.data.scenes3d import CLASS_NAMES, Intrinsics, generate_scene, hemisphere_poses, render
from inferlab.errors import UserError

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
    x = torch.from_numpy(np.stack(images).astype(np.float32)).permute(0, 3, 1, 2) * 2 - 1  # (N, 3, H, W)
    m = torch.from_numpy(np.stack(masks).astype(np.float32))[:, None]  # (N, 1, H, W)
    return ForegroundData(name, x.contiguous(), m)


def objects3d_splits(*, n_train: int, n_test: int, n_unseen: int, size: int, seed: int, held_out: str,
                     max_objects: int) -> dict[str, ForegroundData]:
    """train / test (seen classes, disjoint renders) / unseen (held-out class only), each from its own stream."""
    if held_out not in CLASS_NAMES:
        raise UserError(f"data.held_out_shape={held_out!r}: objects3d holds out one of {', '.join(CLASS_NAMES)} "
                        f"(e.g. --set data.held_out_shape=cone).")
    seen = tuple(c for c in CLASS_NAMES if c != held_out)
    streams = np.random.SeedSequence([seed, 3]).spawn(3)
    splits = {"train": objects3d_images(n_train, size, np.random.default_rng(streams[0]), seen, max_objects),
              "test": objects3d_images(n_test, size, np.random.default_rng(streams[1]), seen, max_objects)}
    if n_unseen:
        splits["unseen"] = objects3d_images(n_unseen, size, np.random.default_rng(streams[2]), (held_out,),
                                            max_objects, name=f"objects3d:{held_out}")
    return splits
