"""Every bad value from the command line is exit 2 with one message naming the key, checked before any work:
nothing is trained, and no folder is created or changed."""

from __future__ import annotations

import pytest

from inferlab.cli import main

TRAIN = ["train", "lebm", "--no-progress"]

CASES = [  # (arguments, text the message must contain)
    ([*TRAIN, "--set", "optim.generator_lr=-1"], "optim.generator_lr"),
    ([*TRAIN, "--set", "optim.energy_lr=nan"], "optim.energy_lr"),
    ([*TRAIN, "--set", "optim.generator_lr=1e39"], "optim.generator_lr"),
    ([*TRAIN, "--set", "model.latent_dim=0"], "model.latent_dim"),
    ([*TRAIN, "--set", "model.latent_dim=-3"], "model.latent_dim"),
    ([*TRAIN, "--set", "sampler.posterior_steps=-4"], "sampler.posterior_steps"),
    ([*TRAIN, "--set", "model.likelihood_sigma=0"], "model.likelihood_sigma"),
    ([*TRAIN, "--set", "sampler.max_abs=0"], "sampler.max_abs"),
    ([*TRAIN, "--set", "eval.samples=1"], "eval.samples"),
    ([*TRAIN, "--set", "train.steps=0"], "train.steps"),
    ([*TRAIN, "--set", "train.eval_every=-1"], "train.eval_every"),
    ([*TRAIN, "--seed", str(10**23)], "--seed"),
    (["train", "damc", "--set", "optim.amortizer_lr=-1"], "optim.amortizer_lr"),
    (["train", "emd", "--set", "teacher.lr=inf"], "teacher.lr"),
    (["train", "alans", "--set", "optim.lr=1e39"], "optim.lr"),
    (["train", "lpt", "--set", "model.dropout=1.5"], "model.dropout"),
    (["train", "assist", "--set", "optim.grid_lr=-0.1"], "optim.grid_lr"),
    (["bench", "lebm", "--set", "optim.energy_lr=-1"], "optim.energy_lr"),
    (["config", "lebm", "--set", "sampler.prior_step_size=0"], "sampler.prior_step_size"),
    (["data", "raven", "--config", "all", "--n", "1", "--seed", "-1"], "--seed"),
    (["data", "raven", "--config", "all", "--n", "1", "--size", "100000"], "--size"),
    (["data", "pointmaze", "--steps", "50", "--action-noise", "nan"], "action_noise"),
    (["data", "pointmaze", "--steps", "50", "--action-noise", "-1"], "action_noise"),
    (["assist", "render", "SCENE", "--size", "100000"], "--size"),
    (["assist", "render", "SCENE", "--samples", "0"], "--samples"),
]


@pytest.mark.parametrize("args,key", CASES, ids=[" ".join(a[:1] + a[3:]) for a, _ in CASES])
def test_bad_value_is_exit_2_naming_the_key(args, key, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = ["--out", str(tmp_path / "out")] if args[0] in ("train", "bench", "data", "assist") else []
    args = [a.replace("SCENE", str(tmp_path / "scene")) for a in args]
    assert main([*args, *out]) == 2
    err = capsys.readouterr().err
    assert key in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no run folder, no output, no partial bench


def test_output_path_that_is_a_folder_is_refused_before_generating(tmp_path, capsys):
    assert main(["data", "pointmaze", "--steps", "50", "--out", str(tmp_path), "--no-progress"]) == 2
    assert "is a folder" in capsys.readouterr().err and list(tmp_path.iterdir()) == []


def test_assist_build_over_an_existing_scene_needs_overwrite(tmp_path, capsys):
    scene = tmp_path / "scene"
    scene.mkdir()
    (scene / "graph.json").write_text('{"trained": true}')
    assert main(["assist", "build", str(scene), "--set", "train.steps=1"]) == 2
    assert "--overwrite" in capsys.readouterr().err and (scene / "graph.json").read_text() == '{"trained": true}'
