"""Reading a JSON file a user gave us, with one clear message when it is missing or not JSON."""

from __future__ import annotations

import json
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
