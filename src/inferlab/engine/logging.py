"""Run logs: one JSON object per logged step in metrics.jsonl, the same scalars in TensorBoard."""

from __future__ import annotations

import json
import math
from pathlib import Path

from inferlab.engine.atomic import atomic_write_text


class RunLogger:
    """Append-only metrics log; a disabled logger (non-zero ranks) writes nothing."""

    def __init__(self, run_dir: Path | None, tensorboard: bool = True):
        self.path = run_dir / "metrics.jsonl" if run_dir else None
        self.writer = None
        if run_dir and tensorboard:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(run_dir / "tb"))

    def log(self, step: int, metrics: dict[str, float], kind: str = "train") -> None:
        if self.path is None:
            return
        row = {"step": step, "kind": kind, **{k: _jsonable(v) for k, v in metrics.items()}}
        with self.path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        if self.writer:
            for k, v in metrics.items():
                if isinstance(v, (int, float)) and math.isfinite(v):
                    self.writer.add_scalar(f"{kind}/{k}", v, step)

    def truncate_after(self, step: int) -> None:
        """Drop rows logged after `step` and a torn last line (a resumed run rewrites them; the log stays one row
        per step)."""
        if self.path is None or not self.path.exists():
            return
        rows = [row for row in read_metrics(self.path) if isinstance(row.get("step"), int) and row["step"] <= step]
        atomic_write_text(self.path, "".join(json.dumps(row) + "\n" for row in rows))

    def close(self) -> None:
        if self.writer:
            self.writer.close()


def read_metrics(path: Path) -> list[dict]:
    """All rows of a metrics.jsonl (a torn last line from a killed run is skipped)."""
    rows = []
    for line in path.read_text().splitlines():
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return rows


def _jsonable(v):
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v
