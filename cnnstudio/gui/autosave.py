"""Autosave for crash recovery: every change reaches a recovery file within 2 seconds.

Changes restart a short single-shot timer (debounce), and a second timer, started by the first
unsaved change and never restarted, bounds the wait: a steady stream of edits (one a second)
cannot postpone the autosave past `MAX_DELAY_MS`. When either fires, the GUI thread takes a
snapshot of the design (a deep copy, about a millisecond for ResNet-50's 175 layers) and hands
it to one writer thread, which serialises it and writes the file, so neither serialisation nor
disk latency ever reaches the window. The writer holds at most one pending job and replaces it
with each newer one: writes never overlap and the last state always wins. At start-up
`offer_recovery` finds the autosaves of instances that died (crash, kill -9) and asks whether to
restore them.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from ..core.design import Design
from ..core.errors import DesignError
from ..core.fileio import dumps_design
from ..core.recovery import RecoveryEntry, RecoveryStore
from .session import DesignSession

DEBOUNCE_MS = 1000
"""Quiet time after a change before it is written (a burst of edits is written once)."""
MAX_DELAY_MS = 1500
"""Longest wait from the first unwritten change to its write; leaves the write 0.5 s of the
2 s the README promises."""


def default_recovery_folder() -> Path:
    """``<AppLocalDataLocation>/recovery`` (``CNNSTUDIO_RECOVERY_DIR`` overrides it, for tests)."""
    override = os.environ.get("CNNSTUDIO_RECOVERY_DIR")
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".local" / "share" / "cnnstudio") / "recovery"


class LatestJobWriter:
    """One background thread that runs the newest submitted job, one job at a time.

    A job submitted while another waits replaces it (an older snapshot is never worth writing
    once a newer one exists); a job submitted while one runs waits for it. So two writes never
    race, and the file ends with the last submitted state. The thread starts on the first job.
    """

    def __init__(self, name: str = "cnnstudio-autosave") -> None:
        self._name = name
        self._cond = threading.Condition()
        self._pending: Callable[[], None] | None = None
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, job: Callable[[], None]) -> None:
        """Run ``job`` on the writer thread after the current one, replacing any waiting job."""
        with self._cond:
            if self._closed:
                return
            self._pending = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until no job waits or runs; False when ``timeout`` seconds passed first."""
        with self._cond:
            return self._cond.wait_for(
                lambda: self._pending is None and not self._busy, timeout=timeout
            )

    def close(self, timeout: float = 5.0) -> None:
        """Finish the waiting job (if any), then stop the thread."""
        self.wait_idle(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                job, self._pending = self._pending, None
                if job is None:
                    return  # closed with nothing left to do
                self._busy = True
            try:
                job()
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()


class Autosaver(QObject):
    """Keeps the recovery file of one session up to date; cleared on save and on clean exit."""

    def __init__(
        self, session: DesignSession, store: RecoveryStore, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.store = store
        self.writer = LatestJobWriter()
        self.timer = QTimer(self)  # debounce: restarted by every change
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.write_now)
        self.deadline = QTimer(self)  # the bound: started by the first unwritten change only
        self.deadline.setSingleShot(True)
        self.deadline.setInterval(MAX_DELAY_MS)
        self.deadline.timeout.connect(self.write_now)
        session.analysis_changed.connect(self._on_session_changed)
        session.document_changed.connect(self._on_session_changed)

    def _on_session_changed(self) -> None:
        if self.session.is_modified:
            self.timer.start()
            if not self.deadline.isActive():
                self.deadline.start()
        else:
            self.timer.stop()
            self.deadline.stop()
            self.writer.submit(self._clear)

    def write_now(self) -> None:
        """Snapshot the design now (GUI thread); serialise and write it in the background."""
        self.timer.stop()
        self.deadline.stop()
        if not self.session.is_modified:
            return
        snapshot = self.session.design.clone()
        source = str(self.session.path) if self.session.path else None
        self.writer.submit(lambda: self._write(snapshot, source))

    def flush(self, timeout: float = 5.0) -> bool:
        """Write what is pending now and wait for the writer; False if it took too long."""
        if self.timer.isActive() or self.deadline.isActive():
            self.write_now()
        return self.writer.wait_idle(timeout)

    def shutdown(self) -> None:
        """Clean exit: wait for pending writes, then remove the autosave and the lock."""
        self.timer.stop()
        self.deadline.stop()
        self.writer.close(5.0)
        self.store.release()

    def _write(self, snapshot: Design, source: str | None) -> None:
        # Writer thread. A full disk must not take the editor down; the next change tries again.
        with contextlib.suppress(OSError):
            self.store.write_text(dumps_design(snapshot), snapshot.name, source)

    def _clear(self) -> None:
        with contextlib.suppress(OSError):
            self.store.clear()


def offer_recovery(
    store: RecoveryStore,
    session: DesignSession,
    ask: Callable[[RecoveryEntry], bool],
) -> bool:
    """Offer the newest orphaned autosave; restore it into ``session`` when ``ask`` says yes.

    Every orphan is removed afterwards (restored or declined), so the question comes once.
    A restored design is marked modified (it was never saved) and keeps its original path.
    """
    restored = False
    for entry in store.orphans():
        if not restored and ask(entry):
            try:
                design = entry.load()
            except (DesignError, OSError):
                store.discard(entry)
                continue
            path = Path(entry.source) if entry.source else None
            session.load(design, path)
            session.history.mark_dirty()
            restored = True
        store.discard(entry)
    return restored
