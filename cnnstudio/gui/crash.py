"""Unhandled exceptions become a dialog with a copyable report; the app keeps running.

PySide6 hands an exception raised in a slot or event handler to ``sys.excepthook`` and carries
on; we replace the hook (and ``threading.excepthook`` for worker threads) so the user sees what
happened in words, can copy the report for a bug report, and loses nothing.
"""

from __future__ import annotations

import platform
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .. import __version__
from ..core.i18n import translate


def format_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """A plain-text report: versions, the exception, the traceback."""
    import PySide6

    lines = [
        f"cnnstudio {__version__}, Python {platform.python_version()}, "
        f"PySide6 {PySide6.__version__}, {platform.platform()}",
    ]
    torch = sys.modules.get("torch")
    if torch is not None:
        lines[0] += f", torch {getattr(torch, '__version__', '?')}"
    lines.append("")
    lines.extend(traceback.format_exception(exc_type, exc, tb))
    return "\n".join(line.rstrip("\n") for line in lines)


class ErrorReporter(QObject):
    """Receives unhandled exceptions from any thread and shows them on the GUI thread."""

    reported = Signal(str, str)  # one-line summary, full report

    def __init__(self, parent_widget: Callable[[], QWidget | None] = lambda: None) -> None:
        super().__init__()
        self._parent_widget = parent_widget
        self._showing = False
        self.reports: list[str] = []
        self.show_dialog: Callable[[str, str], None] = self._dialog
        # Queued: a report from a worker thread is shown by the GUI thread.
        self.reported.connect(self._on_reported, Qt.ConnectionType.QueuedConnection)
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook

    def handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        report = format_report(exc_type, exc, tb)
        print(report, file=sys.stderr)
        summary = f"{exc_type.__name__}: {exc}".splitlines()[0][:300]
        self.reported.emit(summary, report)

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.handle(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str, str)
    def _on_reported(self, summary: str, report: str) -> None:
        self.reports.append(report)
        if self._showing:
            return  # one dialog at a time: a cascade of the same fault must not bury the window
        self._showing = True
        try:
            self.show_dialog(summary, report)
        finally:
            self._showing = False

    def _dialog(self, summary: str, report: str) -> None:
        box = QMessageBox(self._parent_widget())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(translate("Crash", "cnnstudio: unexpected error"))
        box.setText(
            translate(
                "Crash",
                "Something went wrong inside cnnstudio. Your design is untouched and the app keeps "
                "running; saving your work now is a good idea.",
            )
        )
        box.setInformativeText(summary)
        box.setDetailedText(report)
        copy = box.addButton("Copy report", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        copy.clicked.disconnect()
        copy.clicked.connect(lambda: QApplication.clipboard().setText(report))
        box.exec()
