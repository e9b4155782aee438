"""Our RAVEN files against the official generators' statistics: pixel statistics of the renderer (outline width 2,
anti-aliased rotation, the Left_Right divider), RAVEN-style per-entity distractors, the `predict` key and the XML.
EXPECTED holds our generator's figures at 160 px (20 problems, seeds [0, i]); a change to the renderer or the
sampler that moves them must update them knowingly."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from inferlab.data.raven.generate import generate_problem, write_raven
from inferlab.data.raven.io import problem_arrays, read_problem
from inferlab.data.raven.render import render_panel
from inferlab.data.raven.grammar import CONFIGURATIONS
from inferlab.data.raven.problem import Component

EXPECTED = {  # (config, answers): dark-pixel share, distractors all-alike, answers all-alike, solver accuracy
    ("distribute_nine", "raven"): (0.0816, 0.1214, 0.65, 0.95),
    ("distribute_nine", "iraven"): (0.0837, 0.65, 0.65, 1.0),
    ("left_center_single_right_center_single", "raven"): (0.0912, 1.0, 1.0, 1.0),
}


def _alike(panel) -> bool:
    """Every entity of each component shows one Type, Size and Color."""
    return all(len({(c.type[s], c.size[s], c.color[s]) for s in c.slots}) <= 1 for c in panel)


def _statistics(config: str, answers: str, n: int = 20) -> tuple[float, float, float, float]:
    dark, alike_d, alike_a, hits = [], [], [], []
    for i in range(n):
        rng = np.random.default_rng([0, i])
        problem = generate_problem(config, rng, answers)
        arrays = problem_arrays(problem, 160, answers, rng)
        dark.append((arrays["image"] < 128).mean())
        for k, c in enumerate(problem.candidates):
            (alike_a if k == problem.target else alike_d).append(_alike(c))
        hits.append(int(arrays["predict"]) == problem.target)
    return float(np.mean(dark)), float(np.mean(alike_d)), float(np.mean(alike_a)), float(np.mean(hits))


@pytest.mark.parametrize("key", list(EXPECTED))
def test_statistics_match_the_committed_values(key):
    got = _statistics(*key)
    assert np.allclose(got, EXPECTED[key], atol=[0.001, 0.01, 0.01, 0.01]), (key, got)


def test_distractors_mix_entities_and_answers_do_not():
    """Official RAVEN: 9% of distractors show all-alike entities against 52-63% of answers (per-entity sampling)."""
    _, alike_d, alike_a, _ = _statistics("distribute_nine", "raven")
    assert alike_d < 0.25 < 0.5 < alike_a


def test_outline_is_two_pixels_and_rotation_is_anti_aliased():
    config = CONFIGURATIONS["center_single"]
    square = Component((0,), (2,), (5,), (0,), (3,))  # white square, angle 0: the 2-px outline only
    image = render_panel((square,), config, 160)
    assert (image[80, :] < 128).sum() == 4  # two outline crossings, 2 px each
    rotated = render_panel((Component((0,), (2,), (5,), (0,), (4,)),), config, 160)  # 45 degrees
    assert len(np.unique(rotated)) > 8  # bilinear rotation: grey edge pixels (unrotated: only 0 and 255)
    assert len(np.unique(image)) == 2


def test_left_right_divider_and_shared_row_angles():
    config = CONFIGURATIONS["left_center_single_right_center_single"]
    problem = generate_problem(config.name, np.random.default_rng(3))
    image = render_panel(problem.context[0], config, 160)
    assert (image[:, 80] == 0).all() and (image[:5, 79] == 255).all()
    uniform = []
    for i in range(30):
        p = generate_problem("distribute_nine", np.random.default_rng(i))
        for r in range(2):  # an entity keeps its angle along a row
            row = [p.context[3 * r + c][0] for c in range(3)]
            kept = set(row[0].slots) & set(row[1].slots)
            assert all(row[0].angle[s] == row[1].angle[s] for s in kept)
        if p.uniform[0]:
            uniform.append(len({p.context[0][0].angle[s] for s in p.context[0][0].slots}) == 1)
    assert uniform and all(uniform)  # a uniform layout shares one angle in a panel


def test_files_hold_predict_and_xml(tmp_path):
    paths = write_raven(tmp_path, ["in_distribute_four_out_center_single"], 2, size=32, answers="iraven",
                        progress=False)
    problem = read_problem(paths[0])
    assert 0 <= int(problem.arrays["predict"]) < 8
    root = ET.parse(paths[0].with_suffix(".xml")).getroot()
    panels = root.find("Panels").findall("Panel")
    assert len(panels) == 16 and panels[0].find("Struct").get("name") == "Out_In"
    components = panels[0].find("Struct").findall("Component")
    assert [c.get("name") for c in components] == ["Out", "In"]
    entity = components[1].find("Layout").find("Entity")
    assert set(entity.attrib) == {"bbox", "real_bbox", "mask", "Type", "Size", "Color", "Angle"}
    assert len(root.find("Rules").findall("Rule_Group")) == 2
    modified = root.find("Modified_attributes").findall("Candidate")
    assert len(modified) == 8 and sum(not c.findall("Attribute") for c in modified) == 1  # only the answer
