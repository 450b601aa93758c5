"""The Qt-free training loop: settings, a stop/pause token and a generator of plain events.

:class:`Trainer` trains a built ``torch.nn.Module`` in place on a :class:`DatasetBundle` and
yields frozen dataclass events (:class:`RunStarted`, :class:`BatchEnded`, :class:`EpochEnded`,
then :class:`RunFinished` or :class:`RunFailed`). The GUI wraps the generator in a worker thread;
the CLI iterates it directly. Run-time faults never raise out of the generator: they end the run
with :class:`RunFailed` carrying a one-line message and a hint.

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

import contextlib
import math
import os
import threading
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from cnnstudio.engine import distributed as ddp
from cnnstudio.engine.datasets import DatasetBundle, DatasetError, check_classes, make_augmenter
from cnnstudio.engine.distributed import DistEnv
from cnnstudio.engine.ranges import MAX_SEED, MAX_THREADS

__all__ = [
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

OPTIMIZERS: tuple[str, ...] = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULES: tuple[str, ...] = ("none", "step", "cosine", "onecycle", "plateau")
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


def resolve_device(name: str) -> torch.device:
    """``auto`` picks cuda, then mps, then cpu; an explicit name must be usable here."""
    name = name.strip().lower()
    mps = getattr(torch.backends, "mps", None)
    mps_ok = mps is not None and mps.is_available()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if mps_ok else torch.device("cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        raise ValueError(f"unknown device {name!r}: use auto, cpu, cuda, cuda:N or mps") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device cuda is not available on this machine: use auto or cpu")
    if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"there is no {device}: this machine has {torch.cuda.device_count()}")
    if device.type == "mps" and not mps_ok:
        raise ValueError("device mps is not available on this machine: use auto or cpu")
    return device


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
    improved: bool = False  # new best validation loss

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
        super().__init__(f"the loss became NaN or infinite in epoch {epoch}, batch {batch}")
        self.epoch = epoch
        self.batch = batch


# --------------------------------------------------------------------------- trainer


def _epoch_seed(seed: int, epoch: int) -> int:
    # A distinct, reproducible stream per epoch; kept below 2**63 for manual_seed.
    return (seed * 1_000_003 + epoch * 7_919 + 12_345) % (2**62)


def _final_module(model: nn.Module) -> nn.Module:
    modules = list(model.modules())
    return modules[-1] if modules else model


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
        last = _final_module(model)
        if ends_with_softmax is None:
            ends_with_softmax = isinstance(last, nn.Softmax)
        self.output_kind = (
            "probs"
            if ends_with_softmax
            else "log-probs"
            if isinstance(last, nn.LogSoftmax)
            else "logits"
        )
        self.output_id = output_id
        self.trainable = [p for p in model.parameters() if p.requires_grad]
        self.optimizer: torch.optim.Optimizer = self._make_optimizer()
        self.scheduler: Any = None
        #: state_dict (CPU copies) of the epoch with the lowest validation loss so far.
        self.best_state: dict[str, torch.Tensor] | None = None
        self.best_epoch: int | None = None
        self.best_val_loss: float | None = None
        self.best_val_acc: float | None = None
        self.device: torch.device | None = None

    # ----------------------------------------------------------------- building blocks

    def _make_optimizer(self) -> torch.optim.Optimizer:
        s = self.settings
        params = self.trainable
        if not params:
            # Placeholder so that the attribute exists; run() reports the problem.
            params = [nn.Parameter(torch.zeros(1))]
        # The fused kernels update all parameters in one call: about 5% faster per batch for a
        # LeNet on one CPU thread. They exist for float parameters on the CPU and CUDA.
        try:
            fused_device = ddp.device_for(self.dist, s.device).type in ("cpu", "cuda")
        except ValueError:
            fused_device = False  # run() reports the bad device
        fused = (fused_device and all(p.is_floating_point() for p in params)) or None
        if s.optimizer == "sgd":
            return torch.optim.SGD(
                params,
                lr=s.lr,
                momentum=s.momentum,
                nesterov=s.nesterov,
                weight_decay=s.weight_decay,
                fused=fused,
            )
        if s.optimizer == "adam":
            return torch.optim.Adam(params, lr=s.lr, weight_decay=s.weight_decay, fused=fused)
        if s.optimizer == "adamw":
            return torch.optim.AdamW(params, lr=s.lr, weight_decay=s.weight_decay, fused=fused)
        return torch.optim.RMSprop(
            params, lr=s.lr, momentum=s.momentum, weight_decay=s.weight_decay
        )

    def _make_scheduler(self, batches: int) -> Any:
        s = self.settings
        sched = torch.optim.lr_scheduler
        if s.schedule == "step":
            return sched.StepLR(self.optimizer, step_size=s.step_size, gamma=s.gamma)
        if s.schedule == "cosine":
            return sched.CosineAnnealingLR(self.optimizer, T_max=s.epochs)
        if s.schedule == "onecycle":
            cycle_momentum = s.optimizer in ("adam", "adamw") or s.momentum > 0
            return sched.OneCycleLR(
                self.optimizer,
                max_lr=s.lr,
                total_steps=s.epochs * batches,
                cycle_momentum=cycle_momentum,
            )
        if s.schedule == "plateau":
            return sched.ReduceLROnPlateau(
                self.optimizer, mode="min", factor=s.gamma, patience=s.plateau_patience
            )
        return None

    def _replay_schedule(self, done_epochs: int, batches: int) -> None:
        """Bring a fresh scheduler to where it was after ``done_epochs`` (for resuming)."""
        if self.scheduler is None or done_epochs == 0:
            return
        with warnings.catch_warnings():
            # "lr_scheduler.step() before optimizer.step()" is expected while replaying.
            warnings.simplefilter("ignore", UserWarning)
            if self.settings.schedule == "onecycle":
                for _ in range(done_epochs * batches):
                    self.scheduler.step()
            elif self.settings.schedule == "plateau":
                for entry in self.history[:done_epochs]:
                    self.scheduler.step(float(entry["val_loss"]))
            else:
                for _ in range(done_epochs):
                    self.scheduler.step()

    def _loss(self, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if out.dim() > 2:
            out = out.flatten(1)
        if self.output_kind == "probs":
            return F.nll_loss(torch.log(out.float().clamp_min(1e-12)), y)
        if self.output_kind == "log-probs":
            return F.nll_loss(out.float(), y)
        return F.cross_entropy(out.float(), y)

    def _autocast(self) -> Any:
        assert self.device is not None
        if not (self.settings.amp and self.device.type == "cuda"):
            return contextlib.nullcontext()  # a disabled torch.autocast still costs ~7 us a batch
        return torch.autocast(device_type=self.device.type, dtype=torch.float16)

    @torch.no_grad()
    def evaluate(self) -> tuple[float, float, torch.Tensor]:
        """Validation loss, accuracy and predicted classes (eval mode; training mode restored).

        Under torchrun each rank predicts one contiguous block of the validation set; the
        predictions are gathered and the loss summed over ranks, so every rank returns the same
        numbers for the whole set.
        """
        data = self.data
        was_training = self.model.training
        self.model.eval()
        n = len(data.val_y)
        env = self.dist
        block = ddp.shard_size(n, env.world_size)
        first = min(n, env.rank * block)
        last = min(n, first + block)
        step = max(256, self.settings.batch_size * 4)
        loss_sum = torch.zeros((), dtype=torch.float64, device=data.val_x.device)
        # -1 pads the last ranks' blocks to equal length for all_gather; cut off below.
        preds = torch.full((block,), -1, dtype=torch.int64, device=data.val_x.device)
        try:
            for start in range(first, last, step):
                stop = min(last, start + step)
                x = data.val_x[start:stop]
                y = data.val_y[start:stop]
                with self._autocast():
                    out = self.model(x)
                loss_sum += self._loss(out, y).double() * len(y)
                preds[start - first : stop - first] = out.flatten(1).argmax(1)
        finally:
            self.model.train(was_training)
        ddp.all_reduce_sum(loss_sum)
        preds = ddp.all_gather_cat(preds)[:n]
        correct = (preds == data.val_y).sum().item()
        return loss_sum.item() / max(1, n), correct / max(1, n), preds

    def _check_output(self) -> None:
        """Fail early, with the fix, when the output does not give one score per class."""
        x = self.data.train_x[:2]
        was_training = self.model.training
        self.model.eval()  # eval: no running-stat updates, no dropout RNG use
        try:
            with torch.no_grad(), self._autocast():
                out = self.model(x)
        finally:
            self.model.train(was_training)
        if out.dim() < 2 or out.shape[0] != len(x):
            raise DatasetError(
                f"{self.output_id} gives shape {tuple(out.shape)}: the model must output "
                "one score per class for each image"
            )
        check_classes(
            out.flatten(1).shape[1], self.data.num_classes, self.output_id, dataset=self.data.name
        )

    def _record_best(self, epoch: int, val_loss: float, val_acc: float) -> bool:
        if self.best_val_loss is not None and not val_loss < self.best_val_loss:
            return False
        self.best_val_loss, self.best_val_acc, self.best_epoch = val_loss, val_acc, epoch
        self.best_state = {
            k: v.detach().to("cpu", copy=True) for k, v in self.model.state_dict().items()
        }
        return True

    def _finish(self, reason: str, run_start: float, paused: float, preds: Any) -> RunFinished:
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
            seconds=time.perf_counter() - run_start - paused,
            class_names=tuple(self.data.class_names),
            confusion=confusion,
            per_class_accuracy=per_class,
            misclassified=misclassified,
        )

    # ----------------------------------------------------------------- the loop

    def run(self) -> Iterator[TrainEvent]:
        """Train, yielding events; ends with exactly one RunFinished or RunFailed."""
        old_threads = torch.get_num_threads()
        position: list[int] = [0, 0]  # (epoch, batch) reached, for fault messages
        failure: RunFailed | None = None
        out_of_memory = False
        try:
            yield from self._run(position)
        except _NonFiniteLoss as exc:
            failure = RunFailed(str(exc), "lower the learning rate", exc.epoch, exc.batch)
        except torch.cuda.OutOfMemoryError:
            out_of_memory = True
            failure = RunFailed("the GPU ran out of memory", "use a smaller batch size")
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
            epoch, batch = position
            failure = replace(failure, epoch=epoch or None, batch=batch or None)
        yield failure

    def _run(self, position: list[int]) -> Iterator[TrainEvent]:
        s = self.settings
        data = self.data
        token = self.stop_token
        run_start = time.perf_counter()
        paused_total = 0.0

        env = self.dist
        self.device = device = ddp.device_for(env, s.device)
        if device.type == "cpu":
            # Processes of one node share its cores (torchrun starts local_world_size of them).
            cores = os.cpu_count() or 2
            default = max(1, cores // env.local_world_size) if env.distributed else cores - 1
            torch.set_num_threads(s.num_threads or max(1, default))
        if not self.trainable:
            raise ValueError("the model has no trainable parameters: unfreeze at least one layer")
        if env.distributed and not ddp.is_initialized():
            raise ValueError("distributed training needs cnnstudio.engine.distributed.setup()")
        self.model.to(device)
        self.model.train()
        data.to(device)
        self.net = self._wrap(device)
        n = len(data.train_y)
        # Every rank trains on an equal shard (DistributedSampler semantics): same batch count.
        shard = ddp.shard_size(n, env.world_size)
        bs = min(s.batch_size, shard)
        batches = math.ceil(shard / bs)
        # A last batch of 1 breaks BatchNorm in training mode; drop it (it is re-shuffled anyway).
        if batches > 1 and shard % bs == 1:
            batches -= 1
        usable = min(shard, batches * bs)

        done = len(self.history)
        self.scheduler = self._make_scheduler(batches)
        self._replay_schedule(done, batches)
        if self._optimizer_state is not None:
            # After .to(device), so the state tensors follow the parameters, and after the
            # replay, which starts from the initial learning rate: loading restores the rest.
            self.optimizer.load_state_dict(dict(self._optimizer_state))
        for i, entry in enumerate(self.history, start=1):
            self._record_best_from_history(i, entry)
        since_best = done - (self.best_epoch or done)
        self._check_output()

        yield RunStarted(
            device=str(device),
            epochs=s.epochs,
            start_epoch=done,
            batches_per_epoch=batches,
            train_samples=n,
            val_samples=len(data.val_y),
            trainable_params=sum(p.numel() for p in self.trainable),
            class_names=tuple(data.class_names),
            world_size=env.world_size,
        )

        augment = make_augmenter(data) if s.augment else None
        scaler = torch.amp.GradScaler("cuda") if s.amp and device.type == "cuda" else None
        gen = torch.Generator()
        check_each_batch = device.type == "cpu"  # .item() is free there; on GPUs it syncs
        # Under torchrun the finiteness check is collective and at fixed batches, so that all
        # ranks stop at the same batch (a rank leaving alone would leave the others waiting).
        check_every = 1 if check_each_batch else 50
        per_batch_schedule = s.schedule == "onecycle"
        total_batches = (s.epochs - done) * batches
        batches_run = 0
        train_time = 0.0
        last_preds: Any = None
        reason = "completed"

        for epoch in range(done + 1, s.epochs + 1):
            if token.stopped:
                reason = "stopped"
                break
            seed = _epoch_seed(s.seed, epoch)
            # The same permutation on every rank; dropout and augmentation differ per rank.
            torch.manual_seed(seed + env.rank)
            gen.manual_seed(seed)
            perm = torch.randperm(n, generator=gen)
            perm = ddp.shard_indices(perm, env.rank, env.world_size)[:usable].to(device)
            if env.rank:
                gen.manual_seed(seed + env.rank)
            epoch_start = time.perf_counter()
            epoch_paused = 0.0
            last_event = epoch_start
            loss_sum = torch.zeros((), device=device)
            correct = torch.zeros((), dtype=torch.int64, device=device)
            seen = 0
            stopped_mid_epoch = False
            for b in range(batches):
                if token.paused:
                    waited = token.wait_while_paused()
                    epoch_paused += waited
                    paused_total += waited
                if token.stopped:
                    stopped_mid_epoch = True
                    break
                position[:] = [epoch, b + 1]
                idx = perm[b * bs : (b + 1) * bs]
                x = data.train_x[idx]
                y = data.train_y[idx]
                if augment is not None:
                    x = augment(x, gen)
                with self._autocast():
                    out = self.net(x)
                    loss = self._loss(out, y)
                self.optimizer.zero_grad(set_to_none=True)
                if scaler is not None:
                    scaler.scale(loss).backward()
                    scaler.step(self.optimizer)
                    scaler.update()
                else:
                    loss.backward()
                    self.optimizer.step()
                if per_batch_schedule:
                    self.scheduler.step()
                last_preds = None
                detached = loss.detach()
                if env.distributed:
                    due = (b + 1) % check_every == 0 or b == batches - 1
                    if due and not math.isfinite(ddp.all_reduce_sum(detached.clone()).item()):
                        raise _NonFiniteLoss(epoch, b + 1)
                elif check_each_batch and not math.isfinite(detached.item()):
                    raise _NonFiniteLoss(epoch, b + 1)
                loss_sum += detached * len(y)
                correct += (out.detach().flatten(1).argmax(1) == y).sum()
                seen += len(y)
                batches_run += 1
                now = time.perf_counter()
                if now - last_event >= _BATCH_EVENT_INTERVAL_S or b == batches - 1:
                    last_event = now
                    mean_loss = loss_sum.item() / seen
                    if not math.isfinite(mean_loss) and not env.distributed:
                        raise _NonFiniteLoss(epoch, b + 1)
                    elapsed = max(1e-9, now - epoch_start - epoch_paused)
                    run_elapsed = max(1e-9, train_time + elapsed)
                    yield BatchEnded(
                        epoch=epoch,
                        batch=b + 1,
                        batches=batches,
                        loss=mean_loss,
                        samples_per_s=seen * env.world_size / elapsed,
                        eta_s=run_elapsed / batches_run * (total_batches - batches_run),
                    )
            if stopped_mid_epoch:
                reason = "stopped"
                break
            epoch_train_s = time.perf_counter() - epoch_start - epoch_paused
            train_time += epoch_train_s
            lr = float(self.optimizer.param_groups[0]["lr"])
            train_loss, train_acc = self._epoch_metrics(loss_sum, correct, seen)
            val_loss, val_acc, preds = self.evaluate()
            last_preds = (val_loss, val_acc, preds)
            if not math.isfinite(val_loss):
                raise _NonFiniteLoss(epoch, batches)
            if self.scheduler is not None and not per_batch_schedule:
                if s.schedule == "plateau":
                    self.scheduler.step(val_loss)
                else:
                    self.scheduler.step()
            improved = self._record_best(epoch, val_loss, val_acc)
            since_best = 0 if improved else since_best + 1
            event = EpochEnded(
                epoch=epoch,
                train_loss=train_loss,
                train_acc=train_acc,
                val_loss=val_loss,
                val_acc=val_acc,
                lr=lr,
                seconds=time.perf_counter() - epoch_start - epoch_paused,
                train_seconds=epoch_train_s,
                improved=improved,
            )
            self.history.append(event.to_dict())
            yield event
            if s.early_stopping_patience and since_best >= s.early_stopping_patience:
                reason = "early-stopped"
                break
        position[:] = [0, 0]
        yield self._finish(reason, run_start, paused_total, last_preds)

    def _wrap(self, device: torch.device) -> nn.Module:
        """The module the training steps call: DDP around the model under torchrun."""
        if not self.dist.distributed:
            return self.model
        import inspect

        from torch.nn.parallel import DistributedDataParallel

        # Running statistics are averaged once per epoch (average_buffers) instead of being
        # overwritten by rank 0's before every forward pass. Newer torch renamed the switch.
        params = inspect.signature(DistributedDataParallel).parameters
        name = "forward_sync_buffers" if "forward_sync_buffers" in params else "broadcast_buffers"
        options: dict[str, Any] = {name: False}
        return DistributedDataParallel(
            self.model,
            device_ids=[device.index] if device.type == "cuda" else None,
            **options,
        )

    def _epoch_metrics(
        self, loss_sum: torch.Tensor, correct: torch.Tensor, seen: int
    ) -> tuple[float, float]:
        """Training loss and accuracy over all ranks; also syncs BatchNorm statistics."""
        if not self.dist.distributed:
            return loss_sum.item() / max(1, seen), correct.item() / max(1, seen)
        ddp.average_buffers(self.model)
        totals = torch.stack([loss_sum.double(), correct.double()])
        totals = torch.cat([totals, totals.new_tensor([seen])])
        ddp.all_reduce_sum(totals)
        loss_total, correct_total, seen_total = totals.tolist()
        return loss_total / max(1.0, seen_total), correct_total / max(1.0, seen_total)

    def _record_best_from_history(self, epoch: int, entry: Mapping[str, Any]) -> None:
        val_loss = float(entry.get("val_loss", math.inf))
        if math.isfinite(val_loss) and (
            self.best_val_loss is None or val_loss < self.best_val_loss
        ):
            self.best_val_loss = val_loss
            self.best_val_acc = float(entry.get("val_acc", 0.0))
            self.best_epoch = epoch
