"""The data section shared by method configs."""

from __future__ import annotations

from dataclasses import dataclass

from inferlab.engine.config import bounded


@dataclass(frozen=True)
class DataConfig:
    name: str = "digits"
    """Dataset spec: digits, shapes, toy2d:<name>, or a path (folder:DIR, npz:FILE, mnist:DIR) to data you bring."""
    n: int = bounded(0, ge=0)
    """Samples to generate for procedural datasets (0 = the generator's default, or all of a real dataset)."""
