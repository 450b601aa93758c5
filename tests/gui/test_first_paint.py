"""The docks tabbed out of sight are laid out and painted after start-up, not on the first click."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pyqtgraph as pg
from PySide6.QtWidgets import QDockWidget, QTabBar

from cnnstudio.core.templates import get_template
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession


def _dock(window: MainWindow, title: str) -> QDockWidget:
    return next(d for d in window.findChildren(QDockWidget) if d.windowTitle() == title)


def test_hidden_docks_are_ready_before_their_tab_is_clicked(qtbot) -> None:
    window = MainWindow(DesignSession(get_template("lenet5")))
    window.persist_layout = False
    window._ask_save_changes = lambda: "discard"
    window.install_tools()
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()  # as the app starts: the warm-up follows the first show, then the primer
    qtbot.waitExposed(window)
    training, summary = _dock(window, "Training"), _dock(window, "Summary")
    assert training.visibleRegion().isEmpty()  # tabbed behind the Summary
    assert training.size() != summary.size()  # never laid out yet
    primer = window.first_paint
    qtbot.waitUntil(lambda: primer.done, timeout=60_000)
    assert primer.steps_run >= 3  # a layout and paints, each its own step
    # Laid out at the size its tab will give it, its curves at their own size, nothing shown.
    assert training.size() == summary.size()
    assert training.visibleRegion().isEmpty() and not summary.visibleRegion().isEmpty()
    plots = window.training.view.plots.view
    assert isinstance(plots, pg.GraphicsLayoutWidget)
    laid_out = plots.size()
    assert laid_out.width() > 300 and laid_out.height() > 150
    # The user's click then only shows it: no new layout of the dock or the curves.
    bar = next(
        b
        for b in window.findChildren(QTabBar)
        if "Training" in [b.tabText(i) for i in range(b.count())]
    )
    bar.setCurrentIndex([bar.tabText(i) for i in range(bar.count())].index("Training"))
    qtbot.waitUntil(lambda: not training.visibleRegion().isEmpty())
    assert plots.size() == laid_out
    window.training.shutdown()
