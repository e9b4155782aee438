"""Scene-graph edits: new ids, positions, immutability, cross-scene swap/add, queries and errors."""

from __future__ import annotations

import numpy as np
import pytest

from inferlab.errors import UserError
from inferlab.methods.assist.graph import SceneGraph


def test_objects_position_and_query(graph):
    assert [n.node_id for n in graph.objects()] == [1, 2, 3]
    assert graph.position(2).tolist() == [1.0, 0.0, 0.5]
    assert graph.query(class_name="cube") == [1]
    assert graph.query(colour="red") == [1, 3]
    assert graph.query(colour="red", class_name="cone") == [3]
    assert graph.query(node_id=2, colour="red") == []
    assert graph.query(class_name="background") == [0]


def test_duplicate_gets_the_next_id_and_moves_by_the_offset(graph):
    new, new_id = graph.duplicate(2, offset=(0.0, 2.0, 0.0))
    assert new_id == 4 and new.position(4).tolist() == [1.0, 2.0, 0.5]
    assert new.get(4).field is graph.get(2).field  # shared field: no retraining
    assert 4 not in graph.nodes and new.position(2).tolist() == [1.0, 0.0, 0.5]  # the old graph is unchanged


def test_delete_removes_only_that_node(graph):
    new = graph.delete(1)
    assert [n.node_id for n in new.objects()] == [2, 3] and 1 in graph.nodes
    _, new_id = new.duplicate(3)
    assert new_id == 4


def test_transform_translates_rotates_and_scales_about_the_box_bottom(graph):
    new = graph.transform(1, translate=(0.5, -0.5, 0.0), rotate_deg=90.0, scale=2.0)
    node = new.get(1)
    assert node.scale == pytest.approx(2.0)
    assert new.position(1).tolist() == pytest.approx([-0.5, -0.5, 1.0])  # bottom stays at z = 0: centre z = 2 * 0.5
    assert node.transform[:3, 0].tolist() == pytest.approx([0.0, 2.0, 0.0])  # local x now points along world +y
    assert graph.get(1).scale == pytest.approx(1.0)


def test_swap_exchanges_ground_positions(graph):
    new = graph.swap(1, 3)
    assert new.position(1).tolist() == [0.0, 1.5, 0.5] and new.position(3).tolist() == [-1.0, 0.0, 0.5]


def test_cross_scene_swap_and_add(graph, constant_node, background):
    other = SceneGraph({0: background(), 7: constant_node(7, "cylinder", "green", (3.0, 3.0, 0.8),
                                                          half=(0.3, 0.3, 0.8))})
    swapped = graph.swap(2, 7, other)
    node = swapped.get(2)
    assert node.class_name == "cylinder" and node.field is other.get(7).field
    assert swapped.position(2).tolist() == [1.0, 0.0, 0.8]  # a's (x, y) at its own resting height
    added, new_id = graph.add(other.get(7))
    assert new_id == 4 and added.get(4).colour == "green" and added.position(4).tolist() == [3.0, 3.0, 0.8]
    assert 7 not in added.nodes and other.position(7).tolist() == [3.0, 3.0, 0.8]


@pytest.mark.parametrize("call", [
    lambda g: g.delete(9), lambda g: g.duplicate(9), lambda g: g.transform(9, scale=2.0), lambda g: g.swap(1, 9),
    lambda g: g.position(9),
])
def test_unknown_ids_raise_a_user_error_listing_the_ids(graph, call):
    with pytest.raises(UserError, match="No node with id 9.*1, 2, 3"):
        call(graph)


def test_background_and_bad_numbers_are_refused(graph):
    with pytest.raises(UserError, match="background"):
        graph.delete(0)
    with pytest.raises(UserError, match="Scale factor"):
        graph.transform(1, scale=0.0)
    with pytest.raises(UserError, match="3 finite numbers"):
        graph.duplicate(1, offset=(1.0, 2.0))


def test_copy_is_independent(graph):
    twin = graph.copy()
    twin.nodes[1].transform[0, 3] = 99.0
    assert graph.position(1)[0] == -1.0 and np.array_equal(twin.position(2), graph.position(2))
