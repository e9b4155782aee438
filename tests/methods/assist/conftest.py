"""Scene graphs with known fields for the ASSIST tests: constant-density, constant-colour nodes in boxes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from inferlab.methods.assist.fields import GroundSkyField
from inferlab.methods.assist.graph import SceneGraph, SceneNode, semantic_feature


class ConstantField(nn.Module):
    """sigma and rgb the same at every point of the box."""

    def __init__(self, sigma: float, rgb: tuple[float, float, float]):
        super().__init__()
        self.sigma, self.rgb = sigma, torch.tensor(rgb)

    def forward(self, u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.full((len(u),), self.sigma), self.rgb.expand(len(u), 3)


def _constant_node(node_id: int, class_name: str, colour: str, centre, half=(0.5, 0.5, 0.5), sigma: float = 1e4,
                  rgb=(0.2, 0.4, 0.6)) -> SceneNode:
    m = np.eye(4)
    m[:3, 3] = centre
    return SceneNode(node_id, class_name, colour, semantic_feature(class_name, colour), ConstantField(sigma, rgb),
                     np.asarray(half, dtype=np.float64), m)


def _background() -> SceneNode:
    return SceneNode(0, "background", "", semantic_feature("background", ""), GroundSkyField(resolution=8),
                     np.zeros(3), np.eye(4))


@pytest.fixture
def graph() -> SceneGraph:
    """Red cube 1 at (-1, 0), blue sphere 2 at (1, 0), red cone 3 at (0, 1.5); all resting on the ground."""
    return SceneGraph({0: _background(),
                       1: _constant_node(1, "cube", "red", (-1.0, 0.0, 0.5), rgb=(0.9, 0.1, 0.1)),
                       2: _constant_node(2, "sphere", "blue", (1.0, 0.0, 0.5), rgb=(0.1, 0.1, 0.9)),
                       3: _constant_node(3, "cone", "red", (0.0, 1.5, 0.5), rgb=(0.8, 0.2, 0.2))})


@pytest.fixture
def constant_node():
    """Factory: constant_node(id, class, colour, centre, half=(0.5,)*3, sigma=1e4, rgb=(0.2, 0.4, 0.6))."""
    return _constant_node


@pytest.fixture
def background():
    """Factory of an untrained ground-and-sky background node (id 0)."""
    return _background
