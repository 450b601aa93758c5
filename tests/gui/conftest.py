"""Fixtures of the GUI tests: offscreen Qt, a `DesignSession` and a shown `CanvasView`."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from cnnstudio.core.design import Design
from cnnstudio.core.templates import get_template
from cnnstudio.gui.canvas import CanvasView
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.settings import AppSettings
from tests.gui.dialog_answers import dialogs  # noqa: F401  (the fixture answering Qt dialogs)
from tests.gui.real_window import app_window  # noqa: F401  (the window as the app shows it)


@pytest.fixture
def app_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of an app process a test starts: offscreen, and every settings and data
    folder (the recovery folder too) inside the test's own directory."""
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path / "home"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        CNNSTUDIO_RECOVERY_DIR=str(tmp_path / "recovery"),
    )
    return env


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path) -> Callable[..., MainWindow]:
    """Make a designer window on a template as the user has it: 1366x768, shown, active, the
    canvas focused (so key sequences reach it); settings in the test's own folder."""
    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))

    def make(template: str = "lenet5") -> MainWindow:
        window = MainWindow(DesignSession(get_template(template)), settings)
        window.persist_layout = False
        window._ask_save_changes = lambda: "discard"  # type: ignore[method-assign]
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        window.canvas.setFocus()
        return window

    return make


@pytest.fixture
def tools_window(qtbot: QtBot) -> Iterator[Callable[[Design], MainWindow]]:
    """Make a main window with every tool installed (Train menu, docks) on a design; the
    training thread is shut down after the test."""
    made: list[MainWindow] = []

    def make(design: Design) -> MainWindow:
        window = MainWindow(DesignSession(design))
        window.persist_layout = False
        window._ask_save_changes = lambda: "discard"  # type: ignore[method-assign]
        window.install_tools()
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.training.shutdown()


@pytest.fixture
def design_session(qtbot: QtBot) -> DesignSession:
    """A session on the LeNet-5 template (history empty, nothing selected)."""
    return DesignSession(get_template("lenet5"))


@pytest.fixture
def make_canvas(qtbot: QtBot) -> Callable[[DesignSession], CanvasView]:
    """Build a shown, exposed canvas for a session (1000 x 800, at 100 % zoom)."""

    def make(session: DesignSession) -> CanvasView:
        view = CanvasView(session)
        qtbot.addWidget(view)
        view.resize(1000, 800)
        view.show()
        qtbot.waitExposed(view)
        view.resetTransform()
        return view

    return make


@pytest.fixture
def canvas(
    design_session: DesignSession, make_canvas: Callable[[DesignSession], CanvasView]
) -> CanvasView:
    """A shown canvas on the LeNet-5 session."""
    return make_canvas(design_session)


@pytest.fixture(autouse=True)
def _destroy_leftovers_between_tests(qapp: object) -> Iterator[None]:
    """After each test, destroy what it left behind before the next one starts.

    Otherwise a window of one test can be garbage-collected in the middle of a later test's
    event loop, while events are still posted to it, and Qt aborts on a half-destroyed widget.
    """
    yield
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    for _ in range(2):
        gc.collect()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QApplication.processEvents()
    # What survived is long-lived (modules, torch); freezing it keeps the next collections from
    # rescanning it, which would otherwise double the suite's time.
    gc.freeze()
