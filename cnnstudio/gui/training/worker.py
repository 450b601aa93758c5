"""The training thread: prepares a run, iterates the trainer generator and re-emits its events.

`TrainingWorker` is a QObject that lives on its own QThread for the whole session. Its slots are
called through queued signals from :class:`~cnnstudio.gui.training.controller.TrainingController`;
it never touches widgets. Everything that touches torch runs here, one job at a time, so the
model is never used by two threads at once:

- ``warm_up``: import torch, build a tiny optimizer and do one forward/backward, so the first real
  run (and the GUI thread next to it) does not pay for torch's ~900-module first-use imports;
- ``run_job``: build the module from a frozen design snapshot, load the dataset, check the class
  count, then iterate :meth:`Trainer.run`. While the generator is suspended at a ``BatchEnded``
  yield it runs queued off-GUI tasks; at an ``EpochEnded`` yield it runs the epoch-end probes;
- ``drain``: run queued off-GUI tasks while no training is running.

torch is imported lazily inside these slots, never at module import, so the GUI starts torch-free.
"""

from __future__ import annotations

import copy
import gc
import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from ...core.analysis import analyze
from ...core.design import Design
from ...engine.native_preload import preload_torch_libraries

if TYPE_CHECKING:
    import numpy as np
    import torch

    from ...engine.datasets import DatasetBundle
    from ...engine.trainer import RunFailed, RunFinished, StopToken, Trainer, TrainSettings

__all__ = ["Outcome", "Probe", "RunJob", "Task", "TrainingWorker", "evaluating", "training_threads"]

#: The interpreter's thread switch interval while the warm-up imports torch (default 5 ms).
WARM_UP_SWITCH_INTERVAL_S = 0.001

# At most this many misclassified validation images travel to the results grid.
MAX_MISCLASSIFIED_SHOWN = 32


def training_threads(requested: int | None) -> int:
    """CPU threads for training: the user's choice, else every core but one (the GUI keeps one)."""
    return requested or max(1, (os.cpu_count() or 2) - 1)


