"""Reading a JSON file a user gave us (one clear message when it is missing or not JSON), and writing standard JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path

from inferlab.errors import UserError


def read_json_file(path: str | Path, *, missing: str) -> object:
    """The parsed content of `path`. UserError when it is not a file (`missing` then says what the user should give)
    or not valid UTF-8 JSON (the message names the file and the parser's line and column)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} does not exist; {missing}")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise UserError(f"{path} is not valid JSON: {err}.") from None


def finite_or_null(obj: object) -> object:
    """`obj` with every non-finite float (NaN, +-inf) replaced by None, in nested dicts, lists and tuples."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: finite_or_null(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [finite_or_null(v) for v in obj]
    return obj


def strict_dumps(obj: object, **kwargs) -> str:
    """`json.dumps` that writes standard JSON: a NaN or infinite metric (e.g. a mean over no accepted paths)
    becomes `null`, which every JSON parser reads; Python's default would write the non-standard `NaN`."""
    return json.dumps(finite_or_null(obj), allow_nan=False, **kwargs)
