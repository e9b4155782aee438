"""Options every computing command shares (the CLI and the packages' own subcommands add them the same way)."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is below 1")
    return value


def add_compute_options(parser: argparse.ArgumentParser, *, progress: bool = True) -> None:
    """--threads (CPU threads per process) and, where a command shows progress bars, --no-progress."""
    parser.add_argument("--threads", type=positive_int, metavar="N",
                        help="CPU threads per process (default: 1, measured fastest for these small models and "
                        "robust when other jobs share the cores; torchrun processes split the cores)")
    if progress:
        parser.add_argument("--no-progress", action="store_true", help="no progress bars (training, data, renders)")
