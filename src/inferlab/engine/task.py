"""The contract between a method and the trainer."""

from __future__ import annotations

import abc
from pathlib import Path
from typing import Any, Protocol

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

    def save_samples(self, n: int, path: Path) -> Path:
        """`inferlab sample`: write n samples to `path` (default: a PNG grid or scatter of `sample(n)`) and return
        the file written; a method whose samples are not images or points (e.g. text) overrides it."""
        from inferlab.eval.sample_metrics import save_samples

        return save_samples(self.sample(n).cpu(), Path(path))


class SampleScorer(Protocol):
    """What `SamplingTask` needs of an evaluator (eval.sample_metrics.SampleEvaluator is one)."""

    def evaluate(self, samples: torch.Tensor) -> dict[str, float]: ...

    def write_samples(self, samples: torch.Tensor, path: Path) -> Path: ...


class SamplingTask(TrainTask):
    """A generative model judged by its samples: `evaluate` scores `eval_samples` draws, `write_samples`
    saves up to 400 of them as samples/samples_<step>.png."""

    evaluator: SampleScorer
    eval_samples: int

    def evaluate(self) -> dict[str, float]:
        return self.evaluator.evaluate(self.sample(self.eval_samples))

    def write_samples(self, folder: Path, step: int) -> None:
        self.evaluator.write_samples(self.sample(min(self.eval_samples, 400)), folder / f"samples_{step:06d}.png")
