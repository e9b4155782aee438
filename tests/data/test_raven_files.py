"""RAVEN files: official keys and dtypes, 6/2/2 split, loader round trip (ours and official-style files),
rendering, bad input as UserError, the `inferlab data raven` command."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from cli_helpers import run_cli

from inferlab.data.raven import CONFIG_NAMES, RavenFolder, generate_problem, read_problem, write_raven
from inferlab.data.raven.grammar import COLOR_VALUES, META_STRUCTURE_FORMAT
from inferlab.data.raven.io import problem_arrays
from inferlab.data.raven.render import render_panels
from inferlab.errors import UserError

CONFIGS = ["center_single", "in_distribute_four_out_center_single"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("raven")
    write_raven(out, CONFIGS, 10, size=40, answers="iraven", seed=3, progress=False)
    return out


def test_files_have_official_keys_dtypes_and_split(folder):
    names = sorted(p.name for p in (folder / "center_single").glob("*.npz"))
    assert len(list((folder / "center_single").glob("RAVEN_*_*.xml"))) == 10
    assert len(names) == 10 and "RAVEN_5_train.npz" in names and "RAVEN_7_val.npz" in names
    assert "RAVEN_9_test.npz" in names and "RAVEN_16_val.npz" not in names
    with np.load(folder / "center_single" / "RAVEN_0_train.npz") as npz:
        assert npz["image"].shape == (16, 40, 40) and npz["image"].dtype == np.uint8
        assert npz["target"].shape == () and npz["target"].dtype == np.int64 and 0 <= npz["target"] < 8
        assert npz["predict"].shape == () and 0 <= npz["predict"] < 8
        assert npz["meta_matrix"].shape == (8, 9) and npz["meta_matrix"].dtype == np.uint8
        assert np.array_equal(npz["meta_target"], np.bitwise_or.reduce(npz["meta_matrix"]))
        assert list(npz["structure"]) == ["Scene", "Singleton", "Grid", "Center_Single", "/", "/", "/", "/"]
        assert npz["meta_structure"].shape == (len(META_STRUCTURE_FORMAT),) and npz["meta_structure"].sum() == 3
        assert (npz["image"][8:] < 255).any(axis=(1, 2)).all()  # every candidate is drawn
        assert (npz["image"][:8] < 255).any(axis=(1, 2)).all()
    with np.load(folder / CONFIGS[1] / "RAVEN_0_train.npz") as npz:
        assert list(npz["structure"]) == ["Scene", "Out_In", "Out", "Out_Center_Single", "/", "/", "In",
                                          "In_Distribute_Four", "/", "/", "/", "/"]
        assert npz["meta_matrix"][:, 4:].sum(1).min() >= 1 and npz["rules"].shape == (2, 4, 3)


def test_loader_round_trip(folder):
    train, val, test = (RavenFolder(folder, s) for s in ("train", "val", "test"))
    assert (len(train), len(val), len(test)) == (12, 4, 4)
    image, target, meta_target = train[0]
    assert image.shape == (16, 40, 40) and image.dtype == torch.uint8 and meta_target.shape == (9,)
    redrawn = generate_problem("center_single", np.random.default_rng([3, 0, 0]), "iraven")
    assert np.array_equal(image.numpy(), problem_arrays(redrawn, 40, "iraven")["image"])
    assert int(target) == redrawn.target
    assert len(RavenFolder(folder, "train", configs=["center_single"])) == 6
    batch = next(iter(torch.utils.data.DataLoader(train, batch_size=5)))
    assert batch[0].shape == (5, 16, 40, 40)


def test_loader_reads_official_files_unchanged(tmp_path):
    """An official RAVEN-10000 file: np.savez (uncompressed), 160 px, a `predict` key, structure strings."""
    (tmp_path / "distribute_nine").mkdir()
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "distribute_nine" / "RAVEN_18_test.npz", image=rng.integers(0, 256, (16, 160, 160), np.uint8),
             target=np.int64(5), predict=np.int64(5), meta_matrix=np.zeros((8, 9), np.uint8),
             meta_target=np.zeros(9, np.uint8), structure=np.array(["Scene", "Singleton", "Grid", "Distribute_Nine"]),
             meta_structure=np.zeros(21, np.uint8))
    image, target, _ = RavenFolder(tmp_path, "test")[0]
    assert image.shape == (16, 160, 160) and int(target) == 5
    assert read_problem(tmp_path / "distribute_nine" / "RAVEN_18_test.npz").arrays["predict"] == 5


def test_bad_files_and_folders_raise_user_error(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    np.save(tmp_path / "single.npy", np.zeros(3))
    np.savez(tmp_path / "nokeys.npz", x=np.zeros(3))
    np.savez(tmp_path / "shape.npz", image=np.zeros((8, 5, 5), np.uint8), target=np.int64(0),
             meta_matrix=np.zeros((8, 9), np.uint8), meta_target=np.zeros(9, np.uint8))
    np.savez(tmp_path / "target.npz", image=np.zeros((16, 5, 5), np.uint8), target=np.int64(8),
             meta_matrix=np.zeros((8, 9), np.uint8), meta_target=np.zeros(9, np.uint8))
    for name, words in (("junk", "Cannot read"), ("nokeys", "lacks image"), ("shape", "(8, 5, 5)"),
                        ("target", "0..7"), ("missing", "does not exist"), ("single", "single .npy")):
        with pytest.raises(UserError, match=words):
            read_problem(tmp_path / (f"{name}.npy" if name == "single" else f"{name}.npz"))
    with pytest.raises(UserError, match="no folder"):
        RavenFolder(tmp_path, "train")
    (tmp_path / "center_single").mkdir()
    with pytest.raises(UserError, match="no train files"):
        RavenFolder(tmp_path, "train")
    with pytest.raises(UserError, match="split"):
        RavenFolder(tmp_path, "dev")
    with pytest.raises(UserError, match="allowed"):
        write_raven(tmp_path, ["center"], 2)


@pytest.mark.parametrize("size", [32, 80, 160])
def test_rendering_shapes_and_fill(size):
    problem = generate_problem("center_single", np.random.default_rng(size))
    images = render_panels(problem.context + problem.candidates, problem.config, size)
    assert images.shape == (16, size, size) and images.dtype == np.uint8
    assert (images[:, 0, 0] == 255).all()  # white background
    assert (images.min(axis=(1, 2)) < 64).all()  # black outlines (anti-aliased where rotated)
    for panel, image in zip(problem.context + problem.candidates, images):
        assert image[size // 2, size // 2] == COLOR_VALUES[panel[0].color[0]]  # the entity's fill at its centre


def test_cli_writes_files_and_rejects_bad_input(tmp_path):
    proc = run_cli("data", "raven", "--config", "distribute_four", "--n", "3", "--out", str(tmp_path / "d"),
                   "--size", "32", "--answers", "iraven", "--seed", "1", check=True)
    assert sorted(p.name for p in (tmp_path / "d" / "distribute_four").iterdir()) == [
        f"RAVEN_{i}_train.{ext}" for i in range(3) for ext in ("npz", "xml")]
    assert '"files": 3' in proc.stdout.splitlines()[-1]
    bad = run_cli("data", "raven", "--config", "nope", "--n", "3", "--out", str(tmp_path / "e"))
    assert bad.returncode == 2 and "center_single" in bad.stderr and not (tmp_path / "e").exists()
