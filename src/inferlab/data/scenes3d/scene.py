"""Scene graph of primitives standing on a ground plane, its procedural generator, edits and JSON form.

World frame: right-handed, +z up, ground plane z = 0, units are metres. Every object's world transform is
rigid (a yaw rotation about +z, then a translation) and puts its local origin at the centre of its local
axis-aligned bounding box [-half_extents, +half_extents], so an object resting on the ground has its centre at
z = half_extents[2]. Instance ids start at 1 (0 is the background); class ids are CLASS_NAMES index + 1.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field

import numpy as np

from inferlab.data.scenes3d.primitives import CLASS_NAMES
from inferlab.errors import UserError

PALETTE: dict[str, tuple[float, float, float]] = {
    "red": (0.85, 0.15, 0.15), "green": (0.15, 0.7, 0.2), "blue": (0.15, 0.3, 0.85), "yellow": (0.9, 0.8, 0.1),
    "purple": (0.55, 0.2, 0.7), "cyan": (0.1, 0.75, 0.8), "orange": (0.95, 0.5, 0.1), "white": (0.92, 0.92, 0.92),
    "gray": (0.5, 0.5, 0.5), "brown": (0.45, 0.3, 0.15),
}
OBJECT_COLOURS = ("red", "green", "blue", "yellow", "purple", "cyan", "orange")
GROUND_CHOICES = (("gray", "white"), ("white", "gray"), ("brown", "gray"))  # checkerboard colour pairs


def _check_name(value: str, allowed: tuple[str, ...] | dict, what: str) -> str:
    if value not in allowed:
        raise UserError(f"Unknown {what}: {value!r}; allowed: {', '.join(allowed)}.")
    return value


def yaw_transform(position: tuple[float, float, float], yaw: float) -> np.ndarray:
    """4x4 rigid transform: rotate by `yaw` radians about +z, then translate to `position`."""
    c, s = np.cos(yaw), np.sin(yaw)
    m = np.eye(4)
    m[:2, :2] = [[c, -s], [s, c]]
    m[:3, 3] = position
    return m


@dataclass(frozen=True)
class SceneObject:
    """One primitive: the unit primitive of `class_name` scaled by `half_extents`, placed by `transform`."""

    instance_id: int
    class_name: str
    colour_name: str
    half_extents: tuple[float, float, float]
    """Local AABB is [-half_extents, +half_extents]; a sphere has three equal entries (its radius)."""
    transform: tuple[tuple[float, ...], ...]
    """4x4 local-to-world matrix (rows), kept as nested tuples so the object is hashable and JSON-ready."""

    @property
    def class_id(self) -> int:
        return CLASS_NAMES.index(self.class_name) + 1

    @property
    def matrix(self) -> np.ndarray:
        return np.array(self.transform, dtype=np.float64)

    @property
    def position(self) -> np.ndarray:
        return self.matrix[:3, 3]

    @property
    def local_aabb(self) -> np.ndarray:
        """(2, 3): min and max corner in the object's local frame."""
        he = np.array(self.half_extents)
        return np.stack([-he, he])

    @property
    def unit_to_world(self) -> np.ndarray:
        """4x4 map from the unit primitive's frame to world: transform @ diag(half_extents, 1)."""
        return self.matrix @ np.diag([*self.half_extents, 1.0])


@dataclass(frozen=True)
class Background:
    """Ground plane z = 0 with a checkerboard of two palette colours, optional back walls, and a sky colour.

    The walls are the planes x = -wall_distance and y = -wall_distance (0 <= z <= wall_height), facing the
    scene; like the ground they are one-sided, so a camera behind a wall sees through it.
    """

    ground_colours: tuple[str, str] = ("gray", "white")
    checker_size: float = 0.5
    walls: bool = False
    wall_distance: float = 4.0
    wall_height: float = 3.0
    wall_colour: str = "brown"
    sky_colour: tuple[float, float, float] = (0.6, 0.75, 0.95)

    def __post_init__(self) -> None:
        for name in (*self.ground_colours, self.wall_colour):
            _check_name(name, PALETTE, "background colour name")


