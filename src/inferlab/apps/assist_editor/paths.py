"""Save/load names resolved strictly inside the scene folder."""

from __future__ import annotations

import re
from pathlib import Path

from inferlab.errors import UserError

MAX_NAME_LENGTH = 200
NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*")


def resolve_inside(root: Path, name: str) -> Path:
    """`root / name` for a relative name of letters, digits, '_', '-', '.' parts (no '..', no leading '/'),
    whose real path (symlinks followed) stays inside `root`; UserError otherwise."""
    allowed = "a relative name of letters, digits, '_', '-' and '.' inside the scene folder, e.g. 'edited'"
    if not isinstance(name, str) or len(name) > MAX_NAME_LENGTH:
        raise UserError(f"Bad scene name: use {allowed}, of at most {MAX_NAME_LENGTH} characters.")
    if not NAME_PATTERN.fullmatch(name) or ".." in name.split("/"):
        raise UserError(f"Bad scene name {name!r}: use {allowed}.")
    root = root.resolve()
    path = (root / name).resolve()
    if path == root or not path.is_relative_to(root):
        raise UserError(f"Scene name {name!r} leads outside the scene folder {root}; use {allowed}.")
    return path
