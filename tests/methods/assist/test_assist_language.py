"""Language instructions: parser, lexicon grounding (synonyms, ordinals, relations, pronouns) and error messages."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from inferlab.data.scenes3d import look_at
from inferlab.errors import UserError
from inferlab.methods.assist.edits import apply_edit
from inferlab.methods.assist.graph import SceneGraph, SceneNode, semantic_feature
from inferlab.methods.assist.language import GAP, apply_instruction, parse_instruction

FRONT_VIEW = look_at(np.array([0.0, -6.0, 3.0]), np.zeros(3))  # camera right = world +x
BACK_VIEW = look_at(np.array([0.0, 6.0, 3.0]), np.zeros(3))  # camera right = world -x


def _node(node_id: int, class_name: str, colour: str, xy: tuple[float, float], half: float = 0.3) -> SceneNode:
    m = np.eye(4)
    m[:3, 3] = [xy[0], xy[1], half]  # resting on the ground
    return SceneNode(node_id, class_name, colour, semantic_feature(class_name, colour), torch.nn.Identity(),
                     np.full(3, half), m)


@pytest.fixture
def graph() -> SceneGraph:
    background = SceneNode(0, "background", "", semantic_feature("background", ""), torch.nn.Identity(),
                           np.ones(3), np.eye(4))
    return SceneGraph({0: background, 1: _node(1, "sphere", "red", (-1.0, 0.0)), 2: _node(2, "cube", "red", (1.0, 0.0)),
                       3: _node(3, "cube", "blue", (-2.0, 1.0)), 4: _node(4, "cylinder", "blue", (0.0, -1.0)),
                       5: _node(5, "cone", "green", (1.5, 1.5))})


def _snapshot(graph: SceneGraph) -> dict[int, np.ndarray]:
    return {i: n.transform.copy() for i, n in graph.nodes.items()}


def test_parser_reads_the_sample_instructions():
    dup, put = parse_instruction("duplicate the red sphere and put it left of the box")
    assert (dup.verb, dup.referents[0].colour, dup.referents[0].class_name) == ("duplicate", "red", "sphere")
    assert put.verb == "move" and put.referents[0].pronoun
    assert put.relation[0] == "left" and put.relation[1].class_name == "cube"
    (delete,) = parse_instruction("delete the second cube")
    assert delete.referents[0].ordinal == 1
    (swap,) = parse_instruction("swap the ball and the cylinder")  # "and" inside a clause joins its objects
    assert [r.class_name for r in swap.referents] == ["sphere", "cylinder"]
    (move,) = parse_instruction("move the green box up by 0.5")
    assert (move.direction, move.amount) == ("up", (0.5, None))
    (rot,) = parse_instruction("rotate the cone by 45 degrees")
    assert rot.amount == (45.0, "angle")
    (bigger,) = parse_instruction("make the blue cylinder bigger")
    assert bigger.verb == "scale" and bigger.size == pytest.approx(1.5)
    (twice,) = parse_instruction("scale the can by 2")
    assert twice.amount == (2.0, None) and twice.referents[0].class_name == "cylinder"
    (rad,) = parse_instruction("turn it 0.5 radians clockwise")
    assert rad.amount[0] == pytest.approx(np.degrees(0.5)) and rad.sense == -1.0


@pytest.mark.parametrize("word,class_name", [("ball", "sphere"), ("globe", "sphere"), ("orb", "sphere"),
                                             ("box", "cube"), ("block", "cube"), ("tube", "cylinder"),
                                             ("can", "cylinder"), ("cone", "cone")])
def test_synonyms_name_classes(word, class_name):
    (clause,) = parse_instruction(f"delete the {word}")
    assert clause.referents[0].class_name == class_name


def test_sample_instructions_ground_to_edits(graph):
    edits, new, last = apply_instruction(graph, "delete the red ball")
    assert edits == [{"op": "delete", "id": 1}] and 1 not in new.nodes and last is None
    edits, new, _ = apply_instruction(graph, "swap the globe and the cylinder")
    assert edits == [{"op": "swap", "a": 1, "b": 4}]
    assert np.allclose(new.position(1)[:2], graph.position(4)[:2]) and np.allclose(new.position(4)[:2],
                                                                                     graph.position(1)[:2])
    _, new, _ = apply_instruction(graph, "move the blue box up by 0.5")
    assert new.position(3) == pytest.approx(graph.position(3) + [0, 0, 0.5])
    _, new, _ = apply_instruction(graph, "rotate the cone by 45 degrees")
    rot = new.nodes[5].transform[:2, :2]
    assert np.degrees(np.arctan2(rot[1, 0], rot[0, 0])) == pytest.approx(45.0)
    _, new, _ = apply_instruction(graph, "rotate the cone 30 degrees clockwise")
    rot = new.nodes[5].transform[:2, :2]
    assert np.degrees(np.arctan2(rot[1, 0], rot[0, 0])) == pytest.approx(-30.0)
    _, new, _ = apply_instruction(graph, "make the blue cylinder bigger")
    assert new.nodes[4].scale == pytest.approx(1.5)
    _, new, _ = apply_instruction(graph, "scale the tube by 2")
    assert new.nodes[4].scale == pytest.approx(2.0)
    assert new.position(4)[2] - 2 * 0.3 == pytest.approx(0.0)  # still standing on the ground


def test_duplicate_and_put_it_left_of_the_box_in_camera_and_world_frames(graph):
    for view, left in ((None, -1.0), (FRONT_VIEW, -1.0), (BACK_VIEW, 1.0)):  # left = world -x / -x / +x
        edits, new, last = apply_instruction(graph, "duplicate the red sphere and put it left of the red box", c2w=view)
        assert [e["op"] for e in edits] == ["duplicate", "transform"] and last == 6
        assert len(new.objects()) == len(graph.objects()) + 1
        assert np.allclose(new.position(1), graph.position(1))  # the original stays
        gap = 2 * np.hypot(0.3, 0.3) + GAP
        assert new.position(6) == pytest.approx(graph.position(2) + [left * gap, 0, 0], abs=1e-5)
        replayed = graph
        for edit in edits:  # the edit list replays to the same graph
            replayed, _ = apply_edit(replayed, edit, base_dir=".")
        assert np.allclose(replayed.position(6), new.position(6))


def test_relations_front_behind_on_top(graph):
    _, new, _ = apply_instruction(graph, "put the cone in front of the red cube", c2w=FRONT_VIEW)
    assert new.position(5)[1] < graph.position(2)[1] - 0.8  # in front = towards the camera at -y
    _, new, _ = apply_instruction(graph, "put the cone behind the red cube", c2w=FRONT_VIEW)
    assert new.position(5)[1] > graph.position(2)[1] + 0.8
    _, new, _ = apply_instruction(graph, "put the cone on top of the red cube")
    assert new.position(5) == pytest.approx([1.0, 0.0, 0.6 + 0.3])


def test_relation_target_is_pushed_past_a_blocking_object():
    background = SceneNode(0, "background", "", semantic_feature("background", ""), torch.nn.Identity(),
                           np.ones(3), np.eye(4))
    graph = SceneGraph({0: background, 1: _node(1, "cube", "red", (0.0, 0.0)),
                        2: _node(2, "sphere", "blue", (-0.95, 0.0)), 3: _node(3, "cone", "green", (2.0, 2.0))})
    _, new, _ = apply_instruction(graph, "put the cone left of the cube")
    footprint = np.hypot(0.3, 0.3)
    x = new.position(3)[0]
    assert -0.95 - 2 * footprint - GAP < x <= -0.95 - 2 * footprint  # first GAP step clear of the sphere


def test_ordinals_count_left_to_right_in_the_view_or_by_id(graph):
    # cubes: id 2 at x = 1, id 3 at x = -2
    assert apply_instruction(graph, "delete the first cube", c2w=FRONT_VIEW)[0] == [{"op": "delete", "id": 3}]
    assert apply_instruction(graph, "delete the first cube", c2w=BACK_VIEW)[0] == [{"op": "delete", "id": 2}]
    assert apply_instruction(graph, "delete the last cube", c2w=FRONT_VIEW)[0] == [{"op": "delete", "id": 2}]
    assert apply_instruction(graph, "delete the second block")[0] == [{"op": "delete", "id": 3}]
    with pytest.raises(UserError, match=r"number 3, but only 2 match: red cube \(id 2\), blue cube \(id 3\)"):
        apply_instruction(graph, "delete the third cube")


def test_queries_name_a_node_without_editing(graph):
    edits, new, last = apply_instruction(graph, "find the second cube", c2w=FRONT_VIEW)
    assert edits == [] and last == 2 and new is graph
    edits, _, last = apply_instruction(graph, "select the cone and move it up by 0.2")
    assert [e["op"] for e in edits] == ["transform"] and edits[0]["id"] == 5 and last == 5


def test_it_names_the_previous_object_or_the_selection(graph):
    edits, _, _ = apply_instruction(graph, "move it up by 0.25", selected=4)
    assert edits[0]["id"] == 4 and edits[0]["translate"] == [0.0, 0.0, 0.25]
    edits, _, _ = apply_instruction(graph, "move the cone up and rotate it by 90 degrees")
    assert [e["id"] for e in edits] == [5, 5] and edits[1]["rotate_deg"] == 90.0
    with pytest.raises(UserError, match="'it' has nothing to refer to"):
        apply_instruction(graph, "delete it")


def test_ambiguous_referent_names_candidates_and_changes_nothing(graph):
    before = _snapshot(graph)
    with pytest.raises(UserError) as err:
        apply_instruction(graph, "move the cone up by 1 and delete the cube")
    assert str(err.value) == ("'the cube' matches 2 objects: red cube (id 2), blue cube (id 3); say which "
                              "(e.g. 'the red cube' or 'the second cube').")
    after = _snapshot(graph)
    _, twins, _ = apply_instruction(graph, "duplicate the red sphere")
    with pytest.raises(UserError, match=r"red sphere \(id 6\); say which \(e.g. 'the second sphere'\)"):
        apply_instruction(twins, "delete the sphere")  # same colour: only the ordinal is suggested
    assert before.keys() == after.keys() and all(np.array_equal(before[i], after[i]) for i in before)


def test_filler_words_are_ignored(graph):
    plain, _, _ = apply_instruction(graph, "delete the red cube")
    assert [e["op"] for e in plain] == ["delete"]
    for text in ("now delete the red cube", "please delete the red cube", "and then delete the red cube now"):
        assert apply_instruction(graph, text)[0] == plain, text


def test_unknown_words_and_referents_raise_clear_errors(graph):
    with pytest.raises(UserError, match=r"Unknown word 'teleport'.*e\.g\. 'delete the second cube' or") as err:
        apply_instruction(graph, "teleport the cube")
    assert "\n" not in str(err.value) and "clockwise" not in str(err.value)  # one line, not the vocabulary
    with pytest.raises(UserError, match=r"'the purple ball' matches no object; the scene has: red sphere \(id 1\)"):
        apply_instruction(graph, "delete the purple ball")
    with pytest.raises(UserError, match="say how much"):
        apply_instruction(graph, "scale the cone")
    with pytest.raises(UserError, match="takes two objects"):
        apply_instruction(graph, "swap the cone")
    with pytest.raises(UserError, match="must start with a verb"):
        apply_instruction(graph, "the cone up")
    with pytest.raises(UserError, match="say which way"):
        apply_instruction(graph, "move the cone by 0.5")
    with pytest.raises(UserError, match="gives two amounts"):
        apply_instruction(graph, "move the cone up by 0.5 by 0.2")
