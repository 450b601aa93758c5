"""``cnnstudio train``: train a design file from the terminal.

The command prints a carriage-return progress bar to stderr and one line per epoch to stdout,
and writes ``metrics.csv``, ``last.pt`` (every epoch) and ``best.pt`` (on every new best
epoch, by ``--best``: validation loss or accuracy) into the output folder
(`cnnstudio.engine.run_folder`). `train_model` is the
part that needs only a built ``nn.Module``, so it can be used (and tested) without the design
core.

Under ``torchrun`` (``RANK``/``WORLD_SIZE``/``LOCAL_RANK`` set) the command trains with every
process (see `cnnstudio.engine.distributed` and ``docs/distributed.md``): only rank 0 prints
progress and writes ``metrics.csv`` and the checkpoints; run-time errors are printed by every
rank, prefixed with its rank.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TextIO, cast

from ..core.errors import CnnStudioError, DesignError
from ..core.fileio import SUFFIX, design_to_dict
from ..engine import distributed as ddp
from ..engine.checkpoint import CheckpointError
from ..engine.datasets import DatasetBundle, DatasetError, check_classes, load_dataset
from ..engine.distributed import DistEnv, DistributedError
from ..engine.ranges import MAX_SEED, MAX_THREADS
from ..engine.run_folder import RunFolder, dump_weights, resume_from
from ..engine.trainer import (
    BEST_CRITERIA,
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
from .common import EXIT_INTERRUPTED, EXIT_OK, error, int_between
from .loading import add_dataset_arguments, load_trainable, training_settings

__all__ = ["add_arguments", "default_out_dir", "run", "train_model"]

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
# _train's return value when another rank stopped answering: exit 1, and do not wait for it.
_PEER_FAILED = -1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="design file (.json) to train")
    add_dataset_arguments(parser)
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


def run(args: argparse.Namespace) -> int:
    """Run ``cnnstudio train``; returns the exit code. ``DesignError`` propagates to the caller."""
    try:
        env = DistEnv.from_env()
    except DistributedError as exc:
        return error(str(exc))
    # Every rank reads the same file: design and settings errors are printed once, by rank 0.
    design_err = sys.stderr if env.is_main else cast(TextIO, _NullStream())
    try:
        loaded = load_trainable(args.file)
        settings = _settings_from(training_settings(loaded.design), args)
    except DesignError:
        raise
    except (CnnStudioError, ValueError) as exc:
        return error(str(exc), design_err)

    from ..engine.builder import build_model

    model = build_model(loaded.design, seed=settings.seed)
    weights = getattr(args, "weights", None)
    if weights is not None:
        if args.resume is not None:
            return error("give --weights or --resume, not both", design_err)
        from ..engine.export import ExportError, apply_weights, load_weights

        try:
            # Checked key by key: the first missing, extra or reshaped tensor is named.
            apply_weights(model, load_weights(weights), f"the weights in {weights}")
        except ExportError as exc:
            return error(str(exc), design_err)
        if env.is_main:
            print(f"starting from the weights in {weights}", flush=True)
    shape = loaded.output_shape
    return train_model(
        model,
        loaded.input_shape,
        loaded.output_id,
        settings,
        Path(args.out) if args.out else default_out_dir(args.file),
        design_dict=design_to_dict(loaded.design),
        num_outputs=int(math.prod(shape)) if shape else None,
        resume=args.resume,
        quiet=bool(getattr(args, "quiet", False)),
        dist=env,
        dist_timeout=getattr(args, "dist_timeout", None),
    )


def _settings_from(training: Mapping[str, Any], args: argparse.Namespace) -> TrainSettings:
    merged: dict[str, Any] = dict(training)
    for flag, name in _FLAG_FIELDS.items():
        value = getattr(args, flag, None)
        if value is not None:
            merged[name] = value
    return TrainSettings.from_dict(merged)


def default_out_dir(design_file: str | os.PathLike[str]) -> Path:
    """``runs/<name>`` for ``<name>.cnn.json`` (or ``<name>.json``), as ``--out``'s help says.

    The file's name rather than the design's display name: two designs made from one template
    share a name ("LeNet-5"), and their runs must not overwrite each other.
    """
    name = Path(design_file).name
    for suffix in (SUFFIX, ".json"):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return Path("runs") / name


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
        run = _Run(settings, Path(out_dir), design_dict, env, out, err, quiet)
        code = run.train(model, input_shape, output_id, num_outputs, resume, stop)
        if code == _PEER_FAILED:
            code = 1
            joined = False  # the group is broken: leaving it would wait for the missing rank
        return code
    except (DistributedError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if not joined and env.distributed and not ddp.is_initialized():  # joining failed
            return error(f"cannot start distributed training: {first}", err)
        peer = ddp.describe_failure(f"{type(exc).__name__}: {exc}", env, timeout_s)
        if peer is not None:  # e.g. the barrier around loading the data timed out
            joined = False
            return error(peer, err)
        raise
    finally:
        if joined:
            ddp.teardown()


class _Run:
    """One run of the command: loads the data, sets up the trainer, reports its events."""

    def __init__(
        self,
        settings: TrainSettings,
        out_path: Path,
        design_dict: Mapping[str, Any] | None,
        env: DistEnv,
        out: TextIO,
        err: TextIO,
        quiet: bool,
    ) -> None:
        self.settings = settings
        self.out_path = out_path
        self.design = dict(design_dict or {})
        self.env = env
        self.out = out
        self.err = err
        self.bar = _ProgressBar(err, enabled=not quiet)

    def train(
        self,
        model: Any,
        input_shape: tuple[int, ...],
        output_id: str,
        num_outputs: int | None,
        resume: str | os.PathLike[str] | None,
        stop: StopToken | None,
    ) -> int:
        """The whole run; returns the exit code (or `_PEER_FAILED`)."""
        from ..engine.export import ExportError

        try:
            data = self._load_data(input_shape, num_outputs, output_id)
            history, optimizer_state = (
                resume_from(model, resume) if resume is not None else ([], None)
            )
            folder = RunFolder(
                self.out_path,
                design=self.design,
                settings=self.settings.to_dict(),
                dataset=data.stats(),
            )
            if self.env.is_main:
                folder.create()
        except (DatasetError, CheckpointError, ExportError) as exc:
            return error(str(exc), self.err)
        trainer = Trainer(
            model,
            data,
            self.settings,
            stop=stop,
            history=history,
            optimizer_state=optimizer_state,
            output_id=output_id,
            dist=self.env,
        )
        return self._follow(trainer, folder, data)

    def _load_data(
        self, input_shape: tuple[int, ...], num_outputs: int | None, output_id: str
    ) -> DatasetBundle:
        settings = self.settings
        # Each node's first process loads (and downloads, if needed) before the others read.
        with ddp.local_main_first(self.env):
            data = load_dataset(
                settings.dataset,
                input_shape,
                data_dir=settings.data_dir,
                val_fraction=settings.val_fraction,
                seed=settings.seed,
            )
        if num_outputs is not None:
            check_classes(num_outputs, data.num_classes, output_id, dataset=data.name)
        return data

    def _follow(self, trainer: Trainer, folder: RunFolder, data: DatasetBundle) -> int:
        """Report the trainer's events until it ends; returns the exit code."""
        try:
            return self._report(trainer.run(), trainer, folder, data)
        except CheckpointError as exc:
            self.bar.clear()
            return error(str(exc), self.err)
        except KeyboardInterrupt:
            self.bar.clear()
            print("cnnstudio: interrupted; last.pt holds the last completed epoch", file=self.err)
            return EXIT_INTERRUPTED

    def _report(
        self, events: Iterable[Any], trainer: Trainer, folder: RunFolder, data: DatasetBundle
    ) -> int:
        for event in events:
            if isinstance(event, BatchEnded):
                self.bar.update(event)
            elif isinstance(event, RunStarted):
                self.bar.start(event)
                self._print(_start_line(event, data.name, self.settings.batch_size))
            elif isinstance(event, EpochEnded):
                self.bar.clear()
                if self.env.is_main:
                    folder.save_epoch(trainer, improved=event.improved)
                self._print(_epoch_line(event, self.settings.epochs))
            elif isinstance(event, RunFinished):
                self.bar.clear()
                dump_weights(trainer, self.env.rank)
                self._print(_finish_line(event, self.out_path))
            elif isinstance(event, RunFailed):
                self.bar.clear()
                return self._failed(event)
        return EXIT_OK

    def _failed(self, event: RunFailed) -> int:
        peer = ddp.describe_failure(event.message, self.env, ddp.current_timeout())
        if peer is not None:
            error(peer, self.err)
            return _PEER_FAILED
        hint = f": {event.hint}" if event.hint else ""
        return error(f"{event.message}{hint}", self.err)

    def _print(self, line: str) -> None:
        print(line, file=self.out, flush=True)


def _start_line(event: RunStarted, dataset: str, batch_size: int) -> str:
    where = (
        f"{event.world_size} processes ({event.device} on rank 0), batch {batch_size} per process"
        if event.world_size > 1
        else event.device
    )
    return (
        f"training on {where}: {dataset}, {event.train_samples} training and "
        f"{event.val_samples} validation images, {event.trainable_params:,} "
        f"trainable parameters"
    )


def _epoch_line(event: EpochEnded, epochs: int) -> str:
    mark = "  *" if event.improved else ""
    return (
        f"epoch {event.epoch:>{len(str(epochs))}}/{epochs}  "
        f"train loss {event.train_loss:.4f} acc {event.train_acc:6.2%}  "
        f"val loss {event.val_loss:.4f} acc {event.val_acc:6.2%}  "
        f"lr {event.lr:.3g}  {event.seconds:.1f} s{mark}"
    )


def _finish_line(event: RunFinished, out_path: Path) -> str:
    best = f", {event.best_summary()}" if event.best_epoch is not None else ""
    return (
        f"{event.reason} after {event.epochs_completed} epochs in "
        f"{event.seconds:.1f} s: val acc {event.val_acc:.2%}{best}; files in {out_path}"
    )


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
