"""Multi-process training plumbing for ``torchrun``: environment, process group, reductions.

``torchrun --nproc_per_node N [--nnodes M ...] -m cnnstudio train FILE ...`` starts one process
per GPU (or N CPU processes) and tells each who it is through ``RANK``, ``WORLD_SIZE`` and
``LOCAL_RANK``. :class:`DistEnv` reads those; :func:`setup` joins the process group (NCCL on CUDA,
gloo on the CPU) and picks the process's device; :func:`teardown` leaves it. The trainer uses the
small helpers re-exported here from :mod:`cnnstudio.engine.portable.sharding` (which the exported
``train.py`` embeds) so that its own loop reads the same with one process or many:

- :func:`shard_indices` splits a per-epoch permutation exactly like
  ``torch.utils.data.DistributedSampler`` (pad by wrapping around, then every ``world_size``-th
  index from ``rank``), so every rank gets a shard of the same length and every rank runs the same
  number of batches (which DistributedDataParallel requires).
- :func:`all_reduce_sum`, :func:`all_gather_cat`, :func:`average_buffers` make metrics and
  BatchNorm statistics identical on every rank.

With one process (no ``torchrun``, or ``WORLD_SIZE=1``) every helper is a cheap no-op, so the
single-machine path stays exactly as it was.

Every collective waits at most the process-group timeout (:func:`timeout_seconds`: ``train
--dist-timeout``, else ``CNNSTUDIO_DIST_TIMEOUT``, else 10 minutes); a rank that stopped or hung
then ends the run with :func:`describe_failure`'s one-line message instead of a silent wait.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist

from .devices import resolve_device
from .portable.sharding import (
    all_gather_cat,
    all_reduce_sum,
    average_buffers,
    current_world_size,
    is_initialized,
    shard_indices,
    shard_size,
)

__all__ = [
    "DistEnv",
    "DistributedError",
    "all_gather_cat",
    "all_reduce_sum",
    "average_buffers",
    "barrier",
    "current_timeout",
    "describe_failure",
    "device_for",
    "is_initialized",
    "is_main",
    "local_main_first",
    "setup",
    "shard_indices",
    "shard_size",
    "teardown",
    "timeout_seconds",
]

TIMEOUT_ENV = "CNNSTUDIO_DIST_TIMEOUT"
DEFAULT_TIMEOUT_S = 600.0
"""Long enough for rank 0 to download a dataset while the others wait at the barrier."""


class DistributedError(ValueError):
    """A bad distributed environment or device choice; ``str(err)`` is one line."""


def _env_int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise DistributedError(f"{name} must be a whole number, not {raw!r}") from None


@dataclass(frozen=True)
class DistEnv:
    """Who this process is in a (possibly one-process) run; see :meth:`from_env`."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    local_world_size: int = 1

    def __post_init__(self) -> None:
        if self.world_size < 1:
            raise DistributedError(f"WORLD_SIZE must be at least 1, not {self.world_size}")
        if not 0 <= self.rank < self.world_size:
            raise DistributedError(
                f"RANK {self.rank} is outside 0..{self.world_size - 1} (WORLD_SIZE)"
            )
        if self.local_rank < 0 or self.local_world_size < 1:
            raise DistributedError(
                f"LOCAL_RANK {self.local_rank} / LOCAL_WORLD_SIZE {self.local_world_size} "
                "are not valid"
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DistEnv:
        """Read ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK`` and ``LOCAL_WORLD_SIZE`` (torchrun's).

        Missing variables mean a plain single-process run.
        """
        env = os.environ if environ is None else environ
        world = _env_int(env, "WORLD_SIZE", 1)
        local_world = _env_int(env, "LOCAL_WORLD_SIZE", world)
        return cls(
            rank=_env_int(env, "RANK", 0),
            world_size=world,
            local_rank=_env_int(env, "LOCAL_RANK", 0),
            local_world_size=max(1, local_world),
        )

    @property
    def distributed(self) -> bool:
        """More than one process: a process group, DDP and sharded data are needed."""
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        """Rank 0: the process that prints and writes files."""
        return self.rank == 0


def device_for(env: DistEnv, name: str) -> torch.device:
    """The device of this process for the user's ``--device`` choice.

    ``auto`` and ``cuda`` mean ``cuda:LOCAL_RANK`` when CUDA is available (one GPU per
    process), ``cpu`` means the CPU. A fixed ``cuda:N`` would put every process of a node on one
    GPU, and MPS has no multi-process backend; both are refused under torchrun.
    """
    if not env.distributed:
        return resolve_device(name)
    key = name.strip().lower()
    if key == "cpu":
        return torch.device("cpu")
    if key in ("auto", "cuda"):
        if not torch.cuda.is_available():
            if key == "cuda":
                raise DistributedError("device cuda is not available on this machine: use cpu")
            return torch.device("cpu")
        count = torch.cuda.device_count()
        if env.local_rank >= count:
            raise DistributedError(
                f"LOCAL_RANK {env.local_rank} has no GPU: this machine has {count}; start at "
                f"most {count} processes per node (torchrun --nproc_per_node {count})"
            )
        return torch.device("cuda", env.local_rank)
    raise DistributedError(
        f"device {name!r} cannot be used under torchrun: use auto, cuda (one GPU per process, "
        "cuda:LOCAL_RANK) or cpu"
    )


def timeout_seconds(value: float | None = None, environ: Mapping[str, str] | None = None) -> float:
    """The process-group timeout: ``value``, else ``CNNSTUDIO_DIST_TIMEOUT``, else 600 s."""
    if value is None:
        raw = (os.environ if environ is None else environ).get(TIMEOUT_ENV, "").strip()
        if not raw:
            return DEFAULT_TIMEOUT_S
        try:
            value = float(raw)
        except ValueError:
            raise DistributedError(
                f"{TIMEOUT_ENV} must be a number of seconds, not {raw!r}"
            ) from None
        where = TIMEOUT_ENV
    else:
        where = "--dist-timeout"
    if not (math.isfinite(value) and 0 < value <= 7 * 24 * 3600):
        raise DistributedError(f"{where} must be between 0 and 604800 seconds, not {value}")
    return value


# What gloo and NCCL say when a peer stopped answering or went away.
_PEER_FAILURE = re.compile(
    r"timed? ?out|timeout|connection (reset|closed|refused)|broken pipe|"
    r"DistBackendError|DistNetworkError|DistStoreError",
    re.IGNORECASE,
)


def describe_failure(exc: BaseException | str, env: DistEnv, timeout_s: float) -> str | None:
    """One line for a collective that failed because another rank stopped, hung or died.

    None when ``exc`` does not look like such a failure (then the caller reports it as is).
    torch's own text is a multi-line C++ message with source paths; it says nothing a user can
    act on beyond "another process did not answer".
    """
    text = str(exc)
    if not env.distributed or not _PEER_FAILURE.search(text):
        return None
    others = (
        f"rank {1 - env.rank}"
        if env.world_size == 2
        else f"one of the other {env.world_size - 1} ranks"
    )
    return (
        f"{others} stopped answering (no reply within the {timeout_s:g} s process-group "
        f"timeout; change it with --dist-timeout or {TIMEOUT_ENV}): it was stopped, hung or died"
    )


def setup(env: DistEnv, device_name: str = "auto", timeout_s: float | None = None) -> torch.device:
    """Join the process group of a torchrun launch and return this process's device.

    NCCL on CUDA, gloo on the CPU. With one process nothing is initialized and the device is the
    plain single-machine choice. Call :func:`teardown` when done (also on errors). Every
    collective fails after ``timeout_s`` (see :func:`timeout_seconds`) instead of waiting forever
    for a rank that stopped.
    """
    device = device_for(env, device_name)
    if not env.distributed or is_initialized():
        return device
    if not dist.is_available():
        raise DistributedError("this torch build has no torch.distributed: run one process")
    if device.type == "cuda":
        torch.cuda.set_device(device)
        backend = "nccl"
    else:
        backend = "gloo"
    # init_method env:// reads MASTER_ADDR / MASTER_PORT, which torchrun sets.
    global _timeout_used
    _timeout_used = timeout_seconds(timeout_s)
    dist.init_process_group(
        backend=backend,
        rank=env.rank,
        world_size=env.world_size,
        timeout=timedelta(seconds=_timeout_used),
    )
    return device


_timeout_used: float | None = None


def current_timeout() -> float:
    """The timeout the process group was set up with (the configured one before `setup`)."""
    return _timeout_used if _timeout_used is not None else timeout_seconds()


def teardown() -> None:
    """Leave the process group, if this process joined one (safe to call twice)."""
    if is_initialized():
        dist.destroy_process_group()


def is_main() -> bool:
    """Rank 0 of the current process group; true when there is none."""
    return not is_initialized() or dist.get_rank() == 0


def barrier() -> None:
    """Wait for every rank (no-op without a process group)."""
    if is_initialized() and current_world_size() > 1:
        dist.barrier()


@contextmanager
def local_main_first(env: DistEnv) -> Iterator[None]:
    """Run the body on each node's local rank 0 before the other ranks (e.g. a download).

    The barrier is reached on every path, also when the body raises, so no rank is left waiting.
    """
    first = not env.distributed or env.local_rank == 0
    if not first:
        barrier()
    try:
        yield
    finally:
        if first and env.distributed:
            barrier()
