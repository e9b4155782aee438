"""Seeded epoch batching: the batch at any step is a pure function of (seed, step), so resume is exact."""

from __future__ import annotations

import torch

from inferlab.errors import UserError


class EpochBatcher:
    """Shuffle once per epoch with a generator seeded by (seed, epoch); each rank takes its slice.

    A global batch is `batch_size * world_size` samples; rank r takes the r-th `batch_size` of them.
    The last incomplete global batch of an epoch is dropped.
    """

    def __init__(self, n: int, batch_size: int, seed: int, rank: int = 0, world_size: int = 1):
        global_batch = batch_size * world_size
        if n < global_batch:
            raise UserError(f"train.batch_size={batch_size} x {world_size} process(es) needs at least {global_batch} "
                            f"training samples, but the data has {n}; lower train.batch_size.")
        self.n, self.batch_size, self.seed, self.rank = n, batch_size, seed, rank
        self.global_batch = global_batch
        self.per_epoch = n // global_batch
        self._epoch, self._perm = -1, torch.empty(0, dtype=torch.long)

    def position(self, step: int) -> dict[str, int]:
        """The data-order state at `step` (stored in checkpoints for the record)."""
        return {"seed": self.seed, "epoch": step // self.per_epoch, "batch_in_epoch": step % self.per_epoch}

    def indices(self, step: int) -> torch.Tensor:
        epoch, i = divmod(step, self.per_epoch)
        if epoch != self._epoch:
            gen = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
            self._epoch, self._perm = epoch, torch.randperm(self.n, generator=gen)
        start = i * self.global_batch + self.rank * self.batch_size
        return self._perm[start:start + self.batch_size]
