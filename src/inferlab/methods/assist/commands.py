"""`inferlab assist build|render|edit`: ASSIST's own subcommands (declared here, registered in
methods/registry.py COMMAND_MODULES; imports torch and the model only when it runs)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from inferlab.cli_options import add_compute_options, positive_int

HELP = "ASSIST scenes: build one, batch-render it after edits, edit it in the browser"
DESCRIPTION = ("ASSIST scenes: a folder holding a trained scene graph (one radiance field per object node). "
               "`build` makes one, `render` writes images of it after an edits file, `edit` serves the browser "
               "editor. See src/inferlab/methods/assist/README.md.")
SCENE_HELP = "scene folder (written by `inferlab assist build`: scene.json and one checkpoint per node)"
EDITS_EXAMPLE = """edits file (--edits FILE): a JSON list applied in order; "id" is a node's instance id (scene.json
lists them; the panoptic PNGs colour each one). Ops and keys (optional ones in brackets):
  delete id | duplicate id [offset] | transform id [translate rotate_deg scale] | swap a b [from_scene]
  add from_scene id [position] | visibility id visible
example:
  [{"op": "transform", "id": 2, "translate": [0.3, 0.0, 0.0], "rotate_deg": 45},
   {"op": "duplicate", "id": 1, "offset": [0.0, 0.5, 0.0]},
   {"op": "delete", "id": 3}]"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="assist_command", required=True, metavar="ACTION",
                                    title="actions (ACTION --help for its options)")
    b = actions.add_parser("build", help="generate a scene, train its nodes and save it to SCENE_DIR",
                           description="Generate the procedural scene of --seed, train one field per node with the "
                           "ASSIST preset, save the scene graph to SCENE_DIR.")
    b.add_argument("scene", metavar="SCENE_DIR", help="folder to write (created; must be new or empty, or give "
                   "--overwrite)")
    b.add_argument("--preset", default="tiny", help="ASSIST config preset (default: tiny; see `inferlab list`)")
    b.add_argument("--seed", type=int, default=0, help="scene generator and training seed (default: 0)")
    b.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE", dest="overrides",
                   help="override config fields, e.g. --set train.steps=300 scene.n_objects=5")
    b.add_argument("--overwrite", action="store_true", help="replace a scene already in SCENE_DIR")
    add_compute_options(b)
    r = actions.add_parser("render", help="apply an edits file, then write RGB, depth and panoptic PNGs per pose",
                           description="Apply an edits file to the scene, then write RGB, depth and panoptic PNGs "
                           "for every pose of a camera path.", epilog=EDITS_EXAMPLE,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
    r.add_argument("scene", metavar="SCENE_DIR", help=SCENE_HELP)
    r.add_argument("--edits", metavar="FILE", help="JSON list of edits (format below); none = the scene as built")
    r.add_argument("--camera-path", default="ring:8", help="ring:N (N poses around the scene) or a JSON file "
                   "with 'frames': [{'transform_matrix': 4x4}] (transforms.json style; default: ring:8)")
    r.add_argument("--out", required=True, metavar="DIR", help="folder for the PNGs")
    r.add_argument("--size", type=int, default=128, help="image side for ring paths (default: 128)")
    r.add_argument("--samples", type=int, default=32, help="samples per node per ray (default: 32)")
    add_compute_options(r)
    e = actions.add_parser("edit", help="serve the interactive editor for SCENE_DIR (blocking)",
                           description="Serve the browser editor for SCENE_DIR on http://HOST:PORT/ until Ctrl+C.")
    e.add_argument("scene", metavar="SCENE_DIR", help=SCENE_HELP)
    e.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    e.add_argument("--port", type=positive_int, default=8765, help="port (default: 8765)")
    e.add_argument("--allow-remote", action="store_true", help="allow a --host other than 127.0.0.1 (no login!)")
    add_compute_options(e, progress=False)


def run(args: argparse.Namespace) -> int:
    scene = Path(args.scene)
    if args.assist_command == "build":
        from inferlab.methods.assist.store import build_demo_scene

        t0 = time.perf_counter()
        build_demo_scene(scene, seed=args.seed, preset=args.preset, overrides=tuple(args.overrides),
                         overwrite=args.overwrite)
        print(json.dumps({"scene": str(scene), "seconds": round(time.perf_counter() - t0, 2)}))
    elif args.assist_command == "render":
        from inferlab.methods.assist.batch import render_batch

        t0 = time.perf_counter()
        paths = render_batch(scene, args.camera_path, Path(args.out), edits_file=Path(args.edits) if args.edits
                             else None, size=args.size, samples_per_node=args.samples)
        print(json.dumps({"out": args.out, "files": len(paths), "seconds": round(time.perf_counter() - t0, 2)}))
    else:
        from inferlab.methods.registry import app_function

        app_function("assist_editor.serve")(scene, host=args.host, port=args.port,
                                            allow_remote=args.allow_remote)
    return 0