@contextmanager
def evaluating(model: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """Eval mode and ``torch.no_grad()`` for the block; the previous train/eval mode comes back."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)


@dataclass
class Task:
    """One call queued for the worker thread; ``deliver(task, result, error)`` reports back."""

    fn: Callable[[], Any]
    receiver: Callable[[Any], None]


@dataclass
class Probe:
    """An epoch-end probe; ``active`` turns false when its remover is called."""

    fn: Callable[[Any], Any]
    receiver: Callable[[Any], None]
    active: bool = True


@dataclass
class RunJob:
    """What one run needs, frozen on the GUI thread before it is handed over."""

    design: Design  # a clone: training never sees later edits
    settings: TrainSettings
    resume_state: dict[str, Any] | None = None  # model weights to continue (or start) from
    #: Where ``resume_state`` comes from when a fresh run starts from loaded weights, else "".
    weights_source: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)
    optimizer_state: dict[str, Any] | None = None


@dataclass
class Outcome:
    """The end of a run as the worker hands it back (after the trainer generator has finished)."""

    event: RunFinished | RunFailed
    model: torch.nn.Module | None = None
    bundle: DatasetBundle | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    optimizer_state: dict[str, Any] | None = None
    #: Up to 32 misclassified validation images, denormalized to [0, 1], N x H x W x C.
    images: np.ndarray | None = None
    #: (predicted, true) class per row of ``images``.
    labels: list[tuple[int, int]] = field(default_factory=list)


class _NotifyingToken:
    """A StopToken whose pause wait is announced, so the GUI shows "paused" only once it is."""

    @staticmethod
    def make(on_pause: Callable[[bool], None]) -> StopToken:
        from ...engine.trainer import StopToken

        class Token(StopToken):
            def wait_while_paused(self) -> float:
                if not self.paused:
                    return 0.0
                on_pause(True)
                try:
                    return super().wait_while_paused()
                finally:
                    on_pause(False)

        return Token()


class TrainingWorker(QObject):
    """Runs warm-up, training runs and off-GUI tasks on its thread; reports by queued signals."""

    warmed_up = Signal(object)  # dict: {"devices": [...], "data_dir": str}
    # RunStarted / BatchEnded / EpochEnded, in order (not `event`: that is QObject.event()).
    run_event = Signal(object)
    paused_changed = Signal(bool)  # the trainer is now waiting (True) / went on (False)
    finished = Signal(object)  # Outcome, after the generator is done
    task_done = Signal(object, object, object)  # Task | Probe, result, error message or None

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._tasks: deque[Task] = deque()
        self._probes: list[Probe] = []
        self._warm = False
        self._bundle_key: tuple[Any, ...] | None = None
        self._bundle: DatasetBundle | None = None
        #: The trainer of the current run (read by the GUI thread only while the run is paused).
        self.trainer: Trainer | None = None
        self.token: StopToken | None = None

    # ----------------------------------------------------------------- called from any thread

    def add_task(self, task: Task) -> None:
        with self._lock:
            self._tasks.append(task)

    def set_probes(self, probes: list[Probe]) -> None:
        with self._lock:
            self._probes = list(probes)

    def new_token(self) -> StopToken:
        """A fresh stop/pause token for the next run (made on the GUI thread, before the job)."""
        self.token = _NotifyingToken.make(self.paused_changed.emit)
        return self.token

    # ----------------------------------------------------------------- worker-thread slots

    @Slot()
    def warm_up(self) -> None:
        """Pay torch's first-use costs here, not on the GUI thread or in the first run."""
        if self._warm:
            return
        # Importing torch creates some 10^5 long-lived objects. With the collector on, each
        # full collection during the import scans all of them so far, holding the GIL for up
        # to 250 ms at a time (a frozen window). Off during the import, and what it built
        # frozen afterwards (as the app froze its start-up), no collection scans them again.
        # Accepted in exchange: the import's own cyclic garbage (some 7,000 objects, a few
        # MB) is frozen too; collecting it first would be one more ~110 ms stall.
        collecting = gc.isenabled()
        gc.disable()
        # The import is Python code on this thread next to the GUI's: with the interpreter's
        # default 5 ms switch interval, a GUI tick waits up to tens of ms for the GIL on a busy
        # machine; at 1 ms the longest wait in bench_training_gui fell from ~70 to under 50 ms.
        switch_interval = sys.getswitchinterval()
        sys.setswitchinterval(WARM_UP_SWITCH_INTERVAL_S)
        try:
            # The native libraries first, with the GIL released (see native_preload): loading
            # them inside ``import torch`` would freeze the GUI thread for 400+ ms.
            preload_torch_libraries()
            import torch

            from ...engine.datasets import default_data_dir
            from ...engine.trainer import Trainer  # noqa: F401  (imports the trainer's modules)

            torch.set_num_threads(training_threads(None))
            layer = torch.nn.Linear(4, 2)
            optimizer = torch.optim.Adam(layer.parameters(), lr=1e-3)
            x, y = torch.zeros(2, 4), torch.zeros(2).long()
            loss = torch.nn.functional.cross_entropy(layer(x), y)
            loss.backward()
            optimizer.step()
            devices = ["cpu"]
            if torch.cuda.is_available():
                devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
            mps = getattr(torch.backends, "mps", None)
            if mps is not None and mps.is_available():
                devices.append("mps")
        finally:
            sys.setswitchinterval(switch_interval)
            gc.freeze()
            if collecting:
                gc.enable()
        self._warm = True
        self.warmed_up.emit({"devices": devices, "data_dir": str(default_data_dir())})

    @Slot()
    def drain(self) -> None:
        """Run the queued off-GUI tasks (called when no run is iterating)."""
        while True:
            with self._lock:
                if not self._tasks:
                    return
                task = self._tasks.popleft()
            self._call(task, task.fn)

    @Slot(object)
    def run_job(self, job: RunJob) -> None:
        """Prepare and run one training job; always ends with exactly one ``finished``."""
        self.warm_up()
        from ...engine.trainer import RunFailed

        try:
            outcome = self._run(job)
        except Exception as exc:  # a bug or an odd fault must not kill the thread
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            message = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
            outcome = Outcome(RunFailed(message, "see the log for details"))
        self.trainer = None
        self.drain()
        self.finished.emit(outcome)

    # ----------------------------------------------------------------- internals

    def _call(self, item: Task | Probe, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except Exception as exc:  # reported to the controller, never raised into Qt
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            self.task_done.emit(item, None, f"{type(exc).__name__}: {text}".rstrip(": "))
            return
        self.task_done.emit(item, result, None)

    def _run_probes(self, model: torch.nn.Module) -> None:
        with self._lock:
            probes = [p for p in self._probes if p.active]
        for probe in probes:

            def call(probe: Probe = probe) -> Any:
                with evaluating(model):
                    return probe.fn(model)

            self._call(probe, call)

    def _prepare(self, job: RunJob) -> tuple[Any, DatasetBundle, str] | RunFailed:
        """Module, dataset and output id, or the one-line reason why the run cannot start."""
        from ...core.errors import DesignInvalidError
        from ...engine.builder import build_model
        from ...engine.datasets import DatasetError, check_classes, load_dataset
        from ...engine.trainer import RunFailed, resolve_device

        result = analyze(job.design)
        if not result.valid or result.output_id is None or result.input_id is None:
            errors = result.errors
            first = errors[0].message if errors else "the design has no output layer"
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            return RunFailed(f"{first}{more}", "fix the marked blocks, then start again")
        output_shape = result.layers[result.output_id].output_shape
        input_shape = result.layers[result.input_id].output_shape
        settings = job.settings
        try:
            resolve_device(settings.device)
        except ValueError as exc:
            return RunFailed(str(exc))
        try:
            model = build_model(job.design, seed=settings.seed, analysis=result)
        except DesignInvalidError as exc:
            return RunFailed(str(exc), "fix the marked blocks, then start again")
        if job.resume_state is not None and job.weights_source:
            from ...engine.export import ExportError, apply_weights

            try:
                # Key by key: the message names the first tensor that does not fit.
                apply_weights(model, job.resume_state, f"the weights from {job.weights_source}")
            except ExportError as exc:
                return RunFailed(
                    str(exc), "load weights that fit (Train > Load Weights…) or forget them"
                )
        elif job.resume_state is not None:
            try:
                model.load_state_dict(job.resume_state)
            except RuntimeError:
                return RunFailed(
                    "the design changed since the last run, so its weights no longer fit",
                    "start a new run",
                )
        key = (
            settings.dataset,
            tuple(input_shape or ()),
            settings.data_dir,
            settings.val_fraction,
            settings.seed,
        )
        try:
            if key == self._bundle_key and self._bundle is not None:
                bundle = self._bundle
            else:
                self._bundle = self._bundle_key = None  # free the old tensors first
                bundle = load_dataset(
                    settings.dataset,
                    tuple(input_shape or ()),
                    data_dir=settings.data_dir,
                    val_fraction=settings.val_fraction,
                    seed=settings.seed,
                )
                self._bundle, self._bundle_key = bundle, key
            if output_shape:
                outputs = 1
                for size in output_shape:
                    outputs *= int(size)
                check_classes(outputs, bundle.num_classes, result.output_id, dataset=bundle.name)
        except DatasetError as exc:
            return RunFailed(str(exc).splitlines()[0])
        return model, bundle, result.output_id

    def _run(self, job: RunJob) -> Outcome:
        from ...engine.trainer import BatchEnded, EpochEnded, RunFailed, RunFinished, Trainer

        prepared = self._prepare(job)
        if isinstance(prepared, RunFailed):
            return Outcome(prepared)
        model, bundle, output_id = prepared
        token = self.token if self.token is not None else self.new_token()
        if token.stopped:
            return Outcome(RunFailed("the run was stopped before it started"), bundle=bundle)
        trainer = Trainer(
            model,
            bundle,
            job.settings,
            stop=token,
            history=job.history,
            optimizer_state=job.optimizer_state,
            output_id=output_id,
        )
        self.trainer = trainer
        end: RunFinished | RunFailed | None = None
        for event in trainer.run():
            if isinstance(event, (RunFinished, RunFailed)):
                end = event
                continue
            self.run_event.emit(event)
            if isinstance(event, BatchEnded):
                # The generator is suspended here: weights are stable for queued tasks.
                self.drain()
            elif isinstance(event, EpochEnded):
                self._run_probes(model)
        assert end is not None  # the trainer always ends with one of them
        outcome = Outcome(
            end,
            model=model,
            bundle=bundle,
            history=[dict(h) for h in trainer.history],
            optimizer_state=copy.deepcopy(trainer.optimizer.state_dict())
            if trainer.history
            else None,
        )
        if isinstance(end, RunFinished) and end.misclassified:
            outcome.images, outcome.labels = _misclassified_images(bundle, end)
        return outcome


def _misclassified_images(
    bundle: DatasetBundle, finished: RunFinished
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The first misclassified validation images as displayable N x H x W x C arrays in [0, 1]."""
    import torch

    rows = finished.misclassified[:MAX_MISCLASSIFIED_SHOWN]
    index = torch.tensor([r[0] for r in rows], dtype=torch.int64)
    x = bundle.val_x.index_select(0, index.to(bundle.val_x.device)).detach().float().cpu()
    mean = torch.tensor(bundle.mean, dtype=x.dtype).view(1, -1, 1, 1)
    std = torch.tensor(bundle.std, dtype=x.dtype).view(1, -1, 1, 1)
    x = (x * std + mean).clamp_(0.0, 1.0)
    return x.permute(0, 2, 3, 1).numpy().copy(), [(r[1], r[2]) for r in rows]
