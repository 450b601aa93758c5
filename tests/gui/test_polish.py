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
