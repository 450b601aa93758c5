"""A session on the app's own default settings and folders, whatever the home holds.

Every other GUI test hands the window a settings file of its own; this one goes through the
defaults a user's session uses (``QSettings("cnnstudio", "cnnstudio")``, the recovery folder,
the stored theme and window layout), which during the suite live in the suite's home
(tests/isolation.py). tests/test_suite_isolation.py runs it in a home seeded with a stale
autosave, a dark theme and an odd layout, and checks it never reaches the real user's folders.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from cnnstudio.core.recovery import RecoveryEntry, RecoveryStore
from cnnstudio.core.templates import get_template
from cnnstudio.gui.app import create_application
from cnnstudio.gui.autosave import Autosaver, default_recovery_folder, offer_recovery
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.settings import APPLICATION, ORGANIZATION, AppSettings
from cnnstudio.gui.theme import apply_theme


def test_a_session_on_the_default_settings_and_folders(
    qtbot: QtBot, tmp_path: Path, monkeypatch: object
) -> None:
    app = create_application()  # the stored theme, as at start-up
    assert isinstance(app, QApplication)
    # The app's own names, as `create_application` gives a new QApplication: they pick the
    # recovery folder (AppLocalDataLocation). The suite's QApplication was made by pytest-qt.
    names = (QApplication.organizationName(), QApplication.applicationName())
    QApplication.setOrganizationName(ORGANIZATION)
    QApplication.setApplicationName(APPLICATION)
    store = RecoveryStore(default_recovery_folder())
    store.acquire()
    window = MainWindow(DesignSession(get_template("lenet5")))  # the default settings
    qtbot.addWidget(window)
    autosaver = Autosaver(window.session, store)
    try:
        offered: list[RecoveryEntry] = []
        # Whatever a dead instance left is offered (and declined here), then gone for good.
        offer_recovery(store, window.session, lambda entry: offered.append(entry) or False)
        assert store.orphans() == []
        window.show()  # restores the stored geometry and dock layout
        qtbot.waitExposed(window)
        assert window.screen().availableGeometry().intersects(window.frameGeometry())
        assert window.canvas.isVisible()

        window.session.select(["conv1"])
        window.delete_action.trigger()
        assert "conv1" not in window.session.design.layers
        qtbot.waitUntil(store.recovery_path.exists, timeout=15_000)  # the autosave

        target = tmp_path / "mine.cnn.json"
        monkeypatch.setattr(  # type: ignore[attr-defined]
            QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
        )
        window.save_action.trigger()
        assert target.is_file()
        assert str(target.resolve()) in AppSettings().recent_files()
        window.close()
        assert AppSettings().window_state() is not None  # the layout, saved on close
    finally:
        autosaver.shutdown()
        apply_theme(app, "system")  # the next tests start from the default palette
        QApplication.setOrganizationName(names[0])
        QApplication.setApplicationName(names[1])
    assert not store.recovery_path.exists()  # a clean exit leaves no autosave behind
