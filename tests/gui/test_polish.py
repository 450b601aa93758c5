"""Issue 12 item 11: the small first-hour bugs, each reached as a user reaches it."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from cnnstudio.core.commands import SetParam
from cnnstudio.gui.main_window import MainWindow
from tests.gui.dialog_answers import DialogAnswers
from tests.gui.real_window import all_menu_actions


def test_an_error_message_leaves_the_status_bar_once_undo_fixes_the_design(
    app_window: MainWindow, qtbot: QtBot
) -> None:
    window = app_window
    window.session.push(SetParam("conv2", "kernel_size", 30))
    assert window.session.analysis.errors
    qtbot.mouseClick(window.validity_button, Qt.MouseButton.LeftButton)
    assert "30" in window.statusBar().currentMessage()
    window.canvas.setFocus()
    qtbot.keySequence(window.canvas, QKeySequence("Ctrl+Z"))
    assert not window.session.analysis.errors
    assert window.statusBar().currentMessage() == ""


def test_save_as_names_an_untitled_design_after_its_file(
    app_window: MainWindow, dialogs: DialogAnswers, tmp_path: Path
) -> None:
    window = app_window
    window.session.design.name = "Untitled"
    dialogs.save_paths.append(str(tmp_path / "mycnn.cnn.json"))
    all_menu_actions(window)["File ▸ Save As…"].trigger()
    assert window.session.design.name == "mycnn"
    assert "mycnn" in window.windowTitle()
    assert not window.session.is_modified
    from cnnstudio.core.fileio import load_design

    assert load_design(tmp_path / "mycnn.cnn.json").name == "mycnn"
    # A design the user named keeps its name.
    dialogs.save_paths.append(str(tmp_path / "other.cnn.json"))
    all_menu_actions(window)["File ▸ Save As…"].trigger()
    assert window.session.design.name == "mycnn"


def test_help_lists_every_shortcut_and_opens_the_documentation(
    app_window: MainWindow, dialogs: DialogAnswers, monkeypatch: object
) -> None:
    from cnnstudio.gui import shortcuts_dialog

    window = app_window
    shown: list[object] = []
    original = shortcuts_dialog.ShortcutsDialog.__init__

    def keep(self: object, parent: object) -> None:
        original(self, parent)  # type: ignore[arg-type]
        shown.append(self)

    monkeypatch.setattr(shortcuts_dialog.ShortcutsDialog, "__init__", keep)  # type: ignore[attr-defined]
    actions = all_menu_actions(window)
    actions["Help ▸ Keyboard Shortcuts"].trigger()
    assert dialogs.last("dialog").title == "Keyboard Shortcuts"
    table = shown[0].table  # type: ignore[attr-defined]
    listed = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    keyed = [a for a in actions.values() if a.shortcuts()]
    assert len(listed) >= len({a.text() for a in keyed}) - 2  # Undo/Redo keyed by their verb
    assert "Ctrl+Shift+S" in listed["Save As"] and "Ctrl+Y" in listed["Redo"]
    actions["Help ▸ Documentation"].trigger()
    url = dialogs.last("url").text
    assert url.startswith("file://") and url.endswith(("docs", "README.md"))


def test_the_summary_shows_a_large_output_shape_whole(
    app_window: MainWindow, dialogs: DialogAnswers, qtbot: QtBot
) -> None:
    window = app_window
    all_menu_actions(window)["File ▸ VGG-16"].trigger()
    table = window.summary.table
    column = 2
    texts = [window.summary.model.cell(r, column) for r in range(window.summary.model.rowCount())]
    assert any(t.startswith("64x224") for t in texts), texts
    widest = max(table.fontMetrics().horizontalAdvance(t) for t in texts)
    assert table.horizontalHeader().sectionSize(column) > widest


def test_pasted_blocks_land_clear_of_the_original_and_cascade(
    app_window: MainWindow, qtbot: QtBot
) -> None:
    from cnnstudio.gui.canvas.style import BLOCK_HEIGHT

    window = app_window
    original = window.session.design.layers["conv1"].pos
    window.session.select(["conv1"])
    window.canvas.setFocus()
    qtbot.keySequence(window.canvas, QKeySequence("Ctrl+C"))
    tops = []
    for _ in range(2):
        qtbot.keySequence(window.canvas, QKeySequence("Ctrl+V"))
        (new,) = window.session.selection
        tops.append(window.session.design.layers[new].pos[1])
    assert tops[0] - original[1] > BLOCK_HEIGHT
    assert tops[1] - tops[0] > BLOCK_HEIGHT
