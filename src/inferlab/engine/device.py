"""Device selection: `auto` picks CUDA when present."""

from __future__ import annotations

import torch

from inferlab.errors import UserError

DEVICE_CHOICES = ("auto", "cpu", "cuda")


def resolve_device(name: str, local_rank: int = 0) -> torch.device:
    """Map `auto|cpu|cuda` to a torch.device; under torchrun each rank takes its local GPU."""
    if name not in DEVICE_CHOICES:
        raise UserError(f"--device {name!r} is not a device; allowed: {', '.join(DEVICE_CHOICES)}.")
    if name == "cuda" and not torch.cuda.is_available():
        raise UserError("--device cuda was asked for but no CUDA device is visible; use --device auto or cpu.")
    if name == "cpu" or not torch.cuda.is_available():
        return torch.device("cpu")
    return torch.device("cuda", local_rank)
