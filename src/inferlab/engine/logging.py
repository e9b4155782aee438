"""Run logs: one JSON object per logged step in metrics.jsonl; in TensorBoard the same scalars, the sample images
of each evaluation, the resolved config as text and, at the end, the config's numbers as hparams with the final
metrics."""

from __future__ import annotations

import json
import math
from pathlib import Path

from inferlab.engine.atomic import atomic_write_text


class RunLogger:
    """Append-only metrics log; a disabled logger (non-zero ranks) writes nothing."""

    def __init__(self, run_dir: Path | None, tensorboard: bool = True):
        self.path = run_dir / "metrics.jsonl" if run_dir else None
        self.writer, self.config = None, {}
        if run_dir and tensorboard:
            from torch.utils.tensorboard import SummaryWriter

            self.writer = SummaryWriter(str(run_dir / "tb"))
            self.config = _read_config(run_dir)
            if self.config:
                self.writer.add_text("config", "```\n" + json.dumps(self.config, indent=2) + "\n```", 0)
        self.images_seen: set[Path] = set()

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

    def log_images(self, step: int, folder: Path | None) -> None:
        """Every PNG in `folder` not shown before (the evaluation's sample grids and plots), as TensorBoard images."""
        if self.writer is None or folder is None or not folder.is_dir():
            return
        import numpy as np
        from PIL import Image

        for png in sorted(set(folder.glob("*.png")) - self.images_seen):
            self.images_seen.add(png)
            with Image.open(png) as image:
                self.writer.add_image(f"samples/{png.stem.rstrip('0123456789_') or png.stem}",
                                      np.asarray(image.convert("RGB")), step, dataformats="HWC")

    def log_hparams(self, final_metrics: dict[str, float]) -> None:
        """The config's scalar fields as TensorBoard hparams beside the run's final metrics."""
        scores = {f"hparam/{k}": v for k, v in final_metrics.items()
                  if isinstance(v, (int, float)) and math.isfinite(v)}
        if self.writer and scores and self.config:
            hparams = {k: v for k, v in _flatten(self.config).items()
                       if isinstance(v, (int, str, bool)) or isinstance(v, float) and math.isfinite(v)}
            self.writer.add_hparams(hparams, scores, run_name=".")

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


def _read_config(run_dir: Path) -> dict:
    """The run's resolved config (plus method, preset, seed) from config.json, when the CLI wrote one."""
    try:
        meta = json.loads((run_dir / "config.json").read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return {**{k: meta[k] for k in ("method", "preset", "seed") if k in meta}, **meta.get("config", {})}


def _flatten(tree: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in tree.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _jsonable(v):
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    return v
