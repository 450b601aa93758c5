"""The training run of one design session, as the GUI sees it: start, pause, stop, results.

`TrainingController` lives on the GUI thread. It hands a frozen snapshot of the design
(``session.design.clone()``) and the settings to a `TrainingWorker` on its own QThread, which
builds the module, loads the dataset, checks the class count and iterates the trainer; the
controller re-emits what comes back as plain signals and keeps the results (``model``,
``bundle``, ``history``, ``runs``). The design is never modified by training; the settings are
stored in its ``training`` section with one undoable ``SetMeta`` when a run starts (if changed).

States (``state_changed``): ``idle`` -> ``preparing`` -> ``running`` <-> ``paused`` ->
(``stopping``) -> ``idle``. ``paused`` is entered once the trainer actually waits (within one
batch), so the weights are stable whenever the state says ``paused`` or ``idle``.

Off-GUI work for other panels (the feature-map viewer uses this):

``add_probe(probe, receiver) -> remover``
    At every epoch end, on the worker thread, while the trainer generator is suspended at its
    ``EpochEnded`` yield (the weights are not changing), each probe is called as
    ``probe(model)`` with the model in eval mode under ``torch.no_grad()``; the previous
    train/eval mode is restored afterwards. The result is delivered to ``receiver(result)`` on
    the GUI thread (queued signal), in registration order. Calling the remover stops the probe;
    a result already on its way is dropped. Probes fire only during runs.

``run_off_gui(fn, receiver)``
    Runs ``fn()`` on the worker thread and delivers its result to ``receiver(result)`` on the
    GUI thread. With no run in progress it runs at once (after any queued warm-up). During a
    run it is queued and runs at the next batch boundary, while the generator is suspended at a
    ``BatchEnded`` yield (so the weights are stable), or when the run ends; while the run is
    paused or preparing it waits for that. ``fn`` sees the model as training left it (train
    mode): wrap evaluation in :func:`evaluating` (eval mode + ``no_grad``, mode restored).

Both run on the same thread as training, so the model is never used by two threads at once.
An exception in ``probe``/``fn`` is not delivered to the receiver: ``task_failed(message)`` is
emitted instead (and the message logged).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from ...core.analysis import Analysis
from ...core.commands import SetMeta
from ...core.design import Design
from ...core.i18n import translate
from ..background import join_thread, start_thread
from ..session import DesignSession
from .worker import Outcome, Probe, RunJob, Task, TrainingWorker, evaluating

if TYPE_CHECKING:
    import numpy as np
    import torch

    from ...engine.datasets import DatasetBundle
    from ...engine.trainer import RunFinished, TrainSettings

__all__ = ["STATES", "TrainingController", "evaluating"]

log = logging.getLogger(__name__)

STATES = ("idle", "preparing", "running", "paused", "stopping")


def _join(thread: QThread, worker: TrainingWorker, timeout_s: float = 5.0) -> bool:
    """Stop the worker's run, then end and join its thread."""
    if shiboken6.isValid(thread) and thread.isRunning() and worker.token is not None:
        worker.token.stop()
    return join_thread(thread, worker, timeout_s)


