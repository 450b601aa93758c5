"""The real window at a laptop's 1366x768 and a desktop's 1920x1080: every control in reach.

As the app starts it (tools installed, the first-run dock layout), the window is shown at the
size and, for each panel a user works in, every essential control is checked the way a user
would find it: shown, and wholly inside the window and inside every widget around it, so that
no scroll area viewport, splitter, collapsed dock or tab cuts it and no scroll bar is needed to
reach it. The canvas keeps a usable share of the window. The screenshots go to ``tmp_path``
(and to ``$CNNSTUDIO_SCREENSHOT_DIR`` when set, to look at them).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget
from pytestqt.qtbot import QtBot

from cnnstudio.core.commands import SetParam
from cnnstudio.core.templates import DEFAULT_TEMPLATE, get_template
from cnnstudio.gui.i18n import install_language
from cnnstudio.gui.main_window import (
    CANVAS_MIN_HEIGHT,
    CANVAS_MIN_WIDTH,
    LAYOUT_VERSION,
    MainWindow,
)
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.settings import AppSettings
from cnnstudio.gui.training import install as training_install

SIZES = [(1366, 768), (1920, 1080)]
LEFT = Qt.MouseButton.LeftButton


def open_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> MainWindow:
    """The window as the app starts it (tools installed, first-run layout), shown at ``size``."""
    # No torch warm-up during a layout test (it would outlive the test's window).
    monkeypatch.setattr(training_install, "WARM_UP_DELAY_MS", 600_000)
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(DesignSession(get_template(DEFAULT_TEMPLATE)), AppSettings(store))
    w.persist_layout = False  # the first-run layout, whatever an earlier run saved
    w._ask_save_changes = lambda: "discard"  # type: ignore[method-assign]
    w.install_tools()
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    _settle(qtbot)
    assert (w.width(), w.height()) == size
    return w


# English, and Portuguese at the laptop size: its longer texts must fit as well.
LAYOUTS = [(size, "en") for size in SIZES] + [((1366, 768), "pt_BR")]


@pytest.fixture(params=LAYOUTS, ids=lambda p: f"{p[0][0]}x{p[0][1]}-{p[1]}")
def window(
    request: pytest.FixtureRequest, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    size, language = request.param
    install_language(language)
    try:
        w = open_window(qtbot, tmp_path, monkeypatch, size)
        yield w
        w.training.shutdown()
        w.close()
    finally:
        install_language("en")


def _settle(qtbot: QtBot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _rect_in(widget: QWidget, window: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def assert_reachable(window: QWidget, widget: QWidget, name: str) -> None:
    """Shown, of a usable size, and wholly inside the window and each of its ancestors."""
    assert widget.isVisible(), f"{name} is not shown"
    assert widget.width() > 0 and widget.height() > 0, f"{name} has no size"
    rect = _rect_in(widget, window)
    assert window.rect().contains(rect), f"{name} {rect} sticks out of the window"
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        # A scroll area's viewport, a splitter pane or a dock clips what lies outside it.
        visible = _rect_in(parent, window)
        assert visible.contains(rect), (
            f"{name} {rect} is cut by {type(parent).__name__} {parent.objectName()!r} {visible}"
        )
        parent = parent.parentWidget()
    hint = widget.minimumSizeHint()
    if isinstance(widget, QAbstractButton):  # a button's text must be readable in full
        hint = widget.sizeHint()
    assert widget.height() >= min(hint.height(), 20), f"{name} is squeezed to {widget.height()}"
    assert widget.width() >= min(hint.width(), 60), f"{name} is squeezed to {widget.width()}"


def _shot(window: QWidget, tmp_path: Path, name: str) -> None:
    image = window.grab()
    image.save(str(tmp_path / f"{name}.png"))
    folder = os.environ.get("CNNSTUDIO_SCREENSHOT_DIR")
    if folder:
        image.save(str(Path(folder) / f"{name}-{window.width()}x{window.height()}.png"))


def test_the_designer_controls_and_the_canvas_fit(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    canvas = window.canvas
    assert_reachable(window, canvas, "the canvas")
    # A usable share: most of the width, and at least 40 % of the height with the bottom tabs.
    assert canvas.height() >= 0.4 * window.height(), canvas.height()
    assert canvas.width() >= 0.5 * window.width(), canvas.width()

    bar = window.menuBar()
    assert_reachable(window, bar, "the menu bar")
    for action in bar.actions():
        assert bar.rect().contains(bar.actionGeometry(action)), action.text()
    export = window.export_menu.menu
    assert export.menuAction() in window.file_menu.actions()
    assert export.menuAction().isEnabled()
    for menu in (window.file_menu, export):  # a menu taller than the screen needs scrolling
        assert menu.sizeHint().height() < window.height(), menu.title()
    for action in window.toolbar.actions():
        if not action.isSeparator():
            assert_reachable(window, window.toolbar.widgetForAction(action), action.iconText())
    assert_reachable(window, window.validity_button, "the status bar's validity")
    assert_reachable(window, window.totals_label, "the status bar's totals")
    assert_reachable(window, window.palette_panel, "the palette")

    # The inspector: every field of a Conv block, and the fix buttons of a broken one.
    window.session.select(["conv1"])
    _settle(qtbot)
    inspector = window.inspector
    assert inspector.fields, "the inspector shows the Conv's fields"
    for name, field in inspector.fields.items():
        assert_reachable(window, field.widget, f"the inspector's {name}")
    assert_reachable(window, inspector.id_edit, "the inspector's id")
    assert_reachable(window, inspector.explanation, "the inspector's explanation")
    window.session.push(SetParam("conv1", "kernel_size", 40))
    _settle(qtbot)
    assert len(inspector.fix_buttons) == 3
    for button in inspector.fix_buttons:
        assert_reachable(window, button, button.text())
    _shot(window, tmp_path, "designer")


def test_the_training_tab_shows_every_control_without_scrolling(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    controller = window.training
    controller.dock.raise_()
    _settle(qtbot)
    view = controller.view
    assert view.tabs.currentWidget() is view.splitter  # the Run tab comes first
    panel = view.panel
    for widget, name in [
        (panel.start_button, "Start"),
        (panel.continue_button, "Continue"),
        (panel.pause_button, "Pause"),
        (panel.stop_button, "Stop"),
        (panel.progress, "the progress bar"),
        (panel.status, "the status line"),
        (view.plots.view, "the curves"),
        (view.plots.clear_button, "Clear runs"),
    ]:
        assert_reachable(window, widget, name)
    for widget in panel._form_widgets():
        if widget.isVisibleTo(panel):  # momentum and Nesterov show for SGD only
            assert_reachable(window, widget, widget.toolTip() or type(widget).__name__)
    assert view.plots.view.height() >= 180  # two stacked plots, each readable
    assert window.canvas.height() >= 0.4 * window.height()  # the tab is no taller
    _shot(window, tmp_path, "training")


def test_the_feature_maps_tab_shows_its_sample_bar_and_views(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    insight = window.insight
    assert insight.dock is not None
    insight.dock.raise_()
    _settle(qtbot)
    panel = insight.panel
    for widget, name in [
        (panel.index, "the sample number"),
        (panel.random_button, "Random"),
        (panel.open_button, "Open image"),
        (panel.tabs.tabBar(), "the feature-map tabs"),
        (panel.tabs.currentWidget(), "the feature maps"),
    ]:
        assert_reachable(window, widget, name)
    assert panel.tabs.currentWidget().height() >= 150
    _shot(window, tmp_path, "feature-maps")


def test_the_results_tab_fits_the_charts_and_the_mistakes(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    from cnnstudio.engine.trainer import RunFinished

    controller = window.training
    rng = np.random.default_rng(0)
    confusion = rng.integers(0, 9, (10, 10))
    np.fill_diagonal(confusion, rng.integers(150, 999, 10))
    controller.misclassified_images = rng.random((32, 8, 8, 1))
    controller.misclassified_labels = [(i % 10, (i + 3) % 10) for i in range(32)]
    accuracy = tuple(float(x) for x in np.diag(confusion) / confusion.sum(axis=1))
    event = RunFinished(
        "completed", 10, 9, 0.1, 0.95, 0.1, 0.95, 12.0, tuple("0123456789"), confusion, accuracy
    )
    controller.last_finished = event
    controller.dock.raise_()
    view = controller.view
    qtbot.mouseClick(view.tabs.tabBar(), LEFT, pos=view.tabs.tabBar().tabRect(1).center())
    view.results.show_result(event)
    _settle(qtbot)
    results = view.results
    assert view.tabs.currentWidget() is results
    assert_reachable(window, results.charts, "the confusion matrix and per-class accuracy")
    assert_reachable(window, results.mistakes_scroll, "the misclassified images")
    assert_reachable(window, results.mistakes_title, "the mistakes' title")
    assert results.charts.height() >= 220 and results.charts.width() >= 440
    # Every count fits its cell: the font follows the cell size, and is readable.
    (cell, cell_height), font = results.cell_size(), results.cell_font_pixels()
    assert cell_height >= 14 and font >= 8
    widths = [
        QFontMetricsF(text.textItem.font()).horizontalAdvance(text.toPlainText())
        for text in results.cell_texts
    ]
    assert all(text.isVisible() for text in results.cell_texts)
    assert max(widths) < cell, (max(widths), cell)
    # The thumbnails lie within the visible width (a vertical scroll bar is fine for 32).
    viewport = results.mistakes_scroll.viewport()
    assert results.mistakes.width() <= viewport.width()
    assert results.mistake_count() == 32
    _shot(window, tmp_path, "results")


def test_the_canvas_keeps_its_room_in_a_small_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 800x600 the canvas was once left 60 px; no dock drag can squeeze it below its minimum."""
    w = open_window(qtbot, tmp_path, monkeypatch, (800, 600))
    try:
        assert w.canvas.height() >= 0.4 * w.height()
        w.training.dock.raise_()
        assert_reachable(w, w.training.view.panel.start_button, "Start")
        # What a user dragging the bottom docks' edge to the top asks for.
        w.resizeDocks([w.training.dock], [2000], Qt.Orientation.Vertical)
        _settle(qtbot)
        assert w.canvas.height() >= CANVAS_MIN_HEIGHT
        assert w.canvas.width() >= CANVAS_MIN_WIDTH
        _shot(w, tmp_path, "small")
    finally:
        w.training.shutdown()
        w.close()


