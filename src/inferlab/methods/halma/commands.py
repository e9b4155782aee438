"""`inferlab halma play`: HALMA's own subcommand (registered in methods/registry.py COMMAND_MODULES; light to
import: the server is imported only when it runs)."""

from __future__ import annotations

import argparse
from pathlib import Path

from inferlab.cli_options import positive_int

HELP = "HALMA: play the benchmark yourself in the browser"
DESCRIPTION = ("HALMA (see src/inferlab/envs/halma/README.md). `play` serves a page on 127.0.0.1 that shows the "
               "panel, the counters and the memo of the last 3 moves; move with the mouse or keys (arrow keys pick "
               "the direction, 1 / 2 / 3 add +1 / +2 / x2, Enter or 0 ends the option). Every episode is logged "
               "as JSON lines in --log-dir.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="halma_command", required=True, metavar="ACTION",
                                    title="actions (ACTION --help for its options)")
    p = actions.add_parser("play", help="serve the play page (blocking; Ctrl+C stops it)",
                           description="Serve the HALMA play page on http://HOST:PORT/ until Ctrl+C.")
    p.add_argument("--split", default="train", choices=("train", "perceptual", "conceptual", "algorithmic"),
                   help="which split's spaces to play (default: train)")
    p.add_argument("--seed", type=int, default=0, help="generator seed of the spaces (default: 0)")
    p.add_argument("--spaces", type=positive_int, default=20, help="how many spaces to cycle through (default: 20)")
    p.add_argument("--log-dir", default="halma_logs", metavar="DIR",
                   help="folder for the episode logs (created; one JSON-lines file per episode; default: halma_logs)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=positive_int, default=8766, help="port (default: 8766)")


def run(args: argparse.Namespace) -> int:
    from inferlab.methods.registry import app_function

    app_function("halma_play.serve")(split=args.split, seed=args.seed, count=args.spaces,
                                      log_dir=Path(args.log_dir), host=args.host, port=args.port)
    return 0
