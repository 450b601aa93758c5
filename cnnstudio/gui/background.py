"""Background work in the GUI, one way: a QObject worker living on its own QThread.

napari keeps one worker abstraction; so does cnnstudio. :func:`start_thread` and
:func:`join_thread` are the only places a thread is started and ended: the training worker
(:class:`~cnnstudio.gui.training.worker.TrainingWorker`, a long-lived QObject with slots) uses
them directly, and :class:`BackgroundThread` builds on them for everything else (exports,
autosave writes, insight jobs): callables run one at a time, in the order submitted, and their
results or exceptions come back on the GUI thread through queued signals.

Threads are parentless QThreads held by Python and joined when their owner goes away: a QThread
deleted while it runs would abort the process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

__all__ = ["BackgroundThread", "join_thread", "start_thread"]

log = logging.getLogger(__name__)

# Threads whose join timed out stay referenced, so Python never destroys a running QThread.
_orphans: list[QObject] = []


def start_thread(
    worker: QObject,
    name: str,
    priority: QThread.Priority = QThread.Priority.InheritPriority,
) -> QThread:
    """Move ``worker`` to a new QThread called ``name`` and start its event loop."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.start(priority)
    return thread


def join_thread(thread: QThread, worker: QObject, timeout_s: float = 5.0) -> bool:
    """End the thread's event loop and wait for it; False when it did not end in time."""
    if not shiboken6.isValid(thread) or not thread.isRunning():
        return True
    thread.quit()
    if thread.wait(max(0, int(timeout_s * 1000))):
        return True
    log.warning("the %s thread did not stop within %.1f s", thread.objectName(), timeout_s)
    _orphans.append(thread)
    _orphans.append(worker)
    return False


@dataclass(frozen=True, eq=False)
class _Job:
    fn: Callable[[], Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None


class _Runner(QObject):
    """Lives on the background thread; runs each job it is handed."""

    done = Signal(object, object)  # _Job, result
    failed = Signal(object, object)  # _Job, exception

    def __init__(self, idle: threading.Condition) -> None:
        super().__init__()
        self._idle = idle
        self.pending = 0  # guarded by _idle

    @Slot(object)
    def run(self, job: _Job) -> None:
        try:
            result = job.fn()
        except Exception as exc:  # handed to the GUI thread, never raised into Qt here
            self.failed.emit(job, exc)
        else:
            self.done.emit(job, result)
        finally:
            with self._idle:
                self.pending -= 1
                self._idle.notify_all()


class BackgroundThread(QObject):
    """Runs callables one at a time on a thread of its own; results come to the GUI thread.

    ``submit(fn, on_done, on_error)``: ``on_done(result)`` or ``on_error(exception)`` is called
    on the thread that owns this object (the GUI thread). Without ``on_error`` an exception goes
    to ``sys.excepthook`` (the crash reporter). :meth:`wait_idle` blocks until every submitted
    job has run; :meth:`shutdown` waits for them, then ends the thread.
    """

    _submit = Signal(object)

    def __init__(
        self,
        name: str,
        parent: QObject | None = None,
        priority: QThread.Priority = QThread.Priority.InheritPriority,
    ) -> None:
        super().__init__(parent)
        self._idle = threading.Condition()
        self._runner = _Runner(self._idle)
        self._submit.connect(self._runner.run)  # queued: the runner lives on the thread
        self._runner.done.connect(self._on_runner_done)
        self._runner.failed.connect(self._on_runner_failed)
        self._thread: QThread | None = start_thread(self._runner, name, priority)
        thread, runner = self._thread, self._runner
        # Safety net when the owner goes away without shutdown().
        self.destroyed.connect(lambda *_: join_thread(thread, runner))

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> bool:
        """Queue ``fn``; False (and nothing runs) after :meth:`shutdown`."""
        if self._thread is None:
            return False
        with self._idle:
            self._runner.pending += 1
        self._submit.emit(_Job(fn, on_done, on_error))
        return True

    def wait_idle(self, timeout_s: float = 5.0) -> bool:
        """Block until every submitted job has run; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._runner.pending == 0, timeout_s)

    def shutdown(self, timeout_s: float = 5.0) -> bool:
        """Run what was submitted, then end the thread (idempotent); False on timeout."""
        thread, self._thread = self._thread, None
        if thread is None:
            return True
        idle = self.wait_idle(timeout_s)
        return join_thread(thread, self._runner, timeout_s if idle else 0.0) and idle

    @Slot(object, object)
    def _on_runner_done(self, job: _Job, result: Any) -> None:
        if job.on_done is not None:
            job.on_done(result)

    @Slot(object, object)
    def _on_runner_failed(self, job: _Job, exc: Exception) -> None:
        if job.on_error is None:
            raise exc
        job.on_error(exc)