def test_a_layout_saved_by_an_older_version_gives_way_to_the_new_defaults(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Users of the cramped layout get the one that fits; a layout saved since is kept."""
    w = open_window(qtbot, tmp_path, monkeypatch, (1366, 768))
    w.resizeDocks([w.summary_dock], [130], Qt.Orientation.Vertical)  # the old first-run size
    _settle(qtbot)
    squeezed = w.summary_dock.height()
    geometry, states = w.saveGeometry(), {"old": w.saveState(0), "new": w.saveState(LAYOUT_VERSION)}
    w.training.shutdown()
    w.close()
    for which, state in states.items():
        store = QSettings(str(tmp_path / f"{which}.ini"), QSettings.Format.IniFormat)
        AppSettings(store).save_window(geometry, state)
        again = MainWindow(DesignSession(get_template(DEFAULT_TEMPLATE)), AppSettings(store))
        again.install_tools()
        qtbot.addWidget(again)
        again.show()
        qtbot.waitExposed(again)
        _settle(qtbot)
        try:
            if which == "old":
                assert again.summary_dock.height() > squeezed + 100
                again.training.dock.raise_()
                _settle(qtbot)
                assert_reachable(again, again.training.view.panel.start_button, "Start")
            else:
                assert abs(again.summary_dock.height() - squeezed) <= 2
        finally:
            again.session.history.mark_clean()
            again.persist_layout = False
            again.training.shutdown()
            again.close()
