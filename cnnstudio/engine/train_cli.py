"""The ``cnnstudio train`` command: train a design file from the terminal.

``cnnstudio/cli.py`` registers the sub-command with :func:`add_train_arguments` and calls
:func:`run_train`. The command prints a carriage-return progress bar to stderr and one line per
epoch to stdout, and writes ``metrics.csv``, ``last.pt`` (every epoch) and ``best.pt`` (on every
new best epoch, by ``--best``: validation loss or accuracy) into the output folder.
:func:`train_model` is the part that needs only a built ``nn.Module``, so it can be used (and
tested) without the design core.

Under ``torchrun`` (``RANK``/``WORLD_SIZE``/``LOCAL_RANK`` set) the command trains with every
process (see :mod:`cnnstudio.engine.distributed` and ``docs/distributed.md``): only rank 0 prints
progress and writes ``metrics.csv`` and the checkpoints; run-time errors are printed by every
rank, prefixed with its rank.
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from cnnstudio.core.atomic_file import AtomicFile, atomic_write
from cnnstudio.engine import distributed as ddp
from cnnstudio.engine.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from cnnstudio.engine.datasets import BUILTIN_DATASETS, DatasetError, check_classes, load_dataset
from cnnstudio.engine.distributed import DistEnv, DistributedError
from cnnstudio.engine.ranges import MAX_SEED, MAX_THREADS, int_between
from cnnstudio.engine.trainer import (
    BEST_CRITERIA,
    HISTORY_KEYS,
    OPTIMIZERS,
    SCHEDULES,
    BatchEnded,
    EpochEnded,
    RunFailed,
    RunFinished,
    RunStarted,
    StopToken,
    Trainer,
    TrainSettings,
)

__all__ = ["add_train_arguments", "run_train", "train_model"]

# Command-line flag -> TrainSettings field; flags left out keep the design's or default value.
_FLAG_FIELDS = {
    "dataset": "dataset",
    "epochs": "epochs",
    "batch_size": "batch_size",
    "lr": "lr",
    "optimizer": "optimizer",
    "device": "device",
    "seed": "seed",
    "data_dir": "data_dir",
    "schedule": "schedule",
    "augment": "augment",
    "val_fraction": "val_fraction",
    "weight_decay": "weight_decay",
    "patience": "early_stopping_patience",
    "best": "best",
    "num_threads": "num_threads",
}
_BAR_INTERVAL_S = 0.2
# Test hook: when set to a folder, every rank saves its final state_dict there as rank<N>.pt and
# its history as rank<N>.json, so a test can prove that all replicas of a distributed run end
# with identical weights and report identical metrics.
_DUMP_WEIGHTS_ENV = "CNNSTUDIO_DEBUG_DUMP_WEIGHTS"


def add_train_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``train`` sub-command's arguments to ``parser``."""
    parser.add_argument("file", help="design file (.json) to train")
    parser.add_argument(
        "--dataset",
        metavar="NAME|PATH",
        help=f"{', '.join(BUILTIN_DATASETS)} or a folder with one sub-folder per class "
        "(default: the design's setting, else digits)",
    )
    parser.add_argument("--epochs", type=int, metavar="N", help="total epochs (default 10)")
    parser.add_argument("--batch-size", type=int, metavar="N", help="batch size (default 64)")
    parser.add_argument("--lr", type=float, metavar="X", help="learning rate (default 0.01)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, help="optimizer (default adam)")
    parser.add_argument("--schedule", choices=SCHEDULES, help="learning-rate schedule")
    parser.add_argument("--weight-decay", type=float, metavar="X", help="weight decay")
    parser.add_argument("--patience", type=int, metavar="N", help="early stopping patience")
    parser.add_argument(
        "--best",
        choices=BEST_CRITERIA,
        help="what picks best.pt and early stopping: the lowest val_loss (default) or the "
        "highest val_acc",
    )
    parser.add_argument("--val-fraction", type=float, metavar="X", help="validation share")
    parser.add_argument(
        "--augment",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="random shifts, flips and rotations",
    )
    parser.add_argument("--device", metavar="NAME", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument(
        "--num-threads",
        type=int_between(1, MAX_THREADS),
        metavar="N",
        help=f"CPU threads, 1 to {MAX_THREADS}",
    )
    parser.add_argument(
        "--seed",
        type=int_between(0, MAX_SEED),
        metavar="N",
        help=f"random seed, 0 to {MAX_SEED} (default 0)",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="folder for downloaded datasets")
    parser.add_argument("--resume", metavar="CKPT", help="continue from a checkpoint (last.pt)")
    parser.add_argument(
        "--weights",
        metavar="W.pt",
        help="start from these weights (a state_dict, as `import --weights-out` and "
        "`export --weights` write, or a checkpoint's model); frozen layers keep them",
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (default: runs/<the design file's name without .cnn.json>)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument(
        "--dist-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="under torchrun: how long a process waits for the others before the run fails "
        f"(default: ${ddp.TIMEOUT_ENV}, else {ddp.DEFAULT_TIMEOUT_S:g})",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text[:30]!r}") from None
    try:
        return ddp.timeout_seconds(value)
    except DistributedError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _error(message: str, stream: TextIO) -> int:
    print(f"cnnstudio: error: {message}", file=stream)
    return 1


def _settings_from(training: Mapping[str, Any] | None, args: argparse.Namespace) -> TrainSettings:
    merged: dict[str, Any] = dict(training or {})
    for flag, name in _FLAG_FIELDS.items():
        value = getattr(args, flag, None)
        if value is not None:
            merged[name] = value
    return TrainSettings.from_dict(merged)


def run_train(args: argparse.Namespace) -> int:
    """Run ``cnnstudio train``; returns the exit code. ``DesignError`` propagates to the caller."""
    from cnnstudio.core.analysis import analyze
    from cnnstudio.core.fileio import design_to_dict, load_design

    err = sys.stderr
    try:
        env = DistEnv.from_env()
    except DistributedError as exc:
        return _error(str(exc), err)
    # Every rank reads the same file: design and settings errors are printed once, by rank 0.
    design_err = err if env.is_main else cast(TextIO, _NullStream())
    design = load_design(args.file)
    result = analyze(design)
    if not result.valid:
        errors = result.errors
        first = errors[0].message if errors else "the design has no output layer"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return _error(f"{args.file}: {first}{more}", design_err)
    assert result.output_id is not None
    input_shape = result.layers[result.input_id].output_shape if result.input_id else None
    output_shape = result.layers[result.output_id].output_shape
    if input_shape is None:
        return _error(f"{args.file}: the design has no Input layer", design_err)

    try:
        settings = _settings_from(getattr(design, "training", None), args)
    except ValueError as exc:
        return _error(str(exc), design_err)
    out_dir = Path(args.out) if args.out else default_out_dir(args.file)

    from cnnstudio.engine.builder import build_model

    model = build_model(design, seed=settings.seed)
    weights = getattr(args, "weights", None)
    if weights is not None:
        if args.resume is not None:
            return _error("give --weights or --resume, not both", design_err)
        from cnnstudio.engine.export import ExportError, apply_weights, load_weights

        try:
            # Checked key by key: the first missing, extra or reshaped tensor is named.
            apply_weights(model, load_weights(weights), f"the weights in {weights}")
        except ExportError as exc:
            return _error(str(exc), design_err)
        if env.is_main:
            print(f"starting from the weights in {weights}", flush=True)
    num_outputs = _num_outputs_from(output_shape)
    return train_model(
        model,
        tuple(input_shape),
        result.output_id,
        settings,
        out_dir,
        design_dict=design_to_dict(design),
        num_outputs=num_outputs,
        resume=args.resume,
        quiet=bool(getattr(args, "quiet", False)),
        dist=env,
        dist_timeout=getattr(args, "dist_timeout", None),
    )


def default_out_dir(design_file: str | os.PathLike[str]) -> Path:
    """``runs/<name>`` for ``<name>.cnn.json`` (or ``<name>.json``), as ``--out``'s help says.

    The file's name rather than the design's display name: two designs made from one template
    share a name ("LeNet-5"), and their runs must not overwrite each other.
    """
    from cnnstudio.core.fileio import SUFFIX

    name = Path(design_file).name
    for suffix in (SUFFIX, ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return Path("runs") / name


def _num_outputs_from(output_shape: Sequence[int] | None) -> int | None:
    if not output_shape:
        return None
    return int(math.prod(output_shape))


def train_model(
    model: Any,
    input_shape: tuple[int, ...],
    output_id: str,
    settings: TrainSettings,
    out_dir: str | os.PathLike[str],
    *,
    design_dict: Mapping[str, Any] | None = None,
    num_outputs: int | None = None,
    resume: str | os.PathLike[str] | None = None,
    stop: StopToken | None = None,
    quiet: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    dist: DistEnv | None = None,
    dist_timeout: float | None = None,
) -> int:
    """Train a built model with progress output and files in ``out_dir``; returns an exit code.

    ``input_shape`` is the design's Input shape without the batch axis; ``num_outputs`` (scores
    per image, when known from the analysis) is checked against the dataset's classes before
    any data is touched by the model.

    ``dist`` (usually ``DistEnv.from_env()`` under torchrun) with more than one process joins the
    process group here and leaves it on return, also after an error; only rank 0 prints progress
    and writes files. ``dist_timeout`` (seconds, see `ddp.timeout_seconds`) bounds every wait for
    the other processes; a rank that stops answering ends the run with a one-line error.
    """
    env = dist if dist is not None else DistEnv()
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    if not env.is_main:
        out, quiet = cast(TextIO, _NullStream()), True
    if env.distributed:
        # Every rank's run-time errors carry its rank, rank 0's too (docs/distributed.md).
        err = cast(TextIO, _RankPrefixed(err, env.rank))
    joined = False
    timeout_s = ddp.DEFAULT_TIMEOUT_S
    try:
        if env.distributed:
            timeout_s = ddp.timeout_seconds(dist_timeout)
        if env.distributed and not ddp.is_initialized():
            ddp.setup(env, settings.device, timeout_s)
            joined = True
        code = _train(
            model, input_shape, output_id, settings, Path(out_dir), design_dict, num_outputs,
            resume, stop, quiet, out, err, env,
        )  # fmt: skip
        if code == _PEER_FAILED:
            code = 1
            joined = False  # the group is broken: leaving it would wait for the missing rank
        return code
    except (DistributedError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if not joined and env.distributed and not ddp.is_initialized():  # joining failed
            return _error(f"cannot start distributed training: {first}", err)
        peer = ddp.describe_failure(f"{type(exc).__name__}: {exc}", env, timeout_s)
        if peer is not None:  # e.g. the barrier around loading the data timed out
            joined = False
            return _error(peer, err)
        raise
    finally:
        if joined:
            ddp.teardown()


def _train(
    model: Any,
    input_shape: tuple[int, ...],
    output_id: str,
    settings: TrainSettings,
    out_path: Path,
    design_dict: Mapping[str, Any] | None,
    num_outputs: int | None,
    resume: str | os.PathLike[str] | None,
    stop: StopToken | None,
    quiet: bool,
    out: TextIO,
    err: TextIO,
    env: DistEnv,
) -> int:
    design = dict(design_dict or {})
    try:
        # Each node's first process loads (and downloads, if needed) before the others read.
        with ddp.local_main_first(env):
            data = load_dataset(
                settings.dataset,
                input_shape,
                data_dir=settings.data_dir,
                val_fraction=settings.val_fraction,
                seed=settings.seed,
            )
        if num_outputs is not None:
            check_classes(num_outputs, data.num_classes, output_id, dataset=data.name)
    except DatasetError as exc:
        return _error(str(exc), err)

    history: list[dict[str, Any]] = []
    optimizer_state = None
    if resume is not None:
        from cnnstudio.engine.export import ExportError, apply_weights

        try:
            ckpt = load_checkpoint(resume)
            # Checked key by key first: torch's own message is several lines listing every key.
            apply_weights(model, ckpt.model_state, f"the weights in checkpoint {resume}")
        except (CheckpointError, ExportError) as exc:
            return _error(str(exc), err)
        history, optimizer_state = ckpt.history, ckpt.optimizer_state

    if env.is_main:
        try:
            out_path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return _error(f"cannot create output folder {out_path}: {exc.strerror or exc}", err)

    trainer = Trainer(
        model,
        data,
        settings,
        stop=stop,
        history=history,
        optimizer_state=optimizer_state,
        output_id=output_id,
        dist=env,
    )
    bar = _ProgressBar(err, enabled=not quiet)

    def save(name: str, state: Mapping[str, Any]) -> None:
        save_checkpoint(
            out_path / name,
            design=design,
            model_state=state,
            optimizer_state=trainer.optimizer.state_dict(),
            history=trainer.history,
            settings=settings.to_dict(),
            epoch=len(trainer.history),
            dataset=data.stats(),
        )

    try:
        for event in trainer.run():
            if isinstance(event, BatchEnded):
                bar.update(event)
            elif isinstance(event, RunStarted):
                bar.start(event)
                where = (
                    f"{event.world_size} processes ({event.device} on rank 0), batch "
                    f"{settings.batch_size} per process"
                    if event.world_size > 1
                    else event.device
                )
                print(
                    f"training on {where}: {data.name}, {event.train_samples} training and "
                    f"{event.val_samples} validation images, {event.trainable_params:,} "
                    f"trainable parameters",
                    file=out,
                    flush=True,
                )
            elif isinstance(event, EpochEnded):
                bar.clear()
                if env.is_main:
                    # Checkpoints first: metrics.csv never lists an epoch that last.pt lacks,
                    # also when the disk fills up in between.
                    save("last.pt", trainer.model.state_dict())
                    if event.improved:
                        save("best.pt", trainer.model.state_dict())
                    try:
                        _write_metrics(out_path / "metrics.csv", trainer.history)
                    except OSError as exc:
                        raise CheckpointError(
                            f"cannot write {out_path / 'metrics.csv'}: {exc.strerror or exc}"
                        ) from None
                print(_epoch_line(event, settings.epochs), file=out, flush=True)
            elif isinstance(event, RunFinished):
                bar.clear()
                _dump_weights(trainer, env)
                best = f", {event.best_summary()}" if event.best_epoch is not None else ""
                print(
                    f"{event.reason} after {event.epochs_completed} epochs in "
                    f"{event.seconds:.1f} s: val acc {event.val_acc:.2%}{best}; "
                    f"files in {out_path}",
                    file=out,
                    flush=True,
                )
            elif isinstance(event, RunFailed):
                bar.clear()
                peer = ddp.describe_failure(event.message, env, ddp.current_timeout())
                if peer is not None:
                    _error(peer, err)
                    return _PEER_FAILED
                hint = f": {event.hint}" if event.hint else ""
                return _error(f"{event.message}{hint}", err)
    except CheckpointError as exc:
        bar.clear()
        return _error(str(exc), err)
    except KeyboardInterrupt:
        bar.clear()
        print("cnnstudio: interrupted; last.pt holds the last completed epoch", file=err)
        return 130
    return 0


# _train's return value when another rank stopped answering: exit 1, and do not wait for it.
_PEER_FAILED = -1


def _dump_weights(trainer: Trainer, env: DistEnv) -> None:
    folder = os.environ.get(_DUMP_WEIGHTS_ENV)
    if folder:
        import json

        import torch

        path = Path(folder)
        path.mkdir(parents=True, exist_ok=True)
        with AtomicFile(path / f"rank{env.rank}.pt") as staged:
            with staged.open() as fh:
                torch.save(trainer.model.state_dict(), fh)
            staged.commit()
        atomic_write(path / f"rank{env.rank}.json", json.dumps(trainer.history).encode("utf-8"))


class _NullStream:
    """A text stream that drops everything (the output of ranks other than 0)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


class _RankPrefixed:
    """Prefixes each write with the rank, so errors of several processes can be told apart."""

    def __init__(self, stream: TextIO, rank: int) -> None:
        self.stream = stream
        self.rank = rank

    def write(self, text: str) -> int:
        prefix = "cnnstudio: error: "
        if text.startswith(prefix):
            text = f"{prefix}rank {self.rank}: {text[len(prefix) :]}"
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def _write_metrics(path: Path, history: Sequence[Mapping[str, Any]]) -> None:
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


def _epoch_line(event: EpochEnded, epochs: int) -> str:
    mark = "  *" if event.improved else ""
    return (
        f"epoch {event.epoch:>{len(str(epochs))}}/{epochs}  "
        f"train loss {event.train_loss:.4f} acc {event.train_acc:6.2%}  "
        f"val loss {event.val_loss:.4f} acc {event.val_acc:6.2%}  "
        f"lr {event.lr:.3g}  {event.seconds:.1f} s{mark}"
    )


def _fmt_eta(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds < 3600 else f"{seconds // 3600} h"


class _ProgressBar:
    """One carriage-return line on stderr, redrawn at most five times a second."""

    def __init__(self, stream: TextIO, *, enabled: bool, width: int = 24) -> None:
        self.stream = stream
        self.enabled = enabled
        self.width = width
        self.epochs = 0
        self._last = 0.0
        self._shown = 0

    def start(self, event: RunStarted) -> None:
        self.epochs = event.epochs

    def update(self, event: BatchEnded) -> None:
        now = time.monotonic()
        if not self.enabled or now - self._last < _BAR_INTERVAL_S:
            return
        self._last = now
        filled = round(self.width * event.batch / max(1, event.batches))
        line = (
            f"epoch {event.epoch}/{self.epochs} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{event.batch}/{event.batches} loss {event.loss:.4f} "
            f"{event.samples_per_s:,.0f} samples/s ETA {_fmt_eta(event.eta_s)}"
        )
        self.stream.write("\r" + line.ljust(self._shown))
        self.stream.flush()
        self._shown = len(line)

    def clear(self) -> None:
        if self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0
