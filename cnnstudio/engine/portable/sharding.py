"""Sharding and reductions over the processes of a torchrun launch (no-ops alone).

:func:`shard_indices` splits a per-epoch permutation exactly like
``torch.utils.data.DistributedSampler`` (pad by wrapping around, then every
``world_size``-th index from ``rank``), so every rank gets a shard of the same length
and runs the same number of batches (which DistributedDataParallel requires).
:func:`all_reduce_sum`, :func:`all_gather_cat` and :func:`average_buffers` make metrics
and BatchNorm statistics identical on every rank.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import torch
import torch.distributed as dist
from torch import nn


def is_initialized() -> bool:
    """Whether this process has joined a process group."""
    return dist.is_available() and dist.is_initialized()


def current_world_size() -> int:
    """Processes in the current group; 1 without one."""
    return dist.get_world_size() if is_initialized() else 1


def all_reduce_sum(tensor: torch.Tensor) -> torch.Tensor:
    """Sum ``tensor`` over all ranks in place and return it (unchanged alone)."""
    if current_world_size() > 1:
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
    return tensor


def all_gather_cat(tensor: torch.Tensor) -> torch.Tensor:
    """Concatenate every rank's ``tensor`` (equal shapes) in rank order along axis 0."""
    world = current_world_size()
    if world == 1:
        return tensor
    parts = [torch.empty_like(tensor) for _ in range(world)]
    dist.all_gather(parts, tensor.contiguous())
    return torch.cat(parts)


def average_buffers(module: nn.Module) -> None:
    """Float buffers (BatchNorm statistics) become the mean over ranks; others rank 0's.

    DDP runs with its buffer broadcast off, so each rank's running statistics follow its
    own shard during an epoch; averaging them at the epoch's end uses every shard and
    leaves all replicas identical before validation and checkpointing.
    """
    world = current_world_size()
    if world == 1:
        return
    for buf in module.buffers():
        if buf.is_floating_point():
            dist.all_reduce(buf, op=dist.ReduceOp.SUM)
            buf.div_(world)
        else:
            dist.broadcast(buf, src=0)


def shard_size(n: int, world_size: int) -> int:
    """Samples per rank when ``n`` are padded to a multiple of ``world_size``."""
    return math.ceil(n / world_size)


def shard_indices(perm: torch.Tensor, rank: int, world_size: int) -> torch.Tensor:
    """This rank's share of ``perm``, as ``DistributedSampler(drop_last=False)``.

    The permutation is padded by repeating it from its start to a multiple of
    ``world_size``, then rank ``r`` takes positions ``r, r + world_size, ...``: every
    rank gets :func:`shard_size` indices, and together they cover every index at least
    once.
    """
    if world_size == 1:
        return perm
    n = len(perm)
    total = shard_size(n, world_size) * world_size
    if total > n:
        reps = math.ceil((total - n) / n)
        perm = torch.cat([perm, perm.repeat(reps)[: total - n]])
    return perm[rank:total:world_size]


def wrap_ddp(model: nn.Module, device: torch.device) -> nn.Module:
    """DistributedDataParallel around ``model`` under torchrun; else ``model``."""
    if current_world_size() == 1:
        return model
    from torch.nn.parallel import DistributedDataParallel

    # Running statistics are averaged once per epoch (average_buffers) instead of being
    # overwritten by rank 0's before every forward pass. Newer torch renamed the switch.
    params = inspect.signature(DistributedDataParallel).parameters
    renamed = "forward_sync_buffers" in params
    option: dict[str, Any] = {
        "forward_sync_buffers" if renamed else "broadcast_buffers": False,
    }
    device_ids = [device.index] if device.type == "cuda" else None
    return DistributedDataParallel(model, device_ids=device_ids, **option)
