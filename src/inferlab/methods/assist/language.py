"""Language instructions -> scene-graph edit dicts: a small rule-based parser and a lexicon grounding.

    edits, graph2, last_id = apply_instruction(graph, "duplicate the red sphere and put it left of the box", c2w=pose)

Pipeline: `tokenize` -> `parse_instruction` (clauses of verb + referents + relation / direction / amount) ->
`apply_instruction`, which grounds each clause's referents against the current graph's visible object nodes,
turns the clause into one edit dict (the JSON format of edits.py) and applies it with `edits.apply_edit`
before grounding the next clause (so "it" can name the copy a "duplicate" made). Any unknown word, missing
argument or ambiguous referent raises `UserError` before the caller's graph is replaced: instructions are
all-or-nothing, and graph edits return new graphs, so the input graph is never changed.

Grounding uses the nodes' semantic labels (class name and colour) through the lexicon below, not text
embeddings: the scene vocabulary is four classes and ten colours, and a lexicon is exact, documented and
offline. Frames: with a camera pose `c2w`, "left/right" follow the camera's right axis and "forward/behind"
its viewing direction, both projected onto the ground plane; without one they are the world's +x (right) and
+y (forward, away from the viewer). "up/above" is always world +z. Ordinals ("the second cube") order the
matching objects left to right in the view (by the image x of their centres), or by id without a view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from inferlab.data.scenes3d import PALETTE
from inferlab.errors import UserError
from inferlab.methods.assist.edits import apply_edit

if TYPE_CHECKING:
    from inferlab.methods.assist.graph import SceneGraph

# ---------------------------------------------------------------- lexicon (every word the parser accepts)
VERBS = {
    "duplicate": "duplicate", "copy": "duplicate", "clone": "duplicate", "replicate": "duplicate",
    "delete": "delete", "remove": "delete", "erase": "delete", "discard": "delete",
    "swap": "swap", "exchange": "swap", "switch": "swap",
    "move": "move", "put": "move", "place": "move", "shift": "move", "slide": "move", "push": "move",
    "raise": "move", "lift": "move", "lower": "move",
    "rotate": "rotate", "turn": "rotate", "spin": "rotate",
    "scale": "scale", "resize": "scale", "make": "scale", "grow": "scale", "enlarge": "scale", "shrink": "scale",
    "select": "select", "find": "select", "show": "select", "highlight": "select", "query": "select",
}
VERB_DEFAULTS = {"raise": ("dir", "up"), "lift": ("dir", "up"), "lower": ("dir", "down"),
                 "grow": ("size", 1.5), "enlarge": ("size", 1.5), "shrink": ("size", 1 / 1.5)}
CLASS_SYNONYMS = {
    "sphere": "sphere", "ball": "sphere", "globe": "sphere", "orb": "sphere",
    "cube": "cube", "box": "cube", "block": "cube", "crate": "cube",
    "cylinder": "cylinder", "tube": "cylinder", "can": "cylinder", "pillar": "cylinder", "column": "cylinder",
    "cone": "cone", "funnel": "cone",
}
GENERIC_NOUNS = ("object", "thing", "shape", "item", "one")
COLOUR_SYNONYMS = {"grey": "gray", "violet": "purple", "teal": "cyan", "turquoise": "cyan"}
ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
            "fifth": 4, "5th": 4, "last": -1}
DETERMINERS = ("the", "a", "an", "this", "that")
PRONOUNS = ("it", "itself")
SEPARATORS = ("and", "then", ",", ";")
FILLERS = ("please", "now", "kindly", "by", "to", "as", "big", "large", "of", "size")
# multi-word phrases, longest first when matched: (words, kind, value)
PHRASES = [
    (("to", "the", "left", "of"), "rel", "left"), (("on", "the", "left", "of"), "rel", "left"),
    (("left", "of"), "rel", "left"),
    (("to", "the", "right", "of"), "rel", "right"), (("on", "the", "right", "of"), "rel", "right"),
    (("right", "of"), "rel", "right"), (("next", "to"), "rel", "right"), (("beside",), "rel", "right"),
    (("in", "front", "of"), "rel", "front"), (("behind",), "rel", "behind"), (("in", "back", "of"), "rel", "behind"),
    (("on", "top", "of"), "rel", "top"), (("above",), "rel", "top"), (("onto",), "rel", "top"),
    (("on",), "rel", "top"),
    (("towards", "the", "camera"), "dir", "back"), (("toward", "the", "camera"), "dir", "back"),
    (("away", "from", "the", "camera"), "dir", "forward"),
    (("to", "the", "left"), "dir", "left"), (("to", "the", "right"), "dir", "right"),
    (("counter", "clockwise"), "sense", 1.0), (("anti", "clockwise"), "sense", 1.0),
    (("twice", "as", "big"), "size", 2.0), (("half", "the", "size"), "size", 0.5),
    (("half", "as", "big"), "size", 0.5),
]
DIRECTIONS = {"up": "up", "upward": "up", "upwards": "up", "down": "down", "downward": "down",
              "downwards": "down", "left": "left", "right": "right", "forward": "forward", "forwards": "forward",
              "away": "forward", "further": "forward", "farther": "forward", "back": "back", "backward": "back",
              "backwards": "back", "closer": "back"}
SENSES = {"counterclockwise": 1.0, "anticlockwise": 1.0, "clockwise": -1.0}
SIZE_WORDS = {"bigger": 1.5, "larger": 1.5, "smaller": 1 / 1.5, "twice": 2.0, "double": 2.0, "half": 0.5,
              "triple": 3.0}
LENGTH_UNITS = ("m", "meter", "meters", "metre", "metres", "unit", "units")
ANGLE_UNITS = {"degree": 1.0, "degrees": 1.0, "deg": 1.0, "radian": 180 / np.pi, "radians": 180 / np.pi,
               "rad": 180 / np.pi}
FACTOR_UNITS = ("x", "times")
_PHRASES_LONGEST_FIRST = sorted(PHRASES, key=lambda p: -len(p[0]))

MOVE_STEP = 0.5
"""Metres moved by "move the cube left" when no amount is given."""
ROTATE_STEP = 45.0
"""Degrees turned by "rotate the cone" when no angle is given (counter-clockwise seen from above)."""
GAP = 0.1
"""Clearance in metres between two objects placed side by side by a relation ("left of the box")."""
MAX_PUSHES = 100
"""A relation's target moves at most this many GAP steps further out to clear other objects' footprints."""


# ---------------------------------------------------------------- parsing
@dataclass(frozen=True)
class Referent:
    """A noun phrase: "the second red box" -> ordinal 1, colour "red", class "cube"; "it" -> pronoun."""

    text: str
    colour: str | None = None
    class_name: str | None = None
    ordinal: int | None = None
    pronoun: bool = False


@dataclass
class Clause:
    """One verb with its arguments, as written (ungrounded)."""

    verb: str
    verb_word: str
    text: str
    referents: list[Referent] = field(default_factory=list)
    relation: tuple[str, Referent] | None = None
    direction: str | None = None
    amount: tuple[float, str | None] | None = None  # (value, "length" | "angle" | "factor" | None)
    size: float | None = None
    sense: float | None = None


class Item(NamedTuple):
    """One lexed unit: kind (verb, ref, rel, dir, sense, size, amount, sep, filler), its value, its words."""

    kind: str
    value: Any
    words: str


def tokenize(text: str) -> list[str]:
    """Lower-case words, numbers ("-0.5", "45") and clause punctuation; "45°" -> "45 degrees", "2x" -> "2 x"."""
    text = text.lower().replace("°", " degrees ").replace("-", " - ")
    tokens = re.findall(r"\d+(?:st|nd|rd|th)\b|\d+(?:\.\d+)?|[a-z]+|[,;]|[^\s\w.!?'\"]", text)
    merged: list[str] = []
    for tok in tokens:  # a "-" right before a number is its sign; elsewhere a hyphen joins words
        if merged and merged[-1] == "-" and re.fullmatch(r"\d+(?:\.\d+)?", tok):
            merged[-1] = "-" + tok
        else:
            merged.append(tok)
    return [t for t in merged if t != "-"]


def _is_number(tok: str) -> bool:
    return re.fullmatch(r"-?\d+(?:\.\d+)?", tok) is not None


GRAMMAR_HINT = ("say a verb, then the object (ordinal, colour, shape) and where or how much, e.g. 'delete the "
                "second cube' or 'move the red sphere left by 0.5'")
"""What a failed instruction shows instead of the whole vocabulary (the lexicon above lists every word)."""


def _canonical_colour(word: str) -> str | None:
    word = COLOUR_SYNONYMS.get(word, word)
    return word if word in PALETTE else None


def _lex(tokens: list[str], text: str) -> list[Item]:
    """Tokens -> items, longest multi-word phrase first, unknown words rejected."""
    items: list[Item] = []
    i = 0
    while i < len(tokens):
        phrase = next((p for p in _PHRASES_LONGEST_FIRST if tuple(tokens[i:i + len(p[0])]) == p[0]), None)
        tok = tokens[i]
        if phrase is not None:
            words, kind, value = phrase
            items.append(Item(kind, value, " ".join(words)))
            i += len(words)
        elif tok in SEPARATORS:
            items.append(Item("sep", tok, tok))
            i += 1
        elif tok in VERBS:
            items.append(Item("verb", tok, tok))
            i += 1
        elif _is_number(tok):
            unit, skip = _unit(tokens[i + 1] if i + 1 < len(tokens) else None)
            value = float(tok) * (ANGLE_UNITS.get(tokens[i + 1], 1.0) if unit == "angle" else 1.0)
            items.append(Item("amount", (value, unit), " ".join(tokens[i:i + 1 + skip])))
            i += 1 + skip
        elif tok in DIRECTIONS:
            items.append(Item("dir", DIRECTIONS[tok], tok))
            i += 1
        elif tok in SENSES:
            items.append(Item("sense", SENSES[tok], tok))
            i += 1
        elif tok in SIZE_WORDS:
            items.append(Item("size", SIZE_WORDS[tok], tok))
            i += 1
        elif tok in PRONOUNS:
            items.append(Item("ref", Referent(tok, pronoun=True), tok))
            i += 1
        elif tok in DETERMINERS or tok in ORDINALS or _canonical_colour(tok) or tok in CLASS_SYNONYMS \
                or tok in GENERIC_NOUNS:
            ref, i = _referent(tokens, i, text)
            if ref is None:  # a lone determiner is a filler
                items.append(Item("filler", tok, tok))
                i += 1
            else:
                items.append(Item("ref", ref, ref.text))
        elif tok in FILLERS:
            items.append(Item("filler", tok, tok))
            i += 1
        else:
            raise UserError(f"Unknown word {tok!r} in instruction {text!r}: {GRAMMAR_HINT}.")
    return items


def _unit(tok: str | None) -> tuple[str | None, int]:
    if tok in LENGTH_UNITS:
        return "length", 1
    if tok in ANGLE_UNITS:
        return "angle", 1
    if tok in FACTOR_UNITS:
        return "factor", 1
    return None, 0


def _referent(tokens: list[str], i: int, text: str) -> tuple[Referent | None, int]:
    """[determiner] [ordinal] [colour] [class noun | object/thing/one]; returns (None, i) for a lone determiner."""
    start = i
    if tokens[i] in DETERMINERS:
        i += 1
    ordinal = colour = class_name = None
    noun = False
    if i < len(tokens) and tokens[i] in ORDINALS:
        ordinal = ORDINALS[tokens[i]]
        i += 1
    if i < len(tokens) and _canonical_colour(tokens[i]):
        colour = _canonical_colour(tokens[i])
        i += 1
    if i < len(tokens) and (tokens[i] in CLASS_SYNONYMS or tokens[i] in GENERIC_NOUNS):
        class_name = CLASS_SYNONYMS.get(tokens[i])
        noun = True
        i += 1
    if not (noun or colour):
        if ordinal is None and tokens[start] in ("this", "that"):
            return Referent(tokens[start], pronoun=True), start + 1
        if ordinal is not None:
            raise UserError(f"{' '.join(tokens[start:i])!r} in instruction {text!r} needs a noun, e.g. "
                            f"'the {' '.join(tokens[start + 1:i])} cube'.")
        return None, start
    return Referent(" ".join(tokens[start:i]), colour, class_name, ordinal), i


def parse_instruction(text: str) -> list[Clause]:
    """Split an instruction into clauses at "and", "then", "," and ";" (a part without a verb continues the
    clause before it, as in "swap the ball and the cube") and collect each clause's arguments."""
    items = _lex(tokenize(text), text)
    if not items:
        raise UserError(f"Empty instruction {text!r}: {GRAMMAR_HINT}.")
    segments: list[list[Item]] = [[]]
    for item in items:
        if item.kind == "sep":
            segments.append([item._replace(kind="filler")])  # kept as a filler for a verbless continuation
        else:
            segments[-1].append(item)
    clauses: list[list[Item]] = []
    for seg in segments:
        kinds = [item.kind for item in seg]
        content = [kind for kind in kinds if kind != "filler"]
        if not content:
            continue
        if content[0] == "verb":
            clauses.append(seg[kinds.index("verb"):])
        elif clauses:
            clauses[-1].extend(seg)
        else:
            raise UserError(f"Instruction {text!r} must start with a verb ({', '.join(sorted(set(VERBS.values())))}"
                            f"), e.g. 'delete the red cube'.")
    return [_clause(seg, text) for seg in clauses]


