"""Another program changed the open file: say so, and never overwrite its changes unasked.

`FileGuard` watches the session's file (and its folder, because an atomic save by anyone,
cnnstudio included, replaces the file and ends the watch on the old one) with a
`QFileSystemWatcher`. When the content on disk stops matching what the session last loaded or
saved (`DesignSession.changed_on_disk`, a content hash), a non-modal bar over the top of the
canvas offers Reload, Overwrite, Save As… or Dismiss. Our own saves record the hash of what
they wrote, so they never raise the bar.

The watcher may miss a change (network folders, a change within its short delay), so the
session also checks before every save and raises `ExternalChangeError`; the window then asks
the same question in a dialog (`FileGuard.resolve_on_save`). Dismissing the bar does not
accept the other writer's version: the next save still asks.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, QTimer
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from ..core.disk_state import DiskStamp, ExternalChangeError
from ..core.errors import DesignError
from ..core.i18n import translate

if TYPE_CHECKING:
    from .main_window import MainWindow

CHECK_DELAY_MS = 150
"""Wait after a watcher event before looking: a writer's rename comes in several events."""


class ExternalChangeBar(QFrame):
    """The strip shown over the top of the canvas while the file differs on disk."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("external_change_bar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.ToolTipBase)
        self.setForegroundRole(QPalette.ColorRole.ToolTipText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setForegroundRole(QPalette.ColorRole.ToolTipText)
        layout.addWidget(self.label, 1)
        self.reload_button = QPushButton(translate("FileGuard", "&Reload"), self)
        self.overwrite_button = QPushButton(translate("FileGuard", "&Overwrite"), self)
        self.save_as_button = QPushButton(translate("FileGuard", "Save &As…"), self)
        self.dismiss_button = QPushButton(translate("FileGuard", "Dismiss"), self)
        for button in (
            self.reload_button,
            self.overwrite_button,
            self.save_as_button,
            self.dismiss_button,
        ):
            layout.addWidget(button)
        self.hide()

    def place(self) -> None:
        """Span the top of the parent (called when the parent resizes)."""
        parent = self.parentWidget()
        if parent is not None:
            width = parent.width()
            layout = self.layout()
            # The wrapped label's height at this width, not its (taller) unwrapped hint.
            height = layout.totalHeightForWidth(width) if layout is not None else -1
            self.setGeometry(0, 0, width, height if height > 0 else self.sizeHint().height())
            self.raise_()


class FileGuard(QObject):
    """Watches one window's design file for changes made by others."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.watcher = QFileSystemWatcher(self)
        self.bar = ExternalChangeBar(window.canvas)
        window.canvas.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.watcher.fileChanged.connect(self._on_watcher_event)
        self.watcher.directoryChanged.connect(self._on_watcher_event)
        self.session.document_changed.connect(self._on_session_document_changed)
        self.bar.reload_button.clicked.connect(self.reload)
        self.bar.overwrite_button.clicked.connect(self.overwrite)
        self.bar.save_as_button.clicked.connect(self.save_elsewhere)
        self.bar.dismiss_button.clicked.connect(self.dismiss)
        self._dismissed: str | None = None  # the content hash the user chose to ignore
        self._rearm()

    # -- watching -----------------------------------------------------------------------------
    def _on_watcher_event(self, _path: str) -> None:
        self._timer.start()

    def _on_session_document_changed(self) -> None:
        # Emitted on every edit too: only a new path, or a file replaced by our own save (its
        # watch is gone), needs the watcher touched.
        path = self.session.path
        if path is None or str(path) not in self.watcher.files():
            self._rearm()
        if self.bar.isVisible() and self.session.changed_on_disk() is None:
            self.bar.hide()  # saved, reloaded, or another file now

    def _rearm(self) -> None:
        """Watch exactly the session's file and its folder (a replaced file needs a new watch)."""
        wanted: set[str] = set()
        path = self.session.path
        if path is not None:
            if path.exists():
                wanted.add(str(path))
            if path.parent.is_dir():
                wanted.add(str(path.parent))
        watched = set(self.watcher.files()) | set(self.watcher.directories())
        stale = sorted(watched - wanted)
        if stale:
            self.watcher.removePaths(stale)
        new = sorted(wanted - watched)
        if new:
            self.watcher.addPaths(new)

    def check(self) -> bool:
        """Compare the file with what the session last saw; show or hide the bar. True: changed."""
        self._rearm()
        current = self.session.changed_on_disk()
        if current is None:
            self.bar.hide()
            return False
        path = self.session.path
        assert path is not None
        if current.sha256 == self._dismissed:
            return True  # still changed, but the user has seen this version
        self.bar.label.setText(self._message(path, current))
        self.bar.place()
        self.bar.show()
        return True

    def _message(self, path: Path, current: DiskStamp) -> str:
        mine = "You have unsaved changes. " if self.session.is_modified else ""
        return (
            f"<b>{path.name}</b> was changed on disk by another program (at {current.when()}). "
            f"{mine}Reload it, overwrite it with this version, or save this one elsewhere."
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window.canvas and event.type() == QEvent.Type.Resize:
            self.bar.place()
        return False

    # -- the choices --------------------------------------------------------------------------
    def dismiss(self) -> None:
        """Hide the bar until the file changes again (the next save still asks)."""
        current = self.session.changed_on_disk()
        self._dismissed = current.sha256 if current is not None else None
        self.bar.hide()

    def reload(self) -> bool:
        """Open the file as it is on disk now (unsaved changes here are dropped)."""
        path = self.session.path
        if path is None:
            return False
        try:
            self.session.open(path)
        except DesignError as exc:
            self.window._show_error(translate("FileGuard", "Cannot reload the file"), str(exc))
            return False
        self.bar.hide()
        self.window._after_load()
        self.window.statusBar().showMessage(
            translate("FileGuard", "Reloaded {path}").format(path=path), 4000
        )
        return True

    def overwrite(self) -> bool:
        """Save this version over the other program's changes (the user asked for it)."""
        path = self.session.path
        if path is None:
            return False
        return self.window._save_to(path, overwrite=True)

    def save_elsewhere(self) -> bool:
        """Save As…: keep both versions."""
        return self.window.save_as()

    def resolve_on_save(self, error: ExternalChangeError) -> bool:
        """A save found the file changed by another program: ask, then do what was chosen.

        Returns True only when the design ended up saved (overwritten or saved elsewhere).
        """
        choice = self.ask(error)
        if choice == "reload":
            self.reload()
            return False
        if choice == "overwrite":
            return self.overwrite()
        if choice == "save_as":
            return self.save_elsewhere()
        return False

    def ask(self, error: ExternalChangeError) -> str:
        """``"reload"``, ``"overwrite"``, ``"save_as"`` or ``"cancel"``, from a dialog."""
        box = QMessageBox(self.window)
        box.setObjectName("external_change_dialog")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(translate("FileGuard", "File changed on disk"))
        box.setText(
            translate(
                "FileGuard",
                "{name} was changed on disk by another program (at {when}) since you opened or "
                "last saved it here.",
            ).format(name=error.path.name, when=error.current.when())
        )
        box.setInformativeText(
            translate(
                "FileGuard",
                "Overwrite replaces those changes with yours; Save As keeps both; Reload opens the "
                "file as it is now and drops your unsaved changes.",
            )
        )
        reload = box.addButton("Reload", QMessageBox.ButtonRole.DestructiveRole)
        overwrite = box.addButton("Overwrite", QMessageBox.ButtonRole.DestructiveRole)
        save_as = box.addButton("Save As…", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save_as)
        box.setEscapeButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is reload:
            return "reload"
        if clicked is overwrite:
            return "overwrite"
        if clicked is save_as:
            return "save_as"
        return "cancel"
