"""File > Import… in the app: the dialog a user fills, the background import, the new document."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from cnnstudio.core.templates import get_template
from cnnstudio.gui.import_dialog import ImportDialog, install_import
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession


@pytest.fixture
def window(qtbot):
    win = MainWindow(DesignSession(get_template("lenet5")))
    win.persist_layout = False
    win._ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    tool = install_import(win)
    messages: list[tuple[str, str, bool]] = []
    tool.show_message = lambda title, text, error: messages.append((title, text, error))
    return win, tool, messages


def _answer(qtbot, fill) -> None:
    """When the import dialog is up, let ``fill`` use it as a user would."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ImportDialog):
            QTimer.singleShot(20, run)
            return
        fill(dialog)

    QTimer.singleShot(0, run)


def _ok(qtbot, dialog: ImportDialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.LeftButton)


def test_import_a_torchvision_model_from_the_file_menu(window, qtbot) -> None:
    win, tool, messages = window
    assert tool.action in win.file_menu.actions()

    def fill(dialog: ImportDialog) -> None:
        qtbot.keyClicks(dialog.search, "squeezenet1_1")
        assert dialog.models.currentItem().text() == "squeezenet1_1"
        dialog.shape_edit.setText("3,32,32")
        _ok(qtbot, dialog)

    _answer(qtbot, fill)
    with qtbot.waitSignal(tool.done, timeout=120_000):
        tool.action.trigger()
    design = win.session.design
    assert design.name == "torchvision:squeezenet1_1"
    assert win.session.path is None  # a new, unsaved document
    assert design["features_3_squeeze"].group == "features.3"
    assert win.session.analysis.valid
    assert win.session.analysis.total_params == 1_235_496
    _title, text, error = messages[-1]
    assert not error and "verified" in text and "100% native" in text


def test_import_a_module_from_a_py_file_with_the_file_picker(window, qtbot, tmp_path: Path) -> None:
    win, tool, messages = window
    path = tmp_path / "tiny_gui_model.py"
    path.write_text(
        "from torch import nn\n"
        "def build():\n"
        "    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.Hardswish(), nn.Flatten(),"
        " nn.Linear(2 * 4 * 4, 3))\n"
    )

    def fill(dialog: ImportDialog) -> None:
        dialog.ask_file = lambda: str(path)
        qtbot.mouseClick(dialog.browse, Qt.LeftButton)
        assert dialog.file_radio.isChecked()
        _ok(qtbot, dialog)  # no name yet: refused in the dialog, which stays open
        assert "name of the class or function" in dialog.problem.text()
        qtbot.keyClicks(dialog.name_edit, "build")
        dialog.shape_edit.setText("1,6,6")
        _ok(qtbot, dialog)

    _answer(qtbot, fill)
    with qtbot.waitSignal(tool.done, timeout=60_000):
        tool.action.trigger()
    assert [lay.type for lay in win.session.design] == [
        "Input",
        "Conv",
        "Hardswish",
        "Flatten",
        "Dense",
    ]
    assert "verified" in messages[-1][1]


def test_an_import_that_fails_keeps_the_design_and_says_why(window, qtbot) -> None:
    win, tool, messages = window
    before = win.session.design

    def fill(dialog: ImportDialog) -> None:
        dialog.file_radio.setChecked(True)
        dialog.file_edit.setText("/nowhere/model.pt2")
        _ok(qtbot, dialog)

    _answer(qtbot, fill)
    with qtbot.waitSignal(tool.failed, timeout=30_000) as blocker:
        tool.action.trigger()
    assert "no such file" in blocker.args[0]
    assert win.session.design is before
    assert messages[-1][2] is True


def test_cancel_imports_nothing(window, qtbot) -> None:
    win, tool, messages = window
    before = win.session.design
    _answer(qtbot, lambda dialog: dialog.reject())
    assert tool.action.trigger() is None
    assert win.session.design is before and not messages


def test_replace_classifier_action_is_one_undo_step(window, qtbot) -> None:
    win, tool, messages = window
    tool.ask_classes = lambda current: 3
    tool.transfer_action.trigger()
    design = win.session.design
    assert design["fc3"].params["out_features"] == 3
    assert {lay.id for lay in design if lay.frozen} == {"conv1", "conv2", "fc1", "fc2"}
    assert win.session.analysis.trainable_params == 84 * 3 + 3
    win.undo_action.trigger()
    assert design["fc3"].params["out_features"] == 10 and not any(lay.frozen for lay in design)
    assert not messages
