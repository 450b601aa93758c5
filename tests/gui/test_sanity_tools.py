"""Train ▸ Check Design and Train ▸ Find Learning Rate, used from the menu."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from cnnstudio.core.design import Design, Layer
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession


def _tiny() -> Design:
    design = Design(
        [
            Layer("input", "Input", params={"shape": [1, 8, 8]}),
            Layer("conv1", "Conv", ["input"], {"out_channels": 4, "kernel_size": 3}),
            Layer("relu1", "ReLU", ["conv1"]),
            Layer("flat", "Flatten", ["relu1"]),
            Layer("fc", "Dense", ["flat"], {"out_features": 10}),
        ],
        name="tiny",
    )
    design.training = {"dataset": "digits", "batch_size": 32}
    return design


@pytest.fixture
def window(qtbot):
    win = MainWindow(DesignSession(_tiny()))
    win.persist_layout = False
    win._ask_save_changes = lambda: "discard"
    win.install_tools()
    qtbot.addWidget(win)
    yield win
    win.training.shutdown()


def _train_menu_action(window, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Train")
    return next(a for a in menu.actions() if a.text() == text)


def test_check_design_from_the_train_menu(qtbot, window) -> None:
    _train_menu_action(window, "Check &Design…").trigger()
    tools = window.sanity
    assert tools.check_window is not None and tools.check_window.isVisible()
    qtbot.waitUntil(lambda: tools.last_report is not None, timeout=120_000)
    assert tools.check_window.status.text() == "All checks passed"
    text = tools.check_window.lines.text()
    assert "loss at initialisation" in text and "expected ln(10) = 2.303" in text
    assert text.count("✔") == 4
    assert tools.check_action.isEnabled()


def test_find_learning_rate_and_use_it(qtbot, window) -> None:
    _train_menu_action(window, "Find &Learning Rate…").trigger()
    tools = window.sanity
    qtbot.waitUntil(lambda: tools.use_lr_button is not None, timeout=120_000)
    suggestion = tools.last_sweep.suggestion
    assert tools.lr_window.status.text().startswith("Suggested learning rate:")
    qtbot.mouseClick(tools.use_lr_button, Qt.MouseButton.LeftButton)
    assert window.session.design.training["lr"] == pytest.approx(suggestion, rel=1e-2)
    assert window.training.view.panel.lr.value() == pytest.approx(suggestion, rel=1e-2, abs=1e-6)
    window.undo_action.trigger()
    assert "lr" not in window.session.design.training


def test_a_broken_design_is_explained_not_run(qtbot, window) -> None:
    from cnnstudio.core.commands import SetParam

    window.session.push(SetParam("conv1", "kernel_size", 30))
    _train_menu_action(window, "Check &Design…").trigger()
    assert window.sanity.check_window.status.text().startswith("Fix the design first:")
    assert "conv1" in window.sanity.check_window.status.text()
