"""Training checkpoints: atomic save and validated load of weights, optimizer state and history.

A checkpoint is one ``torch.save`` file whose content loads with ``torch.load(weights_only=True)``:
tensors plus plain dicts, lists, strings and numbers. The design, the settings and the history are
stored as JSON-able data (no numpy, no custom classes) so that old files stay readable when the
code changes. Writing goes to a temporary file in the same folder that replaces the target only
once it is complete, so a crash or a full disk never leaves a half-written checkpoint.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from ..core.atomic_file import AtomicFile, NotRegularFileError

__all__ = [
    "CHECKPOINT_FORMAT",
    "Checkpoint",
    "CheckpointError",
    "load_checkpoint",
    "save_checkpoint",
    "unwrap_state_dict",
]

CHECKPOINT_FORMAT = "cnnstudio-checkpoint"
CHECKPOINT_VERSION = 1


class CheckpointError(ValueError):
    """A checkpoint cannot be read or written; ``str(err)`` is one line naming the file."""


@dataclass
class Checkpoint:
    """The content of a checkpoint file (tensors on the CPU)."""

    design: dict[str, Any]
    model_state: dict[str, torch.Tensor]
    optimizer_state: dict[str, Any] | None
    history: list[dict[str, Any]]
    settings: dict[str, Any]
    epoch: int
    #: Facts for preprocessing new images: dataset name, class names, mean, std, input shape.
    dataset: dict[str, Any] = field(default_factory=dict)
    #: state_dict of the best epoch, when the writer chose to include it.
    best_state: dict[str, torch.Tensor] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    version: int = CHECKPOINT_VERSION


def _plain(value: Any, what: str) -> Any:
    """A JSON round trip: turns tuples into lists, numpy scalars/arrays into Python values."""

    def default(obj: Any) -> Any:
        if hasattr(obj, "tolist"):
            return obj.tolist()
        if isinstance(obj, os.PathLike):
            return os.fspath(obj)
        raise TypeError(f"{what} holds a {type(obj).__name__}, which is not plain data")

    return json.loads(json.dumps(value, default=default, allow_nan=True))


def _cpu_state(state: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.detach().cpu() if isinstance(v, torch.Tensor) else v) for k, v in state.items()}


def _cpu_tree(obj: Any) -> Any:
    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu()
    if isinstance(obj, Mapping):
        return {k: _cpu_tree(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_cpu_tree(v) for v in obj)
    return obj


def save_checkpoint(
    path: str | os.PathLike[str],
    *,
    design: Mapping[str, Any],
    model_state: Mapping[str, torch.Tensor],
    optimizer_state: Mapping[str, Any] | None,
    history: Sequence[Mapping[str, Any]],
    settings: Mapping[str, Any],
    epoch: int,
    dataset: Mapping[str, Any] | None = None,
    best_state: Mapping[str, torch.Tensor] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Write a checkpoint atomically (temp file, fsync, ``os.replace``).

    ``epoch`` is the number of completed epochs the weights belong to. Raises
    :class:`CheckpointError` when the data is not plain or the file cannot be written; the
    target file is then untouched.
    """
    target = Path(path)
    try:
        payload = {
            "format": CHECKPOINT_FORMAT,
            "version": CHECKPOINT_VERSION,
            "epoch": int(epoch),
            "design": _plain(dict(design), "the design"),
            "settings": _plain(dict(settings), "the settings"),
            "history": _plain([dict(h) for h in history], "the history"),
            "dataset": _plain(dict(dataset or {}), "the dataset facts"),
            "extra": _plain(dict(extra or {}), "the extra data"),
            # Always the plain module's keys, so any run (one process or DDP) can resume it.
            "model_state": _cpu_state(unwrap_state_dict(model_state)),
            "optimizer_state": _cpu_tree(dict(optimizer_state)) if optimizer_state else None,
            "best_state": (
                _cpu_state(unwrap_state_dict(best_state)) if best_state is not None else None
            ),
        }
    except (TypeError, ValueError) as exc:
        raise CheckpointError(f"cannot save checkpoint {target}: {exc}") from None

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # Serialized in memory first: torch's zip writer, fed a file on a full disk, raises and
        # then aborts the process (c10::Error) when it is destroyed; a plain write just raises.
        buffer = io.BytesIO()
        torch.save(payload, buffer)
        # Through a symlink to its target; a device or a pipe is refused, never replaced.
        with AtomicFile(target) as staged:
            staged.write(buffer.getvalue())
            staged.commit()
    except NotRegularFileError as exc:
        raise CheckpointError(f"cannot save checkpoint {target}: {exc.strerror}") from None
    except (OSError, RuntimeError, pickle.PicklingError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise CheckpointError(f"cannot save checkpoint {target}: {reason}") from None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def torch_load_reason(exc: BaseException) -> str:
    """Why ``torch.load`` failed, in one short sentence instead of PyTorch's paragraphs.

    A ``weights_only`` refusal becomes "it holds a Python object (NAME) ...": its own text is
    several sentences of advice on how to load the file unsafely, which is not ours to give.
    """
    text = _ANSI.sub("", str(exc)).strip()
    if "Weights only load failed" in text or "WeightsUnpickler error" in text:
        found = re.search(r"Unsupported global: GLOBAL ([\w.]+)", text)
        what = f" ({found.group(1)})" if found else ""
        return (
            f"it holds a Python object{what} that is not plain data, refused because loading "
            "it could run code"
        )
    first = text.splitlines()[0].strip() if text else type(exc).__name__
    return first if len(first) <= 160 else first[:157] + "..."


def _optimizer_problem(state: Any) -> str | None:
    """What is wrong with an optimizer state_dict, in words, or None when it has torch's shape."""
    if not isinstance(state, Mapping):
        return f"it is a {type(state).__name__}, not a mapping"
    groups = state.get("param_groups")
    if not isinstance(groups, list) or not groups:
        return "it has no list of param_groups"
    for n, group in enumerate(groups, 1):
        if not isinstance(group, Mapping) or not isinstance(group.get("params"), list):
            return f"param group {n} has no list of params"
    if not isinstance(state.get("state"), Mapping):
        return "it has no per-parameter state"
    return None


def unwrap_state_dict(state: Mapping[str, Any]) -> dict[str, Any]:
    """``state`` without the ``module.`` prefix that a DDP or DataParallel wrapper adds.

    cnnstudio itself always saves the unwrapped module's state_dict; this lets a state_dict saved
    from a wrapper elsewhere (``ddp_model.state_dict()``) load into the plain model too. Keys are
    only changed when every key carries the prefix.
    """
    prefix = "module."
    if state and all(k.startswith(prefix) for k in state):
        return {k[len(prefix) :]: v for k, v in state.items()}
    return dict(state)


def load_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    """Read a checkpoint written by :func:`save_checkpoint` (``weights_only`` loading, CPU)."""
    source = Path(path)
    try:
        raw = torch.load(source, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint {source} does not exist") from None
    except (
        OSError,
        RuntimeError,
        EOFError,
        ValueError,
        pickle.UnpicklingError,
        zipfile.BadZipFile,
    ) as exc:
        reason = torch_load_reason(exc)
        raise CheckpointError(f"checkpoint {source} is unreadable or corrupt: {reason}") from None
    if not isinstance(raw, dict) or raw.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(f"{source} is not a cnnstudio checkpoint")
    version = raw.get("version")
    if not isinstance(version, int) or version > CHECKPOINT_VERSION:
        raise CheckpointError(
            f"checkpoint {source} has format version {version}: update cnnstudio to read it"
        )
    try:
        checkpoint = Checkpoint(
            design=dict(raw["design"]),
            model_state=unwrap_state_dict(raw["model_state"]),
            optimizer_state=dict(raw["optimizer_state"]) if raw["optimizer_state"] else None,
            history=[dict(h) for h in raw["history"]],
            settings=dict(raw["settings"]),
            epoch=int(raw["epoch"]),
            dataset=dict(raw.get("dataset") or {}),
            best_state=unwrap_state_dict(raw["best_state"]) if raw.get("best_state") else None,
            extra=dict(raw.get("extra") or {}),
            version=version,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(f"checkpoint {source} is incomplete: missing or bad {exc}") from None
    if not all(isinstance(v, torch.Tensor) for v in checkpoint.model_state.values()):
        raise CheckpointError(f"checkpoint {source} is incomplete: model_state holds non-tensors")
    if checkpoint.optimizer_state is not None:
        problem = _optimizer_problem(checkpoint.optimizer_state)
        if problem:
            raise CheckpointError(
                f"checkpoint {source} has a damaged optimizer state: {problem} "
                "(a checkpoint written by cnnstudio train has both)"
            )
    return checkpoint
