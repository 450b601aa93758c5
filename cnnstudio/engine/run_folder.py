"""The files a training run leaves in its output folder, and resuming from them.

``last.pt`` after every epoch, ``best.pt`` on every new best validation loss (both checkpoints,
see `cnnstudio.engine.checkpoint`) and ``metrics.csv``, rewritten whole from the history so
that a resumed run keeps one file. ``cnnstudio train`` writes them through `RunFolder`; only
rank 0 of a distributed run does.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.atomic_file import AtomicFile, atomic_write
from .checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from .trainer import HISTORY_KEYS, Trainer

__all__ = ["DUMP_WEIGHTS_ENV", "RunFolder", "dump_weights", "resume_from", "write_metrics"]

DUMP_WEIGHTS_ENV = "CNNSTUDIO_DEBUG_DUMP_WEIGHTS"
"""Test hook: when set to a folder, every rank saves its final state_dict there as rank<N>.pt and
its history as rank<N>.json, so a test can prove that all replicas of a distributed run end
with identical weights and report identical metrics."""


class RunFolder:
    """The output folder of one training run of ``design`` with ``settings`` on ``dataset``
    (`DatasetBundle.stats`, kept in each checkpoint to preprocess new images the same way)."""

    def __init__(
        self,
        path: Path,
        *,
        design: Mapping[str, Any],
        settings: Mapping[str, Any],
        dataset: Mapping[str, Any],
    ) -> None:
        self.path = path
        self.design = design
        self.settings = settings
        self.dataset = dataset

    def create(self) -> None:
        """Make the folder (and its parents); raises `CheckpointError` in one line."""
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CheckpointError(
                f"cannot create output folder {self.path}: {exc.strerror or exc}"
            ) from None

    def save_epoch(self, trainer: Trainer, *, improved: bool) -> None:
        """``last.pt``, ``best.pt`` when ``improved``, then ``metrics.csv``.

        Checkpoints first: metrics.csv never lists an epoch that last.pt lacks, also when the
        disk fills up in between. Raises `CheckpointError`."""
        self._save("last.pt", trainer)
        if improved:
            self._save("best.pt", trainer)
        metrics = self.path / "metrics.csv"
        try:
            write_metrics(metrics, trainer.history)
        except OSError as exc:
            raise CheckpointError(f"cannot write {metrics}: {exc.strerror or exc}") from None

    def _save(self, name: str, trainer: Trainer) -> None:
        save_checkpoint(
            self.path / name,
            design=self.design,
            model_state=trainer.model.state_dict(),
            optimizer_state=trainer.optimizer.state_dict(),
            history=trainer.history,
            settings=self.settings,
            epoch=len(trainer.history),
            dataset=self.dataset,
        )


def resume_from(
    model: Any, checkpoint: str | os.PathLike[str]
) -> tuple[list[dict[str, Any]], Mapping[str, Any] | None]:
    """Load ``checkpoint``'s weights into ``model``; returns its history and optimizer state.

    The weights are checked key by key first (torch's own message is several lines listing
    every key). Raises `CheckpointError` or `ExportError`, in one line."""
    from .export import apply_weights

    ckpt = load_checkpoint(checkpoint)
    apply_weights(model, ckpt.model_state, f"the weights in checkpoint {checkpoint}")
    return ckpt.history, ckpt.optimizer_state


def write_metrics(path: Path, history: Sequence[Mapping[str, Any]]) -> None:
    """Rewrite metrics.csv from the whole history (small) so a resumed run keeps one file."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(HISTORY_KEYS)
    for entry in history:
        writer.writerow([_fmt_cell(entry.get(k)) for k in HISTORY_KEYS])
    atomic_write(path, text.getvalue().encode("utf-8"))


def _fmt_cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return "" if value is None else str(value)


def dump_weights(trainer: Trainer, rank: int) -> None:
    """The `DUMP_WEIGHTS_ENV` test hook (nothing when the variable is unset)."""
    folder = os.environ.get(DUMP_WEIGHTS_ENV)
    if not folder:
        return
    import torch

    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    with AtomicFile(path / f"rank{rank}.pt") as staged:
        with staged.open() as fh:
            torch.save(trainer.model.state_dict(), fh)
        staged.commit()
    atomic_write(path / f"rank{rank}.json", json.dumps(trainer.history).encode("utf-8"))
