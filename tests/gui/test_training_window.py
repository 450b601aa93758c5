"""Training installed in the real main window: Train menu, dock, F5, warm-up and closing."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from cnnstudio.core.templates import adapt, get_template
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.settings import AppSettings
from cnnstudio.gui.training import TrainingController, install_training
from cnnstudio.gui.training import install as install_module


@pytest.fixture
def window(qtbot: QtBot, tmp_path, monkeypatch: pytest.MonkeyPatch) -> MainWindow:
    monkeypatch.setattr(install_module, "WARM_UP_DELAY_MS", 10)
    design = adapt(get_template("lenet5"), (1, 16, 16))
    design.training = {"epochs": 1, "batch_size": 64}
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(DesignSession(design), AppSettings(store))
    w.persist_layout = False
    # Training stores its settings in the design; never ask about saving in a test.
    w._ask_save_changes = lambda: "discard"
    qtbot.addWidget(w)
    return w


def _menu(window: MainWindow, title: str):
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title:
            return action.menu()
    return None


def test_install_adds_menu_dock_and_trains_with_f5(qtbot: QtBot, window: MainWindow) -> None:
    controller = install_training(window)
    assert isinstance(controller, TrainingController)
    menu = _menu(window, "Train")
    assert menu is not None
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts[:4] == ["Start Training", "Continue Training", "Pause", "Stop"]
    start = menu.actions()[0]
    assert start.shortcut() == QKeySequence("F5")
    save = next(a for a in menu.actions() if a.text().startswith("Save C"))
    assert not save.isEnabled()  # nothing trained yet

    dock = controller.dock
    assert isinstance(dock, QDockWidget) and dock.windowTitle() == "Training"
    bottom = [d for d in window.findChildren(QDockWidget) if d.windowTitle() == "Summary"]
    assert dock in window.tabifiedDockWidgets(bottom[0])

    window.show()
    qtbot.waitExposed(window)
    # The warm-up imports torch on the worker thread after the window shows.
    qtbot.waitUntil(lambda: bool(controller.devices), timeout=30_000)
    assert "torch" in sys.modules
    controller.view.tabs.setCurrentWidget(controller.view.results)
    with qtbot.waitSignal(controller.run_finished, timeout=30_000):
        start.trigger()
        assert not start.isEnabled()
        # F5 brings the Run tab forward: its Stop button and live curves.
        assert controller.view.tabs.currentWidget() is controller.view.splitter
    assert start.isEnabled() and save.isEnabled()
    assert "val acc" in window.statusBar().currentMessage()
    assert len(controller.history) == 1


def test_closing_the_window_during_a_run_stops_the_thread(qtbot: QtBot, window: MainWindow) -> None:
    controller = install_training(window)
    window.show()
    qtbot.waitExposed(window)
    settings = controller.view.panel.settings()
    settings.epochs = 500
    batches: list = []
    controller.batch_progress.connect(batches.append)
    controller.start(settings)
    qtbot.waitUntil(lambda: bool(batches), timeout=30_000)
    window.close()
    qtbot.waitUntil(lambda: controller._closed, timeout=5000)
    assert not controller._thread.isRunning()
    assert controller.state == "idle"


def test_changing_texts_never_resize_the_plots(qtbot: QtBot, window: MainWindow) -> None:
    """A resize mid-run re-renders every axis of the live plots: a visible stall at Start."""
    from PySide6.QtCore import Qt

    controller = install_training(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    controller.dock.raise_()
    window.resizeDocks([controller.dock], [330], Qt.Orientation.Vertical)
    view = controller.view
    qtbot.wait(50)
    size = view.plots.view.size()
    view.plots.runs_label.setText("12 earlier runs dimmed (solid: train, dashed: validation) " * 3)
    view.panel.status.setText(
        "Finished in 0:02: val loss 0.1419, val acc 96.1%; best val acc 96.4% at epoch 5 " * 2
    )
    qtbot.wait(50)
    assert view.plots.view.size() == size
    window.close()


def test_plots_follow_the_theme(qtbot: QtBot, window: MainWindow) -> None:
    """View > Theme: the curves and results switch colours with the rest of the window."""
    from PySide6.QtGui import QPalette

    controller = install_training(window)
    window.show()
    qtbot.waitExposed(window)
    plots, results = controller.view.plots, controller.view.results
    try:
        for theme in ("dark", "light"):
            window.set_theme(theme)
            qtbot.waitUntil(lambda: plots.palette() == window.palette(), timeout=2000)
            qtbot.wait(20)  # widgets get their PaletteChange through the event loop
            palette = plots.palette()
            base = palette.color(QPalette.ColorRole.Base)
            text = palette.color(QPalette.ColorRole.Text)
            assert plots.view.backgroundBrush().color() == base
            assert results.charts.backgroundBrush().color() == base
            axis = plots.loss_plot.getAxis("left")
            assert axis.textPen().color() == text and axis.pen().color() == text
            label = plots.loss_plot.legend.items[0][1]
            assert label.opts["color"] == text.name()
            # The learning-rate axis keeps the colour of its series.
            lr_axis = plots.acc_plot.getAxis("right")
            assert lr_axis.textPen().color().name() == "#009e73"
            assert lr_axis.labelStyle["color"] == "#009e73"
            assert axis.labelStyle["color"] == text.name()
    finally:
        window.set_theme("system")
    window.close()