@dataclass(frozen=True)
class Scene:
    """Objects plus background; edits return new scenes (the dataclasses are frozen)."""

    objects: tuple[SceneObject, ...]
    background: Background = field(default_factory=Background)

    def get(self, instance_id: int) -> SceneObject:
        for obj in self.objects:
            if obj.instance_id == instance_id:
                return obj
        ids = ", ".join(str(o.instance_id) for o in self.objects)
        raise UserError(f"No object with instance id {instance_id} in the scene; ids present: {ids or 'none'}.")

    def to_dict(self) -> dict:
        return {"objects": [dataclasses.asdict(o) for o in self.objects],
                "background": dataclasses.asdict(self.background)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict) -> Scene:
        try:
            objects = tuple(
                SceneObject(
                    instance_id=int(o["instance_id"]),
                    class_name=_check_name(o["class_name"], CLASS_NAMES, f"class name of object {i}"),
                    colour_name=_check_name(o["colour_name"], PALETTE, f"colour name of object {i}"),
                    half_extents=_half_extents(o["half_extents"]),
                    transform=_matrix_tuple(o["transform"]),
                )
                for i, o in enumerate(data["objects"])
            )
            bg = data.get("background", {})
            background = Background(**{
                k: tuple(v) if isinstance(v, list) else v for k, v in bg.items()
            })
        except (KeyError, TypeError, ValueError) as err:
            raise UserError(
                f"Bad scene description ({type(err).__name__}: {err}); a scene needs 'objects', each with "
                "instance_id, class_name, colour_name, half_extents (3 numbers) and transform (4x4), and an "
                f"optional 'background' with keys {', '.join(f.name for f in dataclasses.fields(Background))}."
            ) from None
        return cls(objects, background)

    @classmethod
    def from_json(cls, text: str) -> Scene:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise UserError(f"Scene JSON is not valid JSON: {err}.") from None
        return cls.from_dict(data)


def _half_extents(values: list[float]) -> tuple[float, float, float]:
    he = [float(v) for v in values]
    if len(he) != 3 or not all(np.isfinite(v) and v > 0 for v in he):
        raise ValueError(f"half_extents must be 3 positive numbers, got {values!r}")
    return he[0], he[1], he[2]


def _matrix_tuple(m: object) -> tuple[tuple[float, ...], ...]:
    arr = np.asarray(m, dtype=np.float64)
    if arr.shape != (4, 4) or not np.isfinite(arr).all():
        raise ValueError(f"transform must be a finite 4x4 matrix, got shape {arr.shape}")
    return tuple(tuple(float(v) for v in row) for row in arr)


def make_object(instance_id: int, class_name: str, colour_name: str, size: float | tuple[float, float],
                xy: tuple[float, float], yaw: float = 0.0) -> SceneObject:
    """An object resting on the ground. size: sphere radius, cube half-side, cylinder/cone (radius, half-height);
    a single number for a cylinder/cone uses it for both."""
    _check_name(class_name, CLASS_NAMES, "class name")
    _check_name(colour_name, PALETTE, "colour name")
    if class_name in ("cylinder", "cone"):
        r, h = size if isinstance(size, tuple) else (size, size)
        he = (float(r), float(r), float(h))
    else:
        he = (float(size),) * 3
    m = yaw_transform((xy[0], xy[1], he[2]), yaw)
    return SceneObject(instance_id, class_name, colour_name, he, _matrix_tuple(m))


