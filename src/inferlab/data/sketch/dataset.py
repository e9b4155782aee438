"""The game's data set: category x instance photos and sketches, word vectors and splits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from inferlab.data.sketch.categories import BUILDERS, CATEGORY_NAMES, word_vectors
from inferlab.data.sketch.render import CANONICAL, Pose, render_photo, render_sketch, shape_mask
from inferlab.errors import UserError


@dataclass(frozen=True)
class SketchData:
    """photos (C, I, 3, S, S) and sketches (C, I, 1, S, S) in [0, 1]; word_vectors (C, 8); the last
    `n_unseen_categories` categories and the instances from `n_seen_instances` on are held out of training."""

    names: tuple[str, ...]
    photos: torch.Tensor
    sketches: torch.Tensor
    word_vectors: torch.Tensor
    n_unseen_categories: int
    n_seen_instances: int

    @property
    def seen_categories(self) -> np.ndarray:
        return np.arange(len(self.names) - self.n_unseen_categories)

    @property
    def unseen_categories(self) -> np.ndarray:
        return np.arange(len(self.names) - self.n_unseen_categories, len(self.names))

    @property
    def seen_instances(self) -> np.ndarray:
        return np.arange(self.n_seen_instances)

    @property
    def unseen_instances(self) -> np.ndarray:
        return np.arange(self.n_seen_instances, self.photos.shape[1])

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(categories, instances) a split's games draw from: 'seen', 'unseen_instance' or 'unseen_category'."""
        table = {"seen": (self.seen_categories, self.seen_instances),
                 "unseen_instance": (self.seen_categories, self.unseen_instances),
                 "unseen_category": (self.unseen_categories, np.arange(self.photos.shape[1]))}
        if name not in table:
            raise UserError(f"unknown sketch-game split {name!r}; splits: {', '.join(table)}")
        return table[name]


def make_sketch_data(*, n_categories: int, n_unseen_categories: int, n_instances: int, n_seen_instances: int,
                     size: int, seed: int, max_angle: float = 0.5) -> SketchData:
    """Render `n_instances` instances of the first `n_categories` categories (`CATEGORY_NAMES` order) at `size`
    pixels; every instance draws its proportions, pose (rotation up to `max_angle` radians), colours and clutter
    from one seeded generator, so the same arguments give the same data."""
    if not 3 <= n_categories - n_unseen_categories and n_unseen_categories >= 0:
        raise UserError("the sketch game needs at least 3 seen categories")
    if not (3 <= n_unseen_categories or n_unseen_categories == 0) or n_categories > len(CATEGORY_NAMES):
        raise UserError(f"n_categories must be <= {len(CATEGORY_NAMES)} and n_unseen_categories 0 or >= 3 "
                        f"(a game shows 3 categories); got {n_categories} and {n_unseen_categories}")
    if not 1 <= n_seen_instances <= n_instances or size % 2 or size < 8:
        raise UserError("need 1 <= n_seen_instances <= n_instances and an even size >= 8")
    rng = np.random.default_rng(seed)
    names = CATEGORY_NAMES[:n_categories]
    photos = np.zeros((n_categories, n_instances, 3, size, size), np.float32)
    sketches = np.zeros((n_categories, n_instances, 1, size, size), np.float32)
    for c, name in enumerate(names):
        for i in range(n_instances):
            parts, pose = BUILDERS[name](rng), Pose.draw(rng, max_angle)
            photos[c, i] = render_photo(parts, pose, size, rng)
            sketches[c, i, 0] = render_sketch(parts, pose, size)
    masks = [shape_mask(BUILDERS[n](np.random.default_rng(0)), CANONICAL, 64) for n in names]
    return SketchData(tuple(names), torch.from_numpy(photos), torch.from_numpy(sketches),
                      torch.tensor(word_vectors(list(names), masks), dtype=torch.float32),
                      n_unseen_categories, n_seen_instances)
