"""`inferlab list` and every --help import no method code (nor torch); help explains every command and positional;
the registry's light entries agree with each package's MethodSpec; --set swallowing METHOD; a closed pipe."""

import argparse
import json
import os
import subprocess
import sys

import pytest

from cli_helpers import run_cli
from inferlab.cli import build_parser
from inferlab.methods.registry import METHODS, get_method

PROBE = """
import sys
from inferlab.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
loaded = list(sys.modules)
heavy = sorted(m for m in loaded if m == "torch" or m.startswith("inferlab.methods.") and m.count(".") >= 3
               and not m.endswith(".commands"))
print("HEAVY", heavy, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["list"], ["--help"], ["train", "--help"], ["bench", "--help"],
                                  ["config", "--help"], ["assist", "--help"], ["assist", "render", "--help"],
                                  ["data", "raven", "--help"], ["demo", "--help"]])
def test_list_and_help_import_no_method_code(argv):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv)], capture_output=True, text=True,
                          timeout=180)
    line = [x for x in proc.stderr.splitlines() if x.startswith("HEAVY")][-1]
    assert line == "HEAVY []", line
    assert proc.stdout.strip()  # it printed the list or the help


def test_registry_entries_agree_with_each_spec():
    for name, info in METHODS.items():
        spec = get_method(name)
        assert spec.name == name and spec.summary == info.summary
        assert tuple(spec.presets) == info.presets
        for preset, key in (info.user_data or {}).items():
            assert preset in spec.presets and key.count(".") == 1


def _subparsers(parser):
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def _walk(parser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _walk(child, path + (name,))


def test_every_command_has_a_description_and_every_positional_a_help():
    commands = list(_walk(build_parser()))
    assert len(commands) > 12
    for path, parser in commands[1:]:
        assert parser.description, f"inferlab {' '.join(path)} has no description"
        for action in parser._actions:
            if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
                assert action.help, f"inferlab {' '.join(path)}: positional {action.dest} unexplained"
    top = {name for name, _ in _subparsers(build_parser()).choices.items()}
    assert {"list", "config", "train", "eval", "sample", "bench", "demo", "data", "assist"} <= top


def test_compute_commands_take_threads_and_no_progress():
    for path, parser in _walk(build_parser()):
        if path and path[-1] in ("train", "bench", "demo", "raven", "pointmaze", "locomotion", "build", "render"):
            options = {o for a in parser._actions for o in a.option_strings}
            assert {"--threads", "--no-progress"} <= options, path


def test_train_help_lists_methods_and_presets():
    text = run_cli("train", "--help", check=True).stdout
    for name, info in METHODS.items():
        assert name in text and all(p in text for p in info.presets)
    assert "SCENE_DIR" in run_cli("assist", "render", "--help", check=True).stdout
    assert '"op": "transform"' in run_cli("assist", "render", "--help", check=True).stdout


def test_set_before_method_is_understood():
    cfg = json.loads(run_cli("config", "--set", "train.steps=9", "lebm", check=True).stdout)
    assert cfg["train"]["steps"] == 9
    proc = run_cli("config", "lebm", "--set", "train.steps=9", "oops")
    assert proc.returncode == 2 and "'oops' has no '='" in proc.stderr and "Traceback" not in proc.stderr


def test_closed_pipe_exits_quietly():
    read, write = os.pipe()
    os.close(read)
    proc = subprocess.run([sys.executable, "-m", "inferlab", "config", "lebm"], stdout=write,
                          stderr=subprocess.PIPE, text=True, timeout=60)
    os.close(write)
    assert proc.returncode == 141 and proc.stderr == "", proc.stderr


def test_paper_preset_on_placeholder_data_is_refused_unless_allowed():
    assert "paper*" in run_cli("list", check=True).stdout
    proc = run_cli("train", "lebm", "--preset", "paper")
    assert proc.returncode == 2 and "--allow-placeholder-data" in proc.stderr and "data.name" in proc.stderr
    note = run_cli("config", "lebm", "--preset", "paper", check=True)
    assert "placeholder" in note.stderr and json.loads(note.stdout)["data"]["name"] == "shapes"
    assert "placeholder" not in run_cli("config", "lebm", "--preset", "tiny", check=True).stderr


def test_no_progress_silences_data_generation_bars(tmp_path):
    args = ["data", "raven", "--config", "center_single", "--n", "2", "--size", "24"]
    shown = run_cli(*args, "--out", str(tmp_path / "a"), check=True)
    quiet = run_cli(*args, "--out", str(tmp_path / "b"), "--no-progress", check=True)
    assert "RAVEN problems" in shown.stderr and "RAVEN problems" not in quiet.stderr