def generate_scene(rng: np.random.Generator, *, n_objects: int = 5, extent: float = 2.0,
                   size_range: tuple[float, float] = (0.25, 0.5), classes: tuple[str, ...] = CLASS_NAMES,
                   walls: bool = False, max_tries: int = 1000) -> Scene:
    """Random objects on the ground within [-extent, extent]^2, footprint circles not overlapping.

    Each object gets a random class from `classes`, colour from OBJECT_COLOURS, size in `size_range`
    (cylinder/cone half-height drawn separately), position and yaw; ground checker colours are drawn too.
    """
    for name in classes:
        _check_name(name, CLASS_NAMES, "class name")
    objects: list[SceneObject] = []
    footprints: list[tuple[float, float, float]] = []  # (x, y, radius of the footprint's bounding circle)
    for _ in range(max_tries):
        if len(objects) == n_objects:
            break
        cls = classes[rng.integers(len(classes))]
        colour = OBJECT_COLOURS[rng.integers(len(OBJECT_COLOURS))]
        s = float(rng.uniform(*size_range))
        size = (s, float(rng.uniform(*size_range))) if cls in ("cylinder", "cone") else s
        radius = s * (np.sqrt(2.0) if cls == "cube" else 1.0)
        x, y = rng.uniform(-extent + radius, extent - radius, size=2)
        yaw = float(rng.uniform(0, 2 * np.pi))
        if all((x - fx) ** 2 + (y - fy) ** 2 > (radius + fr + 0.05) ** 2 for fx, fy, fr in footprints):
            footprints.append((x, y, radius))
            objects.append(make_object(len(objects) + 1, cls, colour, size, (float(x), float(y)), yaw))
    if len(objects) < n_objects:
        raise UserError(
            f"Could place only {len(objects)} of {n_objects} objects without overlap in [-{extent}, {extent}]^2 "
            f"after {max_tries} tries; use fewer objects, a larger extent or smaller size_range."
        )
    ground = GROUND_CHOICES[rng.integers(len(GROUND_CHOICES))]
    return Scene(tuple(objects), Background(ground_colours=ground, walls=walls))


# ---------------------------------------------------------------- edits (each returns a new Scene)


def delete_object(scene: Scene, instance_id: int) -> Scene:
    scene.get(instance_id)
    return dataclasses.replace(scene, objects=tuple(o for o in scene.objects if o.instance_id != instance_id))


def duplicate_object(scene: Scene, instance_id: int, offset: tuple[float, float, float]) -> tuple[Scene, int]:
    """Copy an object, moved by `offset` (world), with a new id (max id + 1); returns (scene, new id)."""
    obj = scene.get(instance_id)
    new_id = max(o.instance_id for o in scene.objects) + 1
    m = obj.matrix
    m[:3, 3] += offset
    copy = dataclasses.replace(obj, instance_id=new_id, transform=_matrix_tuple(m))
    return dataclasses.replace(scene, objects=(*scene.objects, copy)), new_id


def move_object(scene: Scene, instance_id: int, translation: tuple[float, float, float] = (0.0, 0.0, 0.0),
                yaw: float = 0.0) -> Scene:
    """Rotate by `yaw` radians about the object's own vertical axis, then translate by `translation` (world)."""
    obj = scene.get(instance_id)
    m = obj.matrix
    m[:3, :3] = yaw_transform((0.0, 0.0, 0.0), yaw)[:3, :3] @ m[:3, :3]
    m[:3, 3] += translation
    return _replace(scene, dataclasses.replace(obj, transform=_matrix_tuple(m)))


def scale_object(scene: Scene, instance_id: int, factor: float) -> Scene:
    """Scale the half-extents by `factor`, keeping the object resting on the ground (centre z = new half-height)."""
    if factor <= 0:
        raise UserError(f"Scale factor must be > 0, got {factor}.")
    obj = scene.get(instance_id)
    he = tuple(h * factor for h in obj.half_extents)
    m = obj.matrix
    m[2, 3] += he[2] - obj.half_extents[2]
    return _replace(scene, dataclasses.replace(obj, half_extents=he, transform=_matrix_tuple(m)))


def swap_objects(scene: Scene, id_a: int, id_b: int) -> Scene:
    """Exchange the ground (x, y) positions of two objects; each keeps its own height, yaw and size."""
    a, b = scene.get(id_a), scene.get(id_b)
    ma, mb = a.matrix, b.matrix
    ma[:2, 3], mb[:2, 3] = b.matrix[:2, 3], a.matrix[:2, 3]
    scene = _replace(scene, dataclasses.replace(a, transform=_matrix_tuple(ma)))
    return _replace(scene, dataclasses.replace(b, transform=_matrix_tuple(mb)))


def _replace(scene: Scene, obj: SceneObject) -> Scene:
    return dataclasses.replace(
        scene, objects=tuple(obj if o.instance_id == obj.instance_id else o for o in scene.objects)
    )
