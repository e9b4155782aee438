"""Data parallelism through torchrun: one process per device, gradients averaged by DistributedDataParallel."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel


@dataclass(frozen=True)
class DistContext:
    """Where this process stands: rank 0 of 1 when not launched by torchrun."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    def wrap(self, module: nn.Module, device: torch.device) -> nn.Module:
        """DDP-wrap `module` for the loss pass whose backward updates it; MCMC uses the bare module."""
        if not self.enabled:
            return module
        ids = [device.index] if device.type == "cuda" else None
        return DistributedDataParallel(module, device_ids=ids)

    def all_equal(self, tensor: torch.Tensor) -> bool:
        """True when every rank holds the same `tensor` (used to check that replicas stayed in sync)."""
        if not self.enabled:
            return True
        gathered = [torch.empty_like(tensor) for _ in range(self.world_size)]
        dist.all_gather(gathered, tensor)
        return all(torch.equal(gathered[0], g) for g in gathered[1:])


def init_distributed(device_name: str) -> DistContext:
    """Join the process group torchrun describes in the environment (gloo on CPU, nccl on CUDA)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return DistContext()
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    use_cuda = device_name != "cpu" and torch.cuda.is_available()
    if use_cuda:
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if use_cuda else "gloo")
    return DistContext(rank=dist.get_rank(), world_size=world, local_rank=local_rank)


def shutdown_distributed(wait_for_all: bool = True) -> None:
    """Leave the process group. After a normal run, a barrier first, so no rank tears down its connections while
    another is still inside the last collective (gloo aborts the process when that happens); after an error, at
    once, since the other ranks may never reach the barrier."""
    if dist.is_initialized():
        if wait_for_all:
            dist.barrier()
        dist.destroy_process_group()
