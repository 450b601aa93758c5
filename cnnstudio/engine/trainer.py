"""The Qt-free training loop: settings, a stop/pause token and a generator of plain events.

:class:`Trainer` trains a built ``torch.nn.Module`` in place on a :class:`DatasetBundle` and
yields frozen dataclass events (:class:`RunStarted`, :class:`BatchEnded`, :class:`EpochEnded`,
then :class:`RunFinished` or :class:`RunFailed`). The GUI wraps the generator in a worker thread;
the CLI iterates it directly. Run-time faults never raise out of the generator: they end the run
with :class:`RunFailed` carrying a one-line message and a hint.

The torch work of an epoch (optimizer and schedule, seeding, the batch steps, totals, validation)
lives in :mod:`cnnstudio.engine.portable`, which the exported ``train.py`` embeds verbatim; this
module adds what only the app needs: events, pause/stop, resuming, best weights, fault messages.

Reproducibility: the global torch RNG (dropout) and the shuffling/augmentation generator are
re-seeded at the start of every epoch from ``(seed, epoch)``, so a run resumed from an epoch
boundary (same weights, optimizer state and history) continues exactly like an unbroken run.

Several processes (``torchrun``, see :mod:`cnnstudio.engine.distributed`): pass ``dist=`` a
:class:`~cnnstudio.engine.distributed.DistEnv` after :func:`~cnnstudio.engine.distributed.setup`.
The model is wrapped in ``DistributedDataParallel`` for the training steps only (``self.model``
stays the plain module, so its state_dict has no ``module.`` prefix); every rank draws the same
per-epoch permutation and trains on its ``DistributedSampler``-style shard with the given
per-process batch size; validation is sharded too; loss sums, correct counts and BatchNorm
statistics are reduced over ranks, so every rank yields identical epoch metrics and ends with
identical weights. Dropout and augmentation draw from per-rank streams.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np
import torch
from torch import nn

from cnnstudio.core.i18n import translate
from cnnstudio.engine import distributed as ddp
from cnnstudio.engine.datasets import DatasetBundle, DatasetError, check_classes, make_augmenter
from cnnstudio.engine.devices import resolve_device
from cnnstudio.engine.distributed import DistEnv
from cnnstudio.engine.portable import loop, optim, sharding
from cnnstudio.engine.portable.augment import Augmenter
from cnnstudio.engine.ranges import MAX_SEED, MAX_THREADS

__all__ = [
    "BEST_CRITERIA",
    "OPTIMIZERS",
    "SCHEDULES",
    "BatchEnded",
    "EpochEnded",
    "RunFailed",
    "RunFinished",
    "RunStarted",
    "StopToken",
    "TrainEvent",
    "TrainSettings",
    "Trainer",
    "resolve_device",
]

OPTIMIZERS: tuple[str, ...] = optim.OPTIMIZER_NAMES
#: What picks the best epoch (the weights kept, early stopping): lowest loss, highest accuracy.
BEST_CRITERIA: tuple[str, ...] = loop.BEST_CRITERIA
SCHEDULES: tuple[str, ...] = optim.SCHEDULE_NAMES
#: Columns of one history entry (and of the CLI's metrics.csv), in order.
HISTORY_KEYS: tuple[str, ...] = (
    "epoch",
    "train_loss",
    "train_acc",
    "val_loss",
    "val_acc",
    "lr",
    "seconds",
)
# BatchEnded events are throttled to this interval: enough for a 20 Hz plot, cheap for the loop.
_BATCH_EVENT_INTERVAL_S = 0.05
_MAX_MISCLASSIFIED = 64


# --------------------------------------------------------------------------- settings


def _fail(message: str) -> None:
    raise ValueError(message)


@dataclass
class TrainSettings:
    """Everything that shapes one training run; JSON-serialisable via :meth:`to_dict`.

    ``epochs`` is the total number of epochs: a resumed run continues until it is reached.
    ``num_threads`` ``None`` means all cores but one on the CPU, so a GUI stays responsive.
    ``plateau_patience`` is the number of epochs without val-loss improvement before the
    ``plateau`` schedule multiplies the learning rate by ``gamma``.
    ``best`` picks the best epoch, whose weights are kept and from which early stopping counts
    its patience: ``val_loss`` (the lowest) or ``val_acc`` (the highest; the lower loss among
    equally accurate epochs), see :func:`cnnstudio.engine.portable.loop.is_better`.
    """

    dataset: str = "digits"
    epochs: int = 10
    batch_size: int = 64
    lr: float = 0.01
    optimizer: str = "adam"
    momentum: float = 0.9
    nesterov: bool = False
    weight_decay: float = 0.0
    schedule: str = "none"
    step_size: int = 5
    gamma: float = 0.1
    plateau_patience: int = 2
    early_stopping_patience: int = 0
    best: str = "val_loss"
    seed: int = 0
    device: str = "auto"
    amp: bool = True
    augment: bool = False
    val_fraction: float = 0.2
    num_threads: int | None = None
    data_dir: str | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise ``ValueError`` with a one-line message for the first bad value."""
        ints = ("epochs", "batch_size", "step_size", "plateau_patience")
        for name in (*ints, "early_stopping_patience", "seed"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                _fail(f"{name} must be a whole number, not {value!r}")
        for name in ints:
            if getattr(self, name) < 1:
                _fail(f"{name} must be at least 1, not {getattr(self, name)}")
        if not 0 <= self.seed <= MAX_SEED:  # torch's and numpy's generators take 32 bits
            _fail(f"seed must be between 0 and {MAX_SEED}, not {repr(self.seed)[:30]}")
        if self.early_stopping_patience < 0:
            _fail(f"early_stopping_patience must be 0 or more, not {self.early_stopping_patience}")
        for name in ("lr", "momentum", "weight_decay", "gamma", "val_fraction"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                _fail(f"{name} must be a number, not {value!r}")
            if not math.isfinite(value):
                _fail(f"{name} must be finite, not {value}")
            setattr(self, name, float(value))
        if self.lr <= 0:
            _fail(f"lr must be greater than 0, not {self.lr}")
        if not 0 <= self.momentum < 1:
            _fail(f"momentum must be in [0, 1), not {self.momentum}")
        if self.weight_decay < 0:
            _fail(f"weight_decay must be 0 or more, not {self.weight_decay}")
        if not 0 < self.gamma <= 1:
            _fail(f"gamma must be in (0, 1], not {self.gamma}")
        if not 0 < self.val_fraction < 1:
            _fail(f"val_fraction must be between 0 and 1, not {self.val_fraction}")
        for name in ("nesterov", "amp", "augment"):
            if not isinstance(getattr(self, name), bool):
                _fail(f"{name} must be true or false, not {getattr(self, name)!r}")
        if not isinstance(self.optimizer, str) or self.optimizer.lower() not in OPTIMIZERS:
            _fail(f"unknown optimizer {self.optimizer!r}: use one of {', '.join(OPTIMIZERS)}")
        self.optimizer = self.optimizer.lower()
        if not isinstance(self.schedule, str) or self.schedule.lower() not in SCHEDULES:
            _fail(f"unknown schedule {self.schedule!r}: use one of {', '.join(SCHEDULES)}")
        self.schedule = self.schedule.lower()
        if not isinstance(self.best, str) or self.best.lower() not in BEST_CRITERIA:
            _fail(f"unknown best {self.best!r}: use one of {', '.join(BEST_CRITERIA)}")
        self.best = self.best.lower()
        if self.nesterov and (self.optimizer != "sgd" or self.momentum == 0):
            _fail("nesterov needs the sgd optimizer with momentum > 0")
        if not isinstance(self.dataset, str) or not self.dataset.strip():
            _fail(f"dataset must be a name or a folder path, not {self.dataset!r}")
        if not isinstance(self.device, str) or not self.device.strip():
            _fail(f"device must be auto, cpu, cuda, cuda:N or mps, not {self.device!r}")
        if self.num_threads is not None and (
            isinstance(self.num_threads, bool)
            or not isinstance(self.num_threads, int)
            or not 1 <= self.num_threads <= MAX_THREADS
        ):
            # Far more threads than cores only costs memory: 10**6 made OpenMP abort the process.
            _fail(
                f"num_threads must be a whole number from 1 to {MAX_THREADS}, "
                f"not {repr(self.num_threads)[:30]}"
            )
        if self.data_dir is not None and not isinstance(self.data_dir, str):
            _fail(f"data_dir must be a folder path, not {self.data_dir!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict of all settings."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainSettings:
        """Build settings from a dict; unknown keys are ignored, bad values raise ``ValueError``."""
        if not isinstance(data, Mapping):
            raise ValueError(f"training settings must be a mapping, not {type(data).__name__}")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# --------------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class RunStarted:
    device: str
    epochs: int  # total epochs of the run
    start_epoch: int  # epochs already done before this run (resume), 0 for a fresh run
    batches_per_epoch: int
    train_samples: int
    val_samples: int
    trainable_params: int
    class_names: tuple[str, ...]
    world_size: int = 1  # processes training together (torchrun); batches_per_epoch is per process


@dataclass(frozen=True, slots=True)
class BatchEnded:
    epoch: int  # 1-based
    batch: int  # 1-based
    batches: int
    loss: float  # mean training loss of this epoch so far
    samples_per_s: float  # over all processes
    eta_s: float  # estimated seconds until the run completes


@dataclass(frozen=True, slots=True)
class EpochEnded:
    epoch: int
    train_loss: float
    train_acc: float  # fraction 0..1
    val_loss: float
    val_acc: float
    lr: float  # learning rate used in this epoch (at its end for per-batch schedules)
    seconds: float  # whole epoch including validation, pauses excluded
    train_seconds: float = 0.0  # training part only (for samples/s)
    improved: bool = False  # a new best epoch by the run's criterion (TrainSettings.best)

    def to_dict(self) -> dict[str, Any]:
        """The history entry: exactly :data:`HISTORY_KEYS`."""
        return {k: getattr(self, k) for k in HISTORY_KEYS}


@dataclass(frozen=True, slots=True, eq=False)
class RunFinished:
    reason: str  # "completed" | "stopped" | "early-stopped"
    epochs_completed: int
    best_epoch: int | None
    best_val_loss: float | None
    best_val_acc: float | None
    val_loss: float  # of the weights the model ends with
    val_acc: float
    seconds: float
    class_names: tuple[str, ...]
    confusion: np.ndarray  # int64 [true class, predicted class] on the validation set
    per_class_accuracy: tuple[float, ...]  # NaN for a class absent from the validation set
    # (validation index, predicted class, true class), at most 64
    misclassified: tuple[tuple[int, int, int], ...] = field(default_factory=tuple)
    best_by: str = "val_loss"  # what picked best_epoch (TrainSettings.best)

    def best_summary(self) -> str:
        """``best val acc 93.1% (epoch 7, kept by accuracy)``: the kept epoch and its criterion.

        The number shown is the criterion's own; empty when no epoch was validated.
        """
        if self.best_epoch is None or self.best_val_loss is None or self.best_val_acc is None:
            return ""
        if self.best_by == "val_acc":
            return translate(
                "Trainer", "best val acc {acc} (epoch {epoch}, kept by accuracy)"
            ).format(acc=f"{self.best_val_acc:.1%}", epoch=self.best_epoch)
        return translate("Trainer", "best val loss {loss} (epoch {epoch}, kept by loss)").format(
            loss=f"{self.best_val_loss:.4f}", epoch=self.best_epoch
        )


@dataclass(frozen=True, slots=True)
class RunFailed:
    message: str
    hint: str = ""
    epoch: int | None = None
    batch: int | None = None


TrainEvent = RunStarted | BatchEnded | EpochEnded | RunFinished | RunFailed


class StopToken:
    """Thread-safe stop/pause switch checked by the trainer once per batch.

    ``pause()`` makes the training thread wait on an event (no CPU use) until ``resume()`` or
    ``stop()``.
    """

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # wake a paused run so that it can see the stop

    def pause(self) -> None:
        if not self._stop.is_set():
            self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait_while_paused(self) -> float:
        """Block while paused; returns the seconds spent waiting."""
        if self._running.is_set():
            return 0.0
        start = time.perf_counter()
        self._running.wait()
        return time.perf_counter() - start


class _NonFiniteLoss(Exception):
    def __init__(self, epoch: int, batch: int) -> None:
        super().__init__(
            translate(
                "Trainer", "the loss became NaN or infinite in epoch {epoch}, batch {batch}"
            ).format(epoch=epoch, batch=batch)
        )
        self.epoch = epoch
        self.batch = batch


# --------------------------------------------------------------------------- trainer


class Trainer:
    """Train ``model`` in place on ``data`` with ``settings``; iterate :meth:`run` for events.

    ``ends_with_softmax``: whether the model's output is already a probability (its last
    module is ``nn.Softmax``). ``None`` detects it from the last registered module. Then the loss
    is NLL on ``log(output)`` instead of cross entropy, so softmax is not applied twice; the model
    keeps its Softmax. A final ``nn.LogSoftmax`` is detected likewise.

    ``history`` (list of :data:`HISTORY_KEYS` dicts) and ``optimizer_state`` resume a run:
    training continues at epoch ``len(history) + 1`` up to ``settings.epochs``.
    ``output_id`` names the output layer in messages. ``dist`` (after
    :func:`cnnstudio.engine.distributed.setup`) trains together with the other ranks of a
    torchrun launch; the stop token is per process, so in that case stop every rank.
    """

    def __init__(
        self,
        model: nn.Module,
        data: DatasetBundle,
        settings: TrainSettings,
        *,
        stop: StopToken | None = None,
        history: Sequence[Mapping[str, Any]] | None = None,
        optimizer_state: Mapping[str, Any] | None = None,
        ends_with_softmax: bool | None = None,
        output_id: str = "the output layer",
        dist: DistEnv | None = None,
    ) -> None:
        self.model = model
        self.dist = dist if dist is not None and dist.distributed else DistEnv()
        # What the training steps call: the DDP wrapper under torchrun, else the model itself.
        self.net: nn.Module = model
        self.data = data
        self.settings = settings
        self.stop_token = stop if stop is not None else StopToken()
        self.history: list[dict[str, Any]] = [dict(h) for h in (history or [])]
        self._optimizer_state = optimizer_state
        kind = loop.output_kind(model)
        if ends_with_softmax:
            kind = "probs"
        elif ends_with_softmax is False and kind == "probs":
            kind = "logits"
        #: How the loss reads the output: "logits", "probs" or "log-probs" (portable.loop).
        self.output_kind = kind
        self.output_id = output_id
        self.trainable = [p for p in model.parameters() if p.requires_grad]
        self.optimizer: torch.optim.Optimizer = self._make_optimizer()
        self.scheduler: torch.optim.lr_scheduler.LRScheduler | None = None
        #: state_dict (CPU copies) of the best epoch so far by ``settings.best``.
        self.best_state: dict[str, torch.Tensor] | None = None
        self.best_epoch: int | None = None
        self.best_val_loss: float | None = None
        self.best_val_acc: float | None = None
        self.device: torch.device | None = None
        # (epoch, batch) being trained, for the message of a fault; (0, 0) outside the loop.
        self._position: tuple[int, int] = (0, 0)
        self._paused_total = 0.0

    # ----------------------------------------------------------------- building blocks

    def _make_optimizer(self) -> torch.optim.Optimizer:
        s = self.settings
        params = self.trainable
        if not params:
            # Placeholder so that the attribute exists; run() reports the problem.
            params = [nn.Parameter(torch.zeros(1))]
        try:
            device_type: str | None = ddp.device_for(self.dist, s.device).type
        except ValueError:
            device_type = None  # run() reports the bad device
        return optim.make_optimizer(
            params,
            s.optimizer,
            lr=s.lr,
            momentum=s.momentum,
            nesterov=s.nesterov,
            weight_decay=s.weight_decay,
            device_type=device_type,
        )

    def _make_scheduler(self, batches: int) -> torch.optim.lr_scheduler.LRScheduler | None:
        s = self.settings
        return optim.make_scheduler(
            self.optimizer,
            s.schedule,
            epochs=s.epochs,
            batches=batches,
            lr=s.lr,
            step_size=s.step_size,
            gamma=s.gamma,
            plateau_patience=s.plateau_patience,
            cycle_momentum=s.optimizer in ("adam", "adamw") or s.momentum > 0,
        )

    def _loss(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return loop.compute_loss(out, y, self.output_kind)

    def evaluate(self) -> tuple[float, float, torch.Tensor]:
        """Validation loss, accuracy and predicted classes (eval mode; training mode restored).

        Under torchrun each rank predicts one contiguous block of the validation set; the
        predictions are gathered and the loss summed over ranks, so every rank returns the same
        numbers for the whole set.
        """
        return loop.evaluate(
            self.model,
            self.data.val_x,
            self.data.val_y,
            kind=self.output_kind,
            amp=self.settings.amp,
            batch_size=self.settings.batch_size,
            rank=self.dist.rank,
            world_size=self.dist.world_size,
        )

    def _check_output(self) -> None:
        """Fail early, with the fix, when the output does not give one score per class."""
        assert self.device is not None
        x = self.data.train_x[:2]
        was_training = self.model.training
        self.model.eval()  # eval: no running-stat updates, no dropout RNG use
        try:
            with torch.no_grad(), loop.autocast(self.device, self.settings.amp):
                out = self.model(x)
        finally:
            if was_training:
                loop.train_mode(self.model)
        if out.dim() < 2 or out.shape[0] != len(x):
            raise DatasetError(
                f"{self.output_id} gives shape {tuple(out.shape)}: the model must output "
                "one score per class for each image"
            )
        check_classes(
            out.flatten(1).shape[1], self.data.num_classes, self.output_id, dataset=self.data.name
        )

    def _is_best(self, val_loss: float, val_acc: float) -> bool:
        """Whether these validation numbers beat the best epoch so far (``settings.best``)."""
        best = None
        if self.best_val_loss is not None and self.best_val_acc is not None:
            best = (self.best_val_loss, self.best_val_acc)
        return loop.is_better(self.settings.best, val_loss, val_acc, best)

    def _record_best(self, epoch: int, val_loss: float, val_acc: float) -> bool:
        if not self._is_best(val_loss, val_acc):
            return False
        self.best_val_loss, self.best_val_acc, self.best_epoch = val_loss, val_acc, epoch
        self.best_state = {
            k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()
        }
        return True

    def _record_best_from_history(self, epoch: int, entry: Mapping[str, Any]) -> None:
        val_loss = float(entry.get("val_loss", math.inf))
        val_acc = float(entry.get("val_acc", 0.0))
        if math.isfinite(val_loss) and self._is_best(val_loss, val_acc):
            self.best_val_loss, self.best_val_acc, self.best_epoch = val_loss, val_acc, epoch

    def _finish(self, reason: str, run_start: float, preds: _Validation | None) -> RunFinished:
        val_loss, val_acc, pred_t = preds if preds is not None else self.evaluate()
        k = self.data.num_classes
        true = self.data.val_y.to("cpu").numpy()
        pred = pred_t.to("cpu").numpy()
        valid = (pred >= 0) & (pred < k)
        confusion = np.zeros((k, k), dtype=np.int64)
        np.add.at(confusion, (true[valid], pred[valid]), 1)
        totals = confusion.sum(axis=1)
        per_class = tuple(
            float(confusion[i, i] / totals[i]) if totals[i] else float("nan") for i in range(k)
        )
        wrong = np.flatnonzero(pred != true)[:_MAX_MISCLASSIFIED]
        misclassified = tuple((int(i), int(pred[i]), int(true[i])) for i in wrong)
        return RunFinished(
            reason=reason,
            epochs_completed=len(self.history),
            best_epoch=self.best_epoch,
            best_val_loss=self.best_val_loss,
            best_val_acc=self.best_val_acc,
            val_loss=val_loss,
            val_acc=val_acc,
            seconds=time.perf_counter() - run_start - self._paused_total,
            class_names=tuple(self.data.class_names),
            confusion=confusion,
            per_class_accuracy=per_class,
            misclassified=misclassified,
            best_by=self.settings.best,
        )

    # ----------------------------------------------------------------- the loop

    def run(self) -> Iterator[TrainEvent]:
        """Train, yielding events; ends with exactly one RunFinished or RunFailed."""
        old_threads = torch.get_num_threads()
        failure: RunFailed | None = None
        out_of_memory = False
        self._position = (0, 0)
        try:
            yield from self._run()
        except _NonFiniteLoss as exc:
            failure = RunFailed(
                str(exc), translate("Trainer", "lower the learning rate"), exc.epoch, exc.batch
            )
        except torch.cuda.OutOfMemoryError:
            out_of_memory = True
            failure = RunFailed(
                translate("Trainer", "the GPU ran out of memory"),
                translate("Trainer", "use a smaller batch size"),
            )
        except (DatasetError, ValueError) as exc:
            msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            failure = RunFailed(msg, "")
        except Exception as exc:  # the generator never raises for run-time faults
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            failure = RunFailed(f"{type(exc).__name__}: {msg}", "")
        finally:
            torch.set_num_threads(old_threads)
        # Out of the except blocks: the exception and its traceback, whose frames hold the
        # batch's activations, are gone now, so the GPU memory can really be handed back, and
        # it stays free while the caller handles the event.
        if failure is None:
            return
        if out_of_memory and torch.cuda.is_initialized():
            torch.cuda.empty_cache()
        if failure.epoch is None:
            epoch, batch = self._position
            failure = replace(failure, epoch=epoch or None, batch=batch or None)
        yield failure

    def _run(self) -> Iterator[TrainEvent]:
        run_start = time.perf_counter()
        self._paused_total = 0.0
        plan = self._prepare()
        yield self._started_event(plan)
        state = _RunState(since_best=len(self.history) - (self.best_epoch or len(self.history)))
        reason = "completed"
        for epoch in range(len(self.history) + 1, self.settings.epochs + 1):
            if self.stop_token.stopped:
                reason = "stopped"
                break
            epoch_event = yield from self._train_epoch(epoch, plan, state)
            if epoch_event is None:
                reason = "stopped"
                break
            self.history.append(epoch_event.to_dict())
            yield epoch_event
            patience = self.settings.early_stopping_patience
            if patience and state.since_best >= patience:
                reason = "early-stopped"
                break
        self._position = (0, 0)
        yield self._finish(reason, run_start, state.last_validation)

    def _prepare(self) -> _Plan:
        """Device, threads, DDP, batch plan and the resumed schedule; checks the output."""
        s = self.settings
        env = self.dist
        self.device = device = ddp.device_for(env, s.device)
        if device.type == "cpu":
            # Processes of one node share its cores (torchrun starts local_world_size of them).
            cores = os.cpu_count() or 2
            default = max(1, cores // env.local_world_size) if env.distributed else cores - 1
            torch.set_num_threads(s.num_threads or max(1, default))
        if not self.trainable:
            raise ValueError(
                translate(
                    "Trainer", "the model has no trainable parameters: unfreeze at least one layer"
                )
            )
        if env.distributed and not ddp.is_initialized():
            raise ValueError("distributed training needs cnnstudio.engine.distributed.setup()")
        self.model.to(device)
        loop.train_mode(self.model)  # frozen layers stay in eval mode
        self.data.to(device)
        self.net = sharding.wrap_ddp(self.model, device) if env.distributed else self.model
        n = len(self.data.train_y)
        batch_size, batches, usable = loop.plan_batches(n, s.batch_size, env.world_size)
        done = len(self.history)
        self.scheduler = self._make_scheduler(batches)
        if done:
            val_losses = [float(h["val_loss"]) for h in self.history[:done]]
            optim.replay_schedule(self.scheduler, s.schedule, batches, val_losses)
        if self._optimizer_state is not None:
            # After .to(device), so the state tensors follow the parameters, and after the
            # replay, which starts from the initial learning rate: loading restores the rest.
            self.optimizer.load_state_dict(dict(self._optimizer_state))
        for i, entry in enumerate(self.history, start=1):
            self._record_best_from_history(i, entry)
        self._check_output()
        return _Plan(
            n=n,
            batch_size=batch_size,
            batches=batches,
            usable=usable,
            total_batches=(s.epochs - done) * batches,
            augment=make_augmenter(self.data) if s.augment else None,
            scaler=loop.make_scaler(device, s.amp),
            # .item() is free on the CPU; on GPUs it syncs, so check every 50 batches there.
            # Under torchrun the check is collective and at fixed batches, so that all ranks
            # stop at the same batch (a rank leaving alone would leave the others waiting).
            check_every=1 if device.type == "cpu" else 50,
        )

    def _started_event(self, plan: _Plan) -> RunStarted:
        assert self.device is not None
        return RunStarted(
            device=str(self.device),
            epochs=self.settings.epochs,
            start_epoch=len(self.history),
            batches_per_epoch=plan.batches,
            train_samples=plan.n,
            val_samples=len(self.data.val_y),
            trainable_params=sum(p.numel() for p in self.trainable),
            class_names=tuple(self.data.class_names),
            world_size=self.dist.world_size,
        )

    def _wait_or_stop(self) -> bool:
        """Wait while paused (the time is not counted); whether a stop was asked."""
        token = self.stop_token
        if token.paused:
            self._paused_total += token.wait_while_paused()
        return token.stopped

    def _check_finite(self, loss: torch.Tensor, epoch: int, batch: int, plan: _Plan) -> None:
        if self.dist.distributed:
            due = batch % plan.check_every == 0 or batch == plan.batches
            if due and not math.isfinite(ddp.all_reduce_sum(loss.clone()).item()):
                raise _NonFiniteLoss(epoch, batch)
        elif plan.check_every == 1 and not math.isfinite(loss.item()):
            raise _NonFiniteLoss(epoch, batch)

    def _train_epoch(
        self, epoch: int, plan: _Plan, state: _RunState
    ) -> Generator[BatchEnded, None, EpochEnded | None]:
        """Train and validate one epoch, yielding BatchEnded events (throttled).

        Returns the epoch's EpochEnded event, or ``None`` when stopped before its end.
        """
        s = self.settings
        env = self.dist
        assert self.device is not None
        order = loop.seed_epoch(
            state.generator,
            plan.n,
            s.seed,
            epoch,
            rank=env.rank,
            world_size=env.world_size,
            usable=plan.usable,
            device=self.device,
        )
        epoch_start = time.perf_counter()
        paused_before = self._paused_total
        last_event = epoch_start
        totals = loop.EpochTotals(self.device)
        if self._wait_or_stop():
            return None
        self._position = (epoch, 1)
        batches = loop.train_batches(
            self.net,
            self.optimizer,
            self.data.train_x,
            self.data.train_y,
            order,
            plan.batch_size,
            plan.batches,
            kind=self.output_kind,
            amp=s.amp,
            scaler=plan.scaler,
            augment=plan.augment,
            generator=state.generator,
            totals=totals,
            scheduler=self.scheduler if s.schedule == "onecycle" else None,
        )
        for batch, loss in enumerate(batches, start=1):
            state.last_validation = None  # the weights changed
            self._check_finite(loss, epoch, batch, plan)
            state.batches_run += 1
            now = time.perf_counter()
            if now - last_event >= _BATCH_EVENT_INTERVAL_S or batch == plan.batches:
                last_event = now
                elapsed = max(1e-9, now - epoch_start - (self._paused_total - paused_before))
                yield self._batch_event(epoch, batch, plan, state, totals, elapsed)
            if batch < plan.batches:
                if self._wait_or_stop():
                    return None
                self._position = (epoch, batch + 1)
        epoch_train_s = time.perf_counter() - epoch_start - (self._paused_total - paused_before)
        state.train_time += epoch_train_s
        return self._end_epoch(epoch, plan, state, totals, epoch_train_s)

    def _batch_event(
        self,
        epoch: int,
        batch: int,
        plan: _Plan,
        state: _RunState,
        totals: loop.EpochTotals,
        elapsed: float,
    ) -> BatchEnded:
        mean_loss = totals.mean_loss()
        if not math.isfinite(mean_loss) and not self.dist.distributed:
            raise _NonFiniteLoss(epoch, batch)
        run_elapsed = max(1e-9, state.train_time + elapsed)
        return BatchEnded(
            epoch=epoch,
            batch=batch,
            batches=plan.batches,
            loss=mean_loss,
            samples_per_s=totals.seen * self.dist.world_size / elapsed,
            eta_s=run_elapsed / state.batches_run * (plan.total_batches - state.batches_run),
        )

    def _end_epoch(
        self,
        epoch: int,
        plan: _Plan,
        state: _RunState,
        totals: loop.EpochTotals,
        epoch_train_s: float,
    ) -> EpochEnded:
        """Epoch metrics, validation, the schedule's step and the best weights."""
        epoch_start = time.perf_counter() - epoch_train_s  # for the epoch's whole time
        lr = float(self.optimizer.param_groups[0]["lr"])
        train_loss, train_acc = totals.reduce(self.model, self.dist.distributed)
        validation = self.evaluate()
        state.last_validation = validation
        val_loss, val_acc, _ = validation
        if not math.isfinite(val_loss):
            raise _NonFiniteLoss(epoch, plan.batches)
        if self.settings.schedule != "onecycle":
            optim.step_at_epoch_end(self.scheduler, self.settings.schedule, val_loss)
        improved = self._record_best(epoch, val_loss, val_acc)
        state.since_best = 0 if improved else state.since_best + 1
        return EpochEnded(
            epoch=epoch,
            train_loss=train_loss,
            train_acc=train_acc,
            val_loss=val_loss,
            val_acc=val_acc,
            lr=lr,
            seconds=time.perf_counter() - epoch_start,
            train_seconds=epoch_train_s,
            improved=improved,
        )


# Validation loss, accuracy and predicted classes (Trainer.evaluate's result).
_Validation = tuple[float, float, torch.Tensor]


@dataclass(frozen=True)
class _Plan:
    """What stays fixed across the epochs of one run."""

    n: int  # training samples
    batch_size: int  # per process
    batches: int  # per epoch and process
    usable: int  # samples of this process's shard used per epoch
    total_batches: int  # batches this run will train
    augment: Augmenter | None
    scaler: torch.amp.GradScaler | None
    check_every: int  # batches between loss finiteness checks (CPU: every batch)


@dataclass
class _RunState:
    """What the epochs of one run carry over to the next."""

    since_best: int = 0  # epochs since the best epoch (by TrainSettings.best)
    generator: torch.Generator = field(default_factory=torch.Generator)
    batches_run: int = 0
    train_time: float = 0.0  # seconds spent training in this run, pauses excluded
    last_validation: _Validation | None = None  # of the current weights, if validated
