"""The contract between a method and the trainer."""

from __future__ import annotations

import abc
from pathlib import Path
from typing import Any

import torch


class TrainTask(abc.ABC):
    """A method's model, optimisers and step, ready for `engine.trainer.fit`.

    `data` is the training tensor (N, ...) the trainer cuts into seeded batches. `evaluate` may
    only draw from torch's RNG: the trainer runs it inside a forked RNG so that evaluating never
    changes the training trajectory (exact resume depends on it).
    """

    data: torch.Tensor

    @abc.abstractmethod
    def state_objects(self) -> dict[str, Any]:
        """Name -> object with state_dict()/load_state_dict() (modules, optimisers, schedulers)."""

    @abc.abstractmethod
    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        """One parameter update on `batch`; returns scalars to log."""

    @abc.abstractmethod
    def evaluate(self) -> dict[str, float]:
        """Metrics of the current model; the key `score` (lower is better) selects best.pt."""

    @abc.abstractmethod
    def sample(self, n: int) -> torch.Tensor:
        """n samples from the model, in data space."""

    def write_samples(self, folder: Path, step: int) -> None:
        """Save sample grids or plots for a human to look at (optional)."""
