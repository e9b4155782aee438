"""The RAVEN attributed grammar: value sets, the seven configurations and their layouts (Zhang et al., CVPR 2019).

Values are stored as *levels* (indices into the value lists below), as in the official generator's XML.
A configuration is a structure holding one or two components; each component has one layout: a list of
slots (bounding boxes) and the level ranges its entities may take.
"""

from __future__ import annotations

from dataclasses import dataclass

IMAGE_SIZE = 160  # official panel size in pixels

NUMBER_VALUES = (1, 2, 3, 4, 5, 6, 7, 8, 9)
TYPE_VALUES = ("none", "triangle", "square", "pentagon", "hexagon", "circle")
SIZE_VALUES = (0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
COLOR_VALUES = (255, 224, 196, 168, 140, 112, 84, 56, 28, 0)  # grey level of the fill; level 0 is white
ANGLE_VALUES = (-135, -90, -45, 0, 45, 90, 135, 180)  # self-rotation in degrees: noise, never ruled
UNIFORM_PROBABILITY = 0.25  # official UNI_VALUES = [False, False, False, True]

ENTITY_ATTRS = ("Type", "Size", "Color")
META_TARGET_FORMAT = ("Constant", "Progression", "Arithmetic", "Distribute_Three",
                      "Number", "Position", "Type", "Size", "Color")
META_STRUCTURE_FORMAT = (
    "Singleton", "Left_Right", "Up_Down", "Out_In", "Left", "Right", "Up", "Down", "Out", "In", "Grid",
    "Center_Single", "Distribute_Four", "Distribute_Nine", "Left_Center_Single", "Right_Center_Single",
    "Up_Center_Single", "Down_Center_Single", "Out_Center_Single", "In_Center_Single", "In_Distribute_Four",
)
MAX_SLOTS = len(NUMBER_VALUES)  # the most entities a panel component can hold


@dataclass(frozen=True)
class Layout:
    """One component's layout: slot boxes (centre row, centre column, height, width; fractions of the panel)
    and the inclusive level ranges of its entities' attributes."""

    component: str
    name: str
    slots: tuple[tuple[float, float, float, float], ...]
    type_range: tuple[int, int] = (1, len(TYPE_VALUES) - 1)  # "none" is never drawn
    size_range: tuple[int, int] = (0, len(SIZE_VALUES) - 1)
    color_range: tuple[int, int] = (0, len(COLOR_VALUES) - 1)

    @property
    def n_slots(self) -> int:
        return len(self.slots)

    def level_range(self, attr: str) -> tuple[int, int]:
        """Inclusive level range of entity attribute `attr` (one of ENTITY_ATTRS)."""
        return {"Type": self.type_range, "Size": self.size_range, "Color": self.color_range}[attr]


@dataclass(frozen=True)
class Configuration:
    """A RAVEN figure configuration: a structure over one or two components."""

    name: str
    structure: str
    layouts: tuple[Layout, ...]

    def tree(self) -> list[str]:
        """The official `structure` array: the AoT serialised as 'name.' per node and '/' closing each one."""
        def node(name: str, children: list[str]) -> str:
            return name + "./" if not children else name + "." + "".join(c + "." for c in children) + "/"

        components = [node(lay.component, [node(lay.name, [])]) for lay in self.layouts]
        text = node("Scene", [node(self.structure, components)])
        return text.split(".")


def _single(component: str, name: str, box: tuple[float, float, float, float], **ranges) -> Layout:
    return Layout(component, name, (box,), **ranges)


_FOUR = ((0.25, 0.25, 0.5, 0.5), (0.25, 0.75, 0.5, 0.5), (0.75, 0.25, 0.5, 0.5), (0.75, 0.75, 0.5, 0.5))
_NINE = tuple((r, c, 0.33, 0.33) for r in (0.16, 0.5, 0.83) for c in (0.16, 0.5, 0.83))
_IN_FOUR = ((0.42, 0.42, 0.15, 0.15), (0.42, 0.58, 0.15, 0.15), (0.58, 0.42, 0.15, 0.15), (0.58, 0.58, 0.15, 0.15))
_OUT = _single("Out", "Out_Center_Single", (0.5, 0.5, 1.0, 1.0), size_range=(3, 5), color_range=(0, 0))

CONFIGURATIONS: dict[str, Configuration] = {c.name: c for c in (
    Configuration("center_single", "Singleton", (_single("Grid", "Center_Single", (0.5, 0.5, 1.0, 1.0)),)),
    Configuration("distribute_four", "Singleton", (Layout("Grid", "Distribute_Four", _FOUR),)),
    Configuration("distribute_nine", "Singleton", (Layout("Grid", "Distribute_Nine", _NINE),)),
    Configuration("left_center_single_right_center_single", "Left_Right", (
        _single("Left", "Left_Center_Single", (0.5, 0.25, 0.5, 0.5)),
        _single("Right", "Right_Center_Single", (0.5, 0.75, 0.5, 0.5)))),
    Configuration("up_center_single_down_center_single", "Up_Down", (
        _single("Up", "Up_Center_Single", (0.25, 0.5, 0.5, 0.5)),
        _single("Down", "Down_Center_Single", (0.75, 0.5, 0.5, 0.5)))),
    Configuration("in_center_single_out_center_single", "Out_In", (
        _OUT, _single("In", "In_Center_Single", (0.5, 0.5, 0.33, 0.33)))),
    Configuration("in_distribute_four_out_center_single", "Out_In", (
        _OUT, Layout("In", "In_Distribute_Four", _IN_FOUR, size_range=(2, 5)))),
)}
CONFIG_NAMES = tuple(CONFIGURATIONS)