ARGUMENT_FIELDS = {"dir": "direction", "sense": "sense", "size": "size", "amount": "amount"}


def _clause(items: list[Item], text: str) -> Clause:
    verb_word = items[0].value
    clause = Clause(VERBS[verb_word], verb_word, " ".join(item.words for item in items))
    default = VERB_DEFAULTS.get(verb_word)
    if default:
        setattr(clause, ARGUMENT_FIELDS[default[0]], default[1])
    rest = [item for item in items[1:] if item.kind != "filler"]
    given: set[str] = set()
    k = 0
    while k < len(rest):
        kind, value, words = rest[k]
        if kind in ARGUMENT_FIELDS and kind in given:
            raise UserError(f"'{clause.text}' gives two {ARGUMENT_FIELDS[kind]}s; give one per clause.")
        given.add(kind)
        if kind == "verb":
            raise UserError(f"Two verbs in one clause of {text!r} ({verb_word!r}, {value!r}); join clauses with "
                            "'and', e.g. 'duplicate the cube and move it left'.")
        if kind == "rel":
            if k + 1 >= len(rest) or rest[k + 1].kind != "ref":
                raise UserError(f"{words!r} in {text!r} needs an object after it, e.g. '{words} the red cube'.")
            if clause.relation is not None:
                raise UserError(f"Only one relation per clause in {text!r}.")
            clause.relation = (value, rest[k + 1].value)
            k += 2
            continue
        if kind == "ref":
            clause.referents.append(value)
        else:
            setattr(clause, ARGUMENT_FIELDS[kind], value)
        k += 1
    return clause


