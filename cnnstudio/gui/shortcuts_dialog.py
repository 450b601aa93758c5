"""Help ▸ Keyboard Shortcuts and the way to the documentation.

The table is built from the window's own actions each time it opens, so it lists exactly the
keys the menus answer to and never drifts from them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.i18n import translate

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def shortcut_rows(window: QWidget) -> list[tuple[str, str]]:
    """(action, keys) for every action of ``window`` with a shortcut, sorted by action."""
    rows: dict[str, str] = {}
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if not keys:
            continue
        name = action.text().replace("&", "").removesuffix("…").removesuffix("...")
        if name.startswith(("Undo", "Redo")):
            name = name[:4]  # "Undo Add conv1" is Undo
        rows[name] = ", ".join(keys)
    return sorted(rows.items(), key=lambda r: r[0].lower())


class ShortcutsDialog(QDialog):
    """A two-column table: action, keys."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle(translate("ShortcutsDialog", "Keyboard Shortcuts"))
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels(
            [translate("ShortcutsDialog", "Action"), translate("ShortcutsDialog", "Keys")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (name, keys) in enumerate(rows):
            self.table.setItem(row, 0, QTableWidgetItem(name))
            self.table.setItem(row, 1, QTableWidgetItem(keys))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(460, 520)


def documentation_url() -> QUrl:
    """The project's docs folder, or its README where the docs folder is not shipped."""
    docs = PROJECT_ROOT / "docs"
    return QUrl.fromLocalFile(str(docs if docs.is_dir() else PROJECT_ROOT / "README.md"))
