"""Test-wide settings: the suite's own home, offscreen Qt, hypothesis profiles.

The home (see `tests/isolation.py`) is set here, when pytest loads this file: before any test
module or the GUI conftest imports the app. ``HYPOTHESIS_PROFILE=deep`` runs more examples.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.isolation import isolate, remove_created_home

isolate()

from hypothesis import HealthCheck, settings  # noqa: E402  (after the home is in place)

settings.register_profile(
    "default", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deep", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def lenet_file(tmp_path: Path) -> Path:
    """The LeNet-5 template saved as ``lenet.cnn.json`` in the test's own folder."""
    from cnnstudio.core.fileio import save_design
    from cnnstudio.core.templates import get_template

    path = tmp_path / "lenet.cnn.json"
    save_design(get_template("lenet5"), path, backup=False)
    return path


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    """Delete every leftover widget while the QApplication still exists.

    Widgets (pyqtgraph plots above all) that survive into interpreter shutdown are destroyed
    after the QApplication, in arbitrary order, which crashes the process after a green run.
    """
    import gc
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    from cnnstudio.gui.app import release_clipboard

    release_clipboard()  # see its docstring: a PySide6 exit crash otherwise
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    for _ in range(3):
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
        gc.collect()


def pytest_configure(config: pytest.Config) -> None:
    """Drop Qt's known offscreen noise (cnnstudio/gui/qt_messages.py), never a real warning.

    Outside tests through the filter itself; inside a test pytest-qt's handler captures every
    message, so the same messages go to its ``qt_log_ignore`` and never count as failures.
    """
    if not config.pluginmanager.hasplugin("pytest-qt"):
        return  # no GUI test can run (the core's tests run without Qt and pytest-qt)
    try:
        from cnnstudio.gui.qt_messages import install_filter, pytest_ignore_patterns
    except ImportError:  # pytest-qt without Qt: the GUI tests report it themselves
        return
    install_filter()
    for pattern in pytest_ignore_patterns():
        config.addinivalue_line("qt_log_ignore", pattern)


def pytest_unconfigure(config: object) -> None:
    """Remove the suite's temporary home (after every test, and the widgets above, are done)."""
    remove_created_home()
