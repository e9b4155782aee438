"""Frames of a graph: RGB, depth, panoptic ids and classes; picking the node under a pixel."""

from __future__ import annotations

import numpy as np
import pytest

from inferlab.data.scenes3d import Intrinsics, look_at
from inferlab.errors import UserError
from inferlab.methods.assist.graph import PANOPTIC_CLASSES
from inferlab.methods.assist.render import box_labels, pick, render_frame

INTR = Intrinsics.from_fov(32, 24, 40.0)
FRONT = look_at(np.array([-1.0, -6.0, 0.5]), np.array([-1.0, 0.0, 0.5]))  # cube 1 straight ahead, at distance 5.5


def test_frame_maps_and_consistent_ids_across_views(graph):
    frame = render_frame(graph, INTR, FRONT)
    assert frame.rgb.shape == (24, 32, 3) and frame.depth.shape == frame.instance.shape == (24, 32)
    assert frame.instance.dtype == np.int64 and frame.class_id.dtype == np.int64
    centre = (12, 16)
    assert frame.instance[centre] == 1 and PANOPTIC_CLASSES[frame.class_id[centre]] == "cube"
    assert frame.rgb[centre].tolist() == pytest.approx([0.9, 0.1, 0.1], abs=1e-3)
    assert frame.depth[centre] == pytest.approx(5.5, abs=0.05)
    assert np.isinf(frame.depth[0, 16]) and frame.instance[0, 16] == 0  # sky above the horizon
    side = render_frame(graph, INTR, look_at(np.array([-7.0, 0.0, 0.5]), np.array([-1.0, 0.0, 0.5])))
    assert side.instance[centre] == 1  # the same node id from another view


def test_pick_returns_the_node_or_none(graph):
    assert pick(graph, INTR, FRONT, 16, 12) == 1
    assert pick(graph, INTR, FRONT, 16, 0) is None
    assert pick(graph.delete(1), INTR, FRONT, 16, 12) is None
    with pytest.raises(UserError, match="outside the 32x24 image"):
        pick(graph, INTR, FRONT, 32, 0)


def test_hidden_nodes_are_not_rendered(graph):
    hidden = graph.set_visible(1, False)
    assert render_frame(hidden, INTR, FRONT).instance[12, 16] == 0 and 1 in hidden.nodes


def test_boxes_only_labels_equal_the_render_of_box_filling_fields(graph):
    """The conftest nodes are opaque everywhere in their boxes, so the first box a ray enters is what it sees."""
    instance, class_id = box_labels(graph, INTR, FRONT)
    frame = render_frame(graph, INTR, FRONT)
    assert np.array_equal(instance, frame.instance) and np.array_equal(class_id, frame.class_id)
    assert instance[12, 16] == 1 and instance[0, 16] == 0
    assert (box_labels(graph.delete(1), INTR, FRONT)[0] != 1).all()