class TrainingController(QObject):
    """Owns the current training run of one `DesignSession` (see the module docstring)."""

    run_started = Signal(object)  # RunStarted
    batch_progress = Signal(object)  # BatchEnded, at most ~20 per second
    epoch_ended = Signal(object)  # EpochEnded
    run_finished = Signal(object)  # RunFinished (the controller is idle again when it fires)
    run_failed = Signal(str, str)  # message, hint
    state_changed = Signal(str)  # one of STATES
    runs_changed = Signal()  # ``runs`` gained, replaced or lost an entry
    devices_changed = Signal(list)  # the devices torch reports, after the warm-up
    task_failed = Signal(str)  # a probe or an off-GUI task raised
    #: Where a fresh run's weights come from ("" when from the seeded initialization).
    initial_weights_changed = Signal(str)

    _request_run = Signal(object)
    _request_warm_up = Signal()
    _request_drain = Signal()

    def __init__(self, session: DesignSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.state = "idle"
        #: The torch module of the last or current run, or None.
        self.model: torch.nn.Module | None = None
        #: The dataset of the last or current run, or None.
        self.bundle: DatasetBundle | None = None
        #: Epoch entries (``EpochEnded.to_dict()``) of the last or current run.
        self.history: list[dict[str, Any]] = []
        #: Finished runs for overlaying: ``{"label", "history", "settings", "current"}``.
        self.runs: list[dict[str, Any]] = []
        #: One line (message, and hint after " — ") of the last failure, or "".
        self.last_error = ""
        self.last_finished: RunFinished | None = None
        #: Up to 32 misclassified validation images (N x H x W x C in [0, 1]) of the last run.
        self.misclassified_images: np.ndarray | None = None
        #: (predicted, true) class for each row of ``misclassified_images``.
        self.misclassified_labels: list[tuple[int, int]] = []
        #: Devices torch reports (after the warm-up), ``[]`` before it.
        self.devices: list[str] = []
        #: The default data folder (known after the warm-up), "" before it.
        self.default_data_dir = ""
        self.settings: TrainSettings | None = None  # of the last or current run
        self._run_design: Design | None = None  # the snapshot the current weights belong to
        self._run_source: tuple[Design | None, str | None] = (None, None)  # its module's code
        # (analysis, design, run design, answer) of the last weights_fit call given an analysis
        self._fit_memo: tuple[Analysis | None, Design | None, Design | None, bool] = (
            None,
            None,
            None,
            False,
        )
        self._job_design: Design | None = None
        self._optimizer_state: dict[str, Any] | None = None
        self._probes: list[Probe] = []
        self._resuming = False
        self._closed = False
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        #: The state_dict a fresh run starts from (imported or loaded weights), or None.
        self.initial_weights: dict[str, Any] | None = None
        #: Where ``initial_weights`` come from (a file name, an import source), or "".
        self.initial_weights_label = ""
        # Weights belong to the document they were imported or loaded for: New/Open drops them.
        session.design_reset.connect(self.clear_initial_weights)
        #: The Training dock and its content, set by ``install_training``.
        self.view: QObject | None = None
        self.dock: QObject | None = None

    # ----------------------------------------------------------------- thread

    def _ensure_thread(self) -> TrainingWorker:
        if self._worker is None:
            worker = TrainingWorker()
            self._request_run.connect(worker.run_job)
            self._request_warm_up.connect(worker.warm_up)
            self._request_drain.connect(worker.drain)
            worker.run_event.connect(self._on_worker_run_event)
            worker.finished.connect(self._on_worker_finished)
            worker.paused_changed.connect(self._on_worker_paused)
            worker.task_done.connect(self._on_worker_task_done)
            worker.warmed_up.connect(self._on_worker_warmed_up)
            worker.set_probes(self._probes)
            thread = start_thread(worker, "cnnstudio-training", QThread.Priority.LowPriority)
            self._thread, self._worker = thread, worker
            # Safety net when the owner goes away without shutdown(): stop and join first.
            self.destroyed.connect(lambda *_: _join(thread, worker))
        return self._worker

    def warm_up(self) -> None:
        """Import torch and run one tiny step on the worker thread (call once the window shows)."""
        if not self._closed:
            self._ensure_thread()
            self._request_warm_up.emit()

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Stop any run and join the worker thread; False when it did not end within the time."""
        if self._closed:
            return True
        self._closed = True
        ok = True
        if self._worker is not None and self._thread is not None:
            ok = _join(self._thread, self._worker, timeout_s)
        self._set_state("idle")
        return ok

    # ----------------------------------------------------------------- state

    @property
    def is_running(self) -> bool:
        """True from ``start`` until the run has ended (preparing, running, paused, stopping)."""
        return self.state != "idle"

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    @property
    def run_design(self) -> Design | None:
        """The design snapshot the current weights (``model``) were trained for."""
        return self._run_design

    def weights_fit(self, design: Design, analysis: Analysis | None = None) -> bool:
        """Whether ``model`` holds weights for ``design`` as it is now.

        They fit when the design generates the same module as the run's snapshot: moving
        blocks, changing labels, freezing layers or renaming the design keeps them; a changed
        parameter, connection or layer id (the attribute names of the module) does not. The
        export menu and the feature-map viewer both ask this, so they never disagree about
        which weights they show. Pass the session's current ``analysis`` of ``design`` (a new
        object after every edit) to have the answer remembered until either or the run changes.
        """
        run_design = self._run_design
        if self.model is None or run_design is None:
            return False
        memo = self._fit_memo
        if (
            analysis is not None
            and memo[0] is analysis
            and memo[1] is design
            and memo[2] is run_design
        ):
            return memo[3]
        from ...engine.codegen import network_source

        if self._run_source[0] is not run_design:
            self._run_source = (run_design, network_source(run_design))
        run_source = self._run_source[1]
        fit = run_source is not None and network_source(design) == run_source
        if analysis is not None:
            self._fit_memo = (analysis, design, run_design, fit)
        return fit

    @property
    def can_continue(self) -> bool:
        """Whether the last run can be trained further (``start(settings, resume=True)``)."""
        return self.state == "idle" and self.model is not None and bool(self.history)

    # ----------------------------------------------------------------- initial weights

    def set_initial_weights(self, state: dict[str, Any], label: str) -> None:
        """Fresh runs start from ``state`` (checked against the design when a run starts)."""
        self.initial_weights = dict(state)
        self.initial_weights_label = label
        self.initial_weights_changed.emit(label)

    def clear_initial_weights(self) -> None:
        """Fresh runs start from the seeded initialization again."""
        if self.initial_weights is not None:
            self.initial_weights, self.initial_weights_label = None, ""
            self.initial_weights_changed.emit("")

    # ----------------------------------------------------------------- commands

    def start(self, settings: TrainSettings, *, resume: bool = False) -> bool:
        """Start a run (or continue the last one with ``resume``); False when one is going on.

        Continuing trains up to ``settings.epochs`` in total, or ``settings.epochs`` more when
        the last run already reached that. Failures arrive as ``run_failed``, never as raises.
        """
        if self._closed or self.state != "idle":
            return False
        stored = settings.to_dict()
        design = self.session.design
        if design.training != stored:
            self.session.push(
                SetMeta(
                    {"training": stored}, label=translate("Training", "Change training settings")
                )
            )
        resume = resume and self.can_continue
        job = RunJob(design=design.clone(), settings=settings)
        if resume:
            assert self.model is not None
            done = len(self.history)
            if settings.epochs <= done:
                job.settings = dataclasses.replace(settings, epochs=done + settings.epochs)
            job.resume_state = dict(self.model.state_dict())
            job.history = [dict(h) for h in self.history]
            job.optimizer_state = self._optimizer_state
        elif self.initial_weights is not None:
            # The tensors are copied into the new module, so every fresh run starts from them.
            job.resume_state = self.initial_weights
            job.weights_source = self.initial_weights_label
        self._resuming = resume
        self._job_design = job.design
        self.last_error = ""
        worker = self._ensure_thread()
        worker.new_token()
        self._set_state("preparing")
        self._request_run.emit(job)
        return True

    def pause(self) -> None:
        """Pause within one batch (the state turns ``paused`` once the trainer waits)."""
        token = self._worker.token if self._worker is not None else None
        if token is not None and self.state in ("preparing", "running"):
            token.pause()

    def resume(self) -> None:
        token = self._worker.token if self._worker is not None else None
        if token is not None and self.state in ("preparing", "running", "paused"):
            token.resume()
            if self.state == "paused":
                self._set_state("running")

    def stop(self) -> None:
        """Stop within one batch; the weights reached so far stay in ``model``."""
        token = self._worker.token if self._worker is not None else None
        if token is not None and self.state in ("preparing", "running", "paused"):
            token.stop()
            self._set_state("stopping")

    def clear_runs(self) -> None:
        """Forget the earlier runs kept for overlaying (the current one stays)."""
        kept = [r for r in self.runs if r.get("current")]
        if kept != self.runs:
            self.runs = kept
            self.runs_changed.emit()

    def save_checkpoint(self, path: Any) -> None:
        """Save the trained design, weights, optimizer state and history to ``path``.

        Allowed while idle or paused (the weights are stable then). Raises ``RuntimeError``
        when there is nothing to save or the run is busy, and ``CheckpointError`` when the file
        cannot be written.
        """
        from ...core.fileio import design_to_dict
        from ...engine.checkpoint import save_checkpoint

        if self.model is None or self._run_design is None or self.settings is None:
            raise RuntimeError("there is no trained model yet: train the design first")
        if self.state not in ("idle", "paused"):
            raise RuntimeError("the run is busy: pause or stop it, then save")
        trainer = self._worker.trainer if self._worker is not None else None
        if self.state == "paused" and trainer is not None:
            optimizer_state: dict[str, Any] | None = trainer.optimizer.state_dict()
            history = [dict(h) for h in trainer.history]
        else:
            optimizer_state, history = self._optimizer_state, self.history
        save_checkpoint(
            path,
            design=design_to_dict(self._run_design),
            model_state=self.model.state_dict(),
            optimizer_state=optimizer_state,
            history=history,
            settings=self.settings.to_dict(),
            epoch=len(history),
            dataset=self.bundle.stats() if self.bundle is not None else None,
        )

    # ----------------------------------------------------------------- off-GUI work

    @property
    def run_data(self) -> DatasetBundle | None:
        """The data of the run going on, else of the last run.

        For probes: they run on the training thread at an epoch end, when the GUI thread may
        not have handled the run's start yet (``bundle`` is still the last run's, or None).
        """
        worker = self._worker
        trainer = worker.trainer if worker is not None else None
        return trainer.data if trainer is not None else self.bundle

    def add_probe(
        self, probe: Callable[[torch.nn.Module], Any], receiver: Callable[[Any], None]
    ) -> Callable[[], None]:
        """Call ``probe(model)`` at every epoch end off the GUI thread; returns the remover."""
        entry = Probe(probe, receiver)
        self._probes.append(entry)
        if self._worker is not None:
            self._worker.set_probes(self._probes)

        def remove() -> None:
            entry.active = False
            if entry in self._probes:
                self._probes.remove(entry)
                if self._worker is not None:
                    self._worker.set_probes(self._probes)

        return remove

    def run_off_gui(self, fn: Callable[[], Any], receiver: Callable[[Any], None]) -> None:
        """Run ``fn()`` on the training thread; ``receiver(result)`` gets the result on the GUI."""
        if self._closed:
            return
        worker = self._ensure_thread()
        worker.add_task(Task(fn, receiver))
        # Idle: the queued drain runs it now. Busy: the run drains at each batch boundary and at
        # its end, and this drain then finds the queue empty.
        self._request_drain.emit()

    # ----------------------------------------------------------------- worker reports

    @Slot(object)
    def _on_worker_run_event(self, event: Any) -> None:
        from ...engine.trainer import BatchEnded, EpochEnded, RunStarted

        if self._closed:
            return
        if isinstance(event, BatchEnded):
            self.batch_progress.emit(event)
        elif isinstance(event, EpochEnded):
            self.history.append(event.to_dict())
            self.epoch_ended.emit(event)
        elif isinstance(event, RunStarted):
            worker = self._worker
            trainer = worker.trainer if worker is not None else None
            if trainer is not None:
                # A fresh run replaces the last one's results from here on.
                self.model = trainer.model
                self.bundle = trainer.data
                self.settings = trainer.settings
                # Only the epochs before this run: the worker goes on training while this
                # event waits in the queue, and its later epochs arrive as EpochEnded events.
                self.history = [dict(h) for h in trainer.history[: event.start_epoch]]
                self._run_design = self._job_design
            if self.state == "preparing":
                self._set_state("running")
            self.run_started.emit(event)

    @Slot(bool)
    def _on_worker_paused(self, paused: bool) -> None:
        if self._closed or self.state == "stopping":
            return
        if paused and self.state in ("preparing", "running"):
            self._set_state("paused")
        elif not paused and self.state == "paused":
            self._set_state("running")

    @Slot(object)
    def _on_worker_finished(self, outcome: Outcome) -> None:
        from ...engine.trainer import RunFinished

        if self._closed:
            return
        event = outcome.event
        if outcome.model is not None:
            self.model = outcome.model
            self.bundle = outcome.bundle
            self.history = outcome.history
            self._optimizer_state = outcome.optimizer_state
            if self.history:
                self._record_run()
        if isinstance(event, RunFinished):
            self.last_finished = event
            self.misclassified_images = outcome.images
            self.misclassified_labels = list(outcome.labels)
            self.last_error = ""
            self._set_state("idle")
            self.run_finished.emit(event)
        else:
            hint = f" — {event.hint}" if event.hint else ""
            self.last_error = f"{event.message}{hint}"
            self._set_state("idle")
            self.run_failed.emit(event.message, event.hint)

    def _record_run(self) -> None:
        settings = self.settings
        entry = {
            "label": "",
            "history": [dict(h) for h in self.history],
            "settings": settings.to_dict() if settings is not None else {},
            "current": True,
        }
        if self._resuming and self.runs and self.runs[-1].get("current"):
            entry["label"] = self.runs[-1]["label"]
            self.runs[-1] = entry
        else:
            for run in self.runs:
                run["current"] = False
            number = len(self.runs) + 1
            what = f"{settings.optimizer} lr {settings.lr:g}" if settings is not None else ""
            entry["label"] = f"Run {number}" + (f" ({what})" if what else "")
            self.runs.append(entry)
        self.runs_changed.emit()

    @Slot(object, object, object)
    def _on_worker_task_done(self, item: Task | Probe, result: Any, error: str | None) -> None:
        if self._closed:
            return
        if error is not None:
            log.warning("off-GUI task failed: %s", error)
            self.task_failed.emit(error)
            return
        if isinstance(item, Probe) and not item.active:
            return
        item.receiver(result)

    @Slot(object)
    def _on_worker_warmed_up(self, info: dict[str, Any]) -> None:
        self.devices = list(info.get("devices", []))
        self.default_data_dir = str(info.get("data_dir", ""))
        self.devices_changed.emit(list(self.devices))