# ---------------------------------------------------------------- grounding
@dataclass(frozen=True)
class NodeInfo:
    """What grounding needs of an object node: labels, world centre, footprint radius and half height."""

    node_id: int
    class_name: str
    colour: str
    position: np.ndarray
    radius: float
    half_height: float

    def describe(self) -> str:
        return f"{self.colour} {self.class_name} (id {self.node_id})"


def node_infos(graph: SceneGraph) -> list[NodeInfo]:
    """The graph's visible object nodes with world-frame sizes (half extents times the transform's scale)."""
    infos = []
    for node in graph.objects():
        he = np.asarray(node.half_extents, dtype=np.float64) * node.scale
        infos.append(NodeInfo(node.node_id, node.class_name, node.colour, np.asarray(graph.position(node.node_id)),
                              float(np.hypot(he[0], he[1])), float(he[2])))
    return infos


def view_axes(c2w: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Unit ground-plane vectors (right, forward) of the view; world +x, +y without a camera."""
    if c2w is None:
        return np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    right = np.array([c2w[0, 0], c2w[1, 0], 0.0])
    right /= max(np.linalg.norm(right), 1e-9)
    forward = np.array([-right[1], right[0], 0.0])  # right rotated 90 degrees counter-clockwise about +z
    return right, forward


def _view_order(nodes: list[NodeInfo], c2w: np.ndarray | None) -> list[NodeInfo]:
    """Left to right in the image (x / depth of the centre in camera coordinates), ties by id; by id without a view."""
    if c2w is None:
        return sorted(nodes, key=lambda n: n.node_id)
    w2c = np.linalg.inv(c2w)

    def image_x(n: NodeInfo) -> float:
        p = w2c[:3, :3] @ n.position + w2c[:3, 3]
        return float(p[0] / max(-p[2], 1e-6))
    return sorted(nodes, key=lambda n: (image_x(n), n.node_id))


def ground(ref: Referent, nodes: list[NodeInfo], *, previous: int | None, c2w: np.ndarray | None) -> NodeInfo:
    """The one node a referent names, or UserError naming the candidates."""
    by_id = {n.node_id: n for n in nodes}
    if ref.pronoun:
        if previous is None or previous not in by_id:
            raise UserError(f"{ref.text!r} has nothing to refer to: name an object first (e.g. 'the red cube') or "
                            "select one in the editor.")
        return by_id[previous]
    matches = [n for n in nodes if (ref.class_name is None or n.class_name == ref.class_name)
               and (ref.colour is None or n.colour == ref.colour)]
    scene = ", ".join(n.describe() for n in nodes) or "no objects"
    if not matches:
        raise UserError(f"'{ref.text}' matches no object; the scene has: {scene}.")
    if ref.ordinal is not None:
        ordered = _view_order(matches, c2w)
        if ref.ordinal >= len(ordered):
            raise UserError(f"'{ref.text}' asks for object number {ref.ordinal + 1}, but only {len(ordered)} "
                            f"match: {', '.join(n.describe() for n in ordered)}.")
        return ordered[ref.ordinal]
    if len(matches) > 1:
        noun = " ".join(filter(None, (ref.colour, ref.class_name or "object")))
        unique_colour = ref.colour is None and sum(n.colour == matches[0].colour for n in matches) == 1
        by_colour = f"'the {matches[0].colour} {noun}' or " if unique_colour else ""
        raise UserError(f"'{ref.text}' matches {len(matches)} objects: {', '.join(n.describe() for n in matches)}; "
                        f"say which (e.g. {by_colour}'the second {noun}').")
    return matches[0]


def placement(node: NodeInfo, relation: str, anchor: NodeInfo, c2w: np.ndarray | None,
              others: list[NodeInfo] = ()) -> np.ndarray:
    """World centre that puts `node` beside / in front of / behind / on top of `anchor`.

    Side by side: anchor centre + direction * (r_node + r_anchor + GAP) at the node's own height, with r the
    footprint radius (so the bounding circles do not touch), then pushed further along the direction in GAP steps
    while it would overlap one of `others`; "top": anchor's xy, resting on its top face.
    """
    right, forward = view_axes(c2w)
    if relation == "top":
        return np.array([*anchor.position[:2], anchor.position[2] + anchor.half_height + node.half_height])
    direction = {"left": -right, "right": right, "front": -forward, "behind": forward}[relation]
    target = anchor.position + direction * (node.radius + anchor.radius + GAP)
    target[2] = node.position[2]
    blockers = [o for o in others if o.node_id not in (node.node_id, anchor.node_id)]
    for _ in range(MAX_PUSHES):
        if not any(np.linalg.norm(target[:2] - o.position[:2]) < node.radius + o.radius for o in blockers):
            break
        target = target + direction * GAP
    return target


def _direction_vector(direction: str, c2w: np.ndarray | None) -> np.ndarray:
    right, forward = view_axes(c2w)
    up = np.array([0.0, 0.0, 1.0])
    return {"left": -right, "right": right, "forward": forward, "back": -forward, "up": up, "down": -up}[direction]


def _length(clause: Clause) -> float:
    if clause.amount is None:
        return MOVE_STEP
    value, unit = clause.amount
    if unit not in (None, "length"):
        raise UserError(f"'{clause.text}': a move takes a distance in metres (e.g. 'by 0.5'), not {value:g} {unit}.")
    return value


def _offset(clause: Clause, node: NodeInfo, nodes: list[NodeInfo], previous: int | None,
            c2w: np.ndarray | None) -> np.ndarray | None:
    """World translation asked for by a relation or a direction (+ distance) in the clause, or None."""
    if clause.relation is not None:
        if clause.direction is not None or clause.amount is not None:
            raise UserError(f"'{clause.text}': give either a relation ('left of the box') or a direction and "
                            "distance ('left by 0.5'), not both.")
        relation, anchor_ref = clause.relation
        anchor = ground(anchor_ref, nodes, previous=previous, c2w=c2w)
        if anchor.node_id == node.node_id:
            raise UserError(f"'{clause.text}': an object cannot be placed relative to itself.")
        return placement(node, relation, anchor, c2w, nodes) - node.position
    if clause.direction is not None:
        return _direction_vector(clause.direction, c2w) * _length(clause)
    if clause.amount is not None:
        raise UserError(f"'{clause.text}': say which way, e.g. 'up by 0.5', 'left by 0.5', 'forward by 0.5'.")
    return None


def _expect(clause: Clause, n_refs: int, allowed: set[str]) -> None:
    """UserError if the clause has the wrong number of objects or arguments its verb does not take."""
    if len(clause.referents) != n_refs:
        names = {1: "one object", 2: "two objects"}[n_refs]
        example = {"swap": "swap the ball and the cube"}.get(clause.verb, f"{clause.verb_word} the red cube")
        got = ", ".join(f"'{r.text}'" for r in clause.referents) or "none"
        raise UserError(f"'{clause.text}': {clause.verb_word!r} takes {names} (e.g. '{example}'), got {got}.")
    present = {name for name in ("relation", "direction", "amount", "size", "sense")
               if getattr(clause, name) is not None}
    extra = present - allowed
    if extra:
        raise UserError(f"'{clause.text}': {clause.verb_word!r} does not take a {', '.join(sorted(extra))}.")


def clause_to_edit(clause: Clause, nodes: list[NodeInfo], *, previous: int | None,
                   c2w: np.ndarray | None) -> tuple[dict | None, int]:
    """One grounded clause -> (edit dict, or None for a query; id of the node the clause was about)."""
    if clause.verb == "select":
        _expect(clause, 1, set())
        return None, ground(clause.referents[0], nodes, previous=previous, c2w=c2w).node_id
    if clause.verb == "swap":
        _expect(clause, 2, set())
        a = ground(clause.referents[0], nodes, previous=previous, c2w=c2w)
        b = ground(clause.referents[1], nodes, previous=previous, c2w=c2w)
        if a.node_id == b.node_id:
            raise UserError(f"'{clause.text}': both phrases name {a.describe()}; swap needs two different objects.")
        return {"op": "swap", "a": a.node_id, "b": b.node_id}, b.node_id
    if clause.verb == "delete":
        _expect(clause, 1, set())
        node = ground(clause.referents[0], nodes, previous=previous, c2w=c2w)
        return {"op": "delete", "id": node.node_id}, node.node_id
    if clause.verb == "duplicate":
        _expect(clause, 1, {"relation", "direction", "amount"})
        node = ground(clause.referents[0], nodes, previous=previous, c2w=c2w)
        offset = _offset(clause, node, nodes, previous, c2w)
        if offset is None:  # default: beside the original, to its right in the view
            offset = placement(node, "right", node, c2w, nodes) - node.position
        return {"op": "duplicate", "id": node.node_id, "offset": _floats(offset)}, node.node_id
    if clause.verb == "move":
        _expect(clause, 1, {"relation", "direction", "amount"})
        node = ground(clause.referents[0], nodes, previous=previous, c2w=c2w)
        offset = _offset(clause, node, nodes, previous, c2w)
        if offset is None:
            raise UserError(f"'{clause.text}': say where to, e.g. '{clause.verb_word} it left of the box' or "
                            f"'{clause.verb_word} it up by 0.5'.")
        return _transform(node.node_id, translate=offset), node.node_id
    if clause.verb == "rotate":
        _expect(clause, 1, {"amount", "sense", "direction"})
        node = ground(clause.referents[0], nodes, previous=previous, c2w=c2w)
        return _transform(node.node_id, rotate_deg=_angle(clause)), node.node_id
    _expect(clause, 1, {"amount", "size"})
    node = ground(clause.referents[0], nodes, previous=previous, c2w=c2w)
    return _transform(node.node_id, scale=_factor(clause)), node.node_id  # scales about the box's bottom centre


def _angle(clause: Clause) -> float:
    """Degrees, positive = counter-clockwise seen from above; "clockwise" / "right" turn the other way."""
    if clause.direction not in (None, "left", "right"):
        raise UserError(f"'{clause.text}': a rotation turns left/right or (counter)clockwise, not {clause.direction}.")
    degrees = ROTATE_STEP
    if clause.amount is not None:
        value, unit = clause.amount
        if unit not in (None, "angle"):
            raise UserError(f"'{clause.text}': a rotation takes an angle (e.g. 'by 45 degrees'), not {value:g} {unit}.")
        degrees = value
    sense = clause.sense if clause.sense is not None else (-1.0 if clause.direction == "right" else 1.0)
    return sense * degrees


def _factor(clause: Clause) -> float:
    if clause.amount is not None:
        value, unit = clause.amount
        if unit not in (None, "factor"):
            raise UserError(f"'{clause.text}': scaling takes a factor (e.g. 'by 2'), not {value:g} {unit}.")
        factor = value
    elif clause.size is not None:
        factor = clause.size
    else:
        raise UserError(f"'{clause.text}': say how much, e.g. 'scale the cube by 2' or 'make the cube bigger'.")
    if not factor > 0:
        raise UserError(f"'{clause.text}': a scale factor must be positive, got {factor:g}.")
    return factor


def _floats(v: np.ndarray) -> list[float]:
    return [round(float(x), 6) for x in v]


def _transform(node_id: int, *, translate=(0.0, 0.0, 0.0), rotate_deg: float = 0.0, scale: float = 1.0) -> dict:
    return {"op": "transform", "id": node_id, "translate": _floats(np.asarray(translate, dtype=np.float64)),
            "rotate_deg": float(rotate_deg), "scale": float(scale)}


def apply_instruction(graph: SceneGraph, text: str, *, c2w: np.ndarray | None = None, selected: int | None = None,
                      base_dir: Path = Path(".")) -> tuple[list[dict], SceneGraph, int | None]:
    """Parse, ground and apply an instruction clause by clause.

    Returns (edit dicts in order, new graph, id of the last node referred to or created). "it" names the node
    of the previous clause (the copy, after "duplicate"), or `selected` in the first clause. A query ("select /
    find / show the red cube") adds no edit; it only names the node (the editor selects it). The edit list
    replays on `graph` with `edits.apply_edit` to the same result. On any error nothing is returned, so the
    caller keeps `graph` (which no edit modifies in place).
    """
    clauses = parse_instruction(text)
    edits: list[dict] = []
    previous = selected
    for clause in clauses:
        edit, about = clause_to_edit(clause, node_infos(graph), previous=previous, c2w=c2w)
        if edit is None:
            previous = about
            continue
        graph, new_id = apply_edit(graph, edit, base_dir=base_dir)
        edits.append(edit)
        previous = new_id if new_id is not None else (None if edit["op"] == "delete" else about)
    return edits, graph, previous
