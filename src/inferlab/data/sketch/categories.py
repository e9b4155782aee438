"""Object categories of the sketch game: shapes built from parts, and a documented "word vector" per category.

A category is a builder rng -> parts: polygons in canonical coordinates (the object fits the unit disc), each added
(+1) or cut out (-1) in order, so rings and frames have holes. The builder draws the instance's own part
proportions (a star's inner radius, an arrow's head) from `rng`; pose, size, colour, texture and clutter are drawn
by render.py.

Word vectors (semanticity's ground truth, standing in for the official word embeddings of category names): per
category the declared features
    corners   number of sharp corners of the outline
    curved    fraction of the outline that is curved (0 straight edges only .. 1 all curves)
    symmetry  order of rotational symmetry (a disc counts 8)
    mirror    1 if the shape has a mirror axis
    parts     number of added parts
    hole      1 if a part is cut out of the inside
plus two measured on the canonical shape's mask (`measured_features`): elongation (ratio of the principal axes'
standard deviations) and solidity (area / convex-hull area). `word_vectors` standardises every feature across the
categories given, so that cosine similarity compares the categories' profiles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Part = tuple[np.ndarray, int]
"""(vertices (V, 2), +1 to add or -1 to cut out)."""


def polygon(n: int, r: float = 1.0, *, rot: float = 0.0, cx: float = 0.0, cy: float = 0.0, sx: float = 1.0,
            sy: float = 1.0) -> np.ndarray:
    """Regular n-gon (a disc when n is large) of circumradius r; rot in radians, first vertex up."""
    a = rot + np.pi / 2 + 2 * np.pi * np.arange(n) / n
    return np.stack([cx + sx * r * np.cos(a), cy + sy * r * np.sin(a)], axis=-1)


def disc(r: float = 1.0, **kw) -> np.ndarray:
    return polygon(40, r, **kw)


def rect(cx: float, cy: float, w: float, h: float) -> np.ndarray:
    return np.array([[cx - w / 2, cy - h / 2], [cx + w / 2, cy - h / 2], [cx + w / 2, cy + h / 2],
                     [cx - w / 2, cy + h / 2]])


def star(n: int, inner: float, r: float = 1.0) -> np.ndarray:
    outer, inn = polygon(n, r), polygon(n, r * inner, rot=np.pi / n)
    return np.stack([outer, inn], axis=1).reshape(-1, 2)


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def _heart(rng):
    r = _u(rng, 0.42, 0.5)
    return [(disc(r, cx=-r * 0.95, cy=0.3), 1), (disc(r, cx=r * 0.95, cy=0.3), 1),
            (np.array([[-1.0, 0.15], [1.0, 0.15], [0.0, -1.0]]), 1)]


BUILDERS: dict[str, Callable[[np.random.Generator], list[Part]]] = {
    "triangle": lambda rng: [(polygon(3), 1)],
    "square": lambda rng: [(polygon(4, rot=np.pi / 4), 1)],
    "circle": lambda rng: [(disc(), 1)],
    "star": lambda rng: [(star(5, _u(rng, 0.38, 0.5)), 1)],
    "cross": lambda rng: (lambda w: [(rect(0, 0, w, 1.9), 1), (rect(0, 0, 1.9, w), 1)])(_u(rng, 0.5, 0.65)),
    "ring": lambda rng: [(disc(), 1), (disc(_u(rng, 0.5, 0.62)), -1)],
    "arrow": lambda rng: (lambda h: [(rect(-0.35, 0, 1.3, 0.4), 1),
                                     (np.array([[0.3, -h], [1.0, 0.0], [0.3, h]]), 1)])(_u(rng, 0.55, 0.75)),
    "house": lambda rng: [(rect(0, -0.35, 1.3, 1.1), 1), (np.array([[-0.9, 0.2], [0.9, 0.2], [0.0, 1.0]]), 1)],
    "hexagon": lambda rng: [(polygon(6), 1)],
    "crescent": lambda rng: [(disc(), 1), (disc(0.85, cx=_u(rng, 0.4, 0.55), cy=0.1), -1)],
    "ellipse": lambda rng: [(disc(sy=_u(rng, 0.45, 0.6)), 1)],
    "pentagon": lambda rng: [(polygon(5), 1)],
    "star4": lambda rng: [(star(4, _u(rng, 0.3, 0.42)), 1)],
    "heart": _heart,
    "snowman": lambda rng: (lambda r: [(disc(0.55, cy=-0.42), 1), (disc(r, cy=0.55), 1)])(_u(rng, 0.35, 0.45)),
    "lollipop": lambda rng: [(disc(0.5, cy=0.45), 1), (rect(0, -0.45, 0.18, 1.1), 1)],
    "dumbbell": lambda rng: (lambda r: [(disc(r, cx=-0.65), 1), (disc(r, cx=0.65), 1),
                                        (rect(0, 0, 1.3, 0.22), 1)])(_u(rng, 0.32, 0.4)),
    "tee": lambda rng: [(rect(0, 0.7, 1.8, 0.45), 1), (rect(0, -0.2, 0.45, 1.5), 1)],
    "ell": lambda rng: [(rect(-0.55, 0, 0.45, 1.8), 1), (rect(0.0, -0.7, 1.5, 0.45), 1)],
    "diamond": lambda rng: [(polygon(4, sx=_u(rng, 0.5, 0.65)), 1)],
    "semicircle": lambda rng: [(np.concatenate([disc()[30:], disc()[:11]]) * [1, 1] + [0, -0.3], 1)],
    "hourglass": lambda rng: [(np.array([[-0.7, 1.0], [0.7, 1.0], [0.0, 0.0]]), 1),
                              (np.array([[-0.7, -1.0], [0.7, -1.0], [0.0, 0.0]]), 1)],
    "flower": lambda rng: [(disc(0.4), 1)] + [(disc(0.3, cx=0.65 * np.cos(a), cy=0.65 * np.sin(a)), 1)
                                              for a in np.arange(6) * np.pi / 3],
    "frame": lambda rng: [(polygon(4, rot=np.pi / 4), 1), (polygon(4, _u(rng, 0.55, 0.65), rot=np.pi / 4), -1)],
    "tree": lambda rng: [(np.array([[-0.8, -0.3], [0.8, -0.3], [0.0, 1.0]]), 1), (rect(0, -0.65, 0.3, 0.7), 1)],
    "mushroom": lambda rng: [(np.concatenate([disc()[30:], disc()[:11]]) * [1, 0.8] + [0, -0.1], 1),
                             (rect(0, -0.55, 0.4, 0.9), 1)],
}
"""Category name -> builder, in the order `make_sketch_data` takes them (the first n are used)."""


@dataclass(frozen=True)
class DeclaredFeatures:
    corners: int
    curved: float
    symmetry: int
    mirror: int
    parts: int
    hole: int


DECLARED = {
    "triangle": DeclaredFeatures(3, 0.0, 3, 1, 1, 0), "square": DeclaredFeatures(4, 0.0, 4, 1, 1, 0),
    "circle": DeclaredFeatures(0, 1.0, 8, 1, 1, 0), "star": DeclaredFeatures(10, 0.0, 5, 1, 1, 0),
    "cross": DeclaredFeatures(12, 0.0, 4, 1, 2, 0), "ring": DeclaredFeatures(0, 1.0, 8, 1, 1, 1),
    "arrow": DeclaredFeatures(7, 0.0, 1, 1, 2, 0), "house": DeclaredFeatures(5, 0.0, 1, 1, 2, 0),
    "hexagon": DeclaredFeatures(6, 0.0, 6, 1, 1, 0), "crescent": DeclaredFeatures(2, 1.0, 1, 1, 1, 0),
    "ellipse": DeclaredFeatures(0, 1.0, 2, 1, 1, 0), "pentagon": DeclaredFeatures(5, 0.0, 5, 1, 1, 0),
    "star4": DeclaredFeatures(8, 0.0, 4, 1, 1, 0), "heart": DeclaredFeatures(2, 0.7, 1, 1, 3, 0),
    "snowman": DeclaredFeatures(2, 1.0, 1, 1, 2, 0), "lollipop": DeclaredFeatures(4, 0.7, 1, 1, 2, 0),
    "dumbbell": DeclaredFeatures(4, 0.85, 2, 1, 3, 0), "tee": DeclaredFeatures(8, 0.0, 1, 1, 2, 0),
    "ell": DeclaredFeatures(6, 0.0, 1, 0, 2, 0), "diamond": DeclaredFeatures(4, 0.0, 2, 1, 1, 0),
    "semicircle": DeclaredFeatures(2, 0.6, 1, 1, 1, 0), "hourglass": DeclaredFeatures(6, 0.0, 2, 1, 2, 0),
    "flower": DeclaredFeatures(6, 1.0, 6, 1, 7, 0), "frame": DeclaredFeatures(8, 0.0, 4, 1, 1, 1),
    "tree": DeclaredFeatures(7, 0.0, 1, 1, 2, 0), "mushroom": DeclaredFeatures(6, 0.5, 1, 1, 2, 0),
}
CATEGORY_NAMES = tuple(BUILDERS)


def measured_features(mask: np.ndarray) -> tuple[float, float]:
    """(elongation, solidity) of a binary mask: principal-axis std ratio, area / convex-hull area."""
    from scipy.spatial import ConvexHull

    ys, xs = np.nonzero(mask)
    pts = np.stack([xs, ys], axis=1).astype(np.float64)
    ev = np.linalg.eigvalsh(np.cov(pts.T))
    hull = ConvexHull(pts)
    return float(np.sqrt(ev[1] / max(ev[0], 1e-9))), float(len(pts) / max(hull.volume, 1.0))


def word_vectors(names: list[str], masks: list[np.ndarray]) -> np.ndarray:
    """(C, 8) standardised features of the categories `names`, given each one's canonical mask."""
    rows = []
    for name, mask in zip(names, masks):
        d = DECLARED[name]
        rows.append([d.corners, d.curved, d.symmetry, d.mirror, d.parts, d.hole, *measured_features(mask)])
    feats = np.asarray(rows, dtype=np.float64)
    return (feats - feats.mean(0)) / (feats.std(0) + 1e-6)
