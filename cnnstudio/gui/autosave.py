"""Autosave for crash recovery: every change reaches a recovery file within 2 seconds.

Changes restart a short single-shot timer (debounce); when it fires, the design is serialised
on the GUI thread (well under a millisecond for ResNet-50's 175 layers) and the file is written
by a `BackgroundThread`, so disk latency never reaches the window. At start-up `offer_recovery`
finds the autosaves of instances that died (crash, kill -9) and asks whether to restore them.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from ..core.errors import DesignError
from ..core.fileio import dumps_design
from ..core.recovery import RecoveryEntry, RecoveryStore
from .background import BackgroundThread
from .session import DesignSession

DEBOUNCE_MS = 1500


def default_recovery_folder() -> Path:
    """``<AppLocalDataLocation>/recovery`` (``CNNSTUDIO_RECOVERY_DIR`` overrides it, for tests)."""
    override = os.environ.get("CNNSTUDIO_RECOVERY_DIR")
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".local" / "share" / "cnnstudio") / "recovery"


class Autosaver(QObject):
    """Keeps the recovery file of one session up to date; cleared on save and on clean exit."""

    def __init__(
        self, session: DesignSession, store: RecoveryStore, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.store = store
        self.background = BackgroundThread("cnnstudio-autosave", self)  # writes stay in order
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.write_now)
        session.analysis_changed.connect(self._on_session_changed)
        session.document_changed.connect(self._on_session_changed)

    def _on_session_changed(self) -> None:
        if self.session.is_modified:
            self.timer.start()
        else:
            self.timer.stop()
            self.background.submit(self._clear)

    def write_now(self) -> None:
        """Serialise now and write in the background."""
        if not self.session.is_modified:
            return
        design = self.session.design
        source = str(self.session.path) if self.session.path else None
        text, name = dumps_design(design), design.name
        self.background.submit(lambda: self._write(text, name, source))

    def shutdown(self) -> None:
        """Clean exit: wait for pending writes, then remove the autosave and the lock."""
        self.timer.stop()
        self.background.shutdown(5.0)
        self.store.release()

    # -- on the background thread ---------------------------------------------------------------
    def _write(self, text: str, name: str, source: str | None) -> None:
        # A full disk must not take the editor down; the next change tries again.
        with contextlib.suppress(OSError):
            self.store.write_text(text, name, source)

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
