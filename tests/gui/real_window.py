"""The real main window for tests that drive it as a user does (menus, keys, dialogs).

`app_window` is the window `cnnstudio gui` shows, with training, insight and export installed,
on a small saved LeNet-5 (1x16x16, one epoch) so training and feature maps stay quick;
`all_menu_actions` lists every leaf action of every menu by its path ("File ▸ Save As…").
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from cnnstudio.core.design import Design
from cnnstudio.core.fileio import load_design, save_design
from cnnstudio.core.templates import adapt, get_template
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.settings import AppSettings
from cnnstudio.gui.training import install as training_install

SMALL_SHAPE = (1, 16, 16)


def small_design() -> Design:
    design = adapt(get_template("lenet5"), SMALL_SHAPE)
    design.name = "Small LeNet"
    design.training = {"epochs": 1, "batch_size": 128}
    return design


@pytest.fixture
def app_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    """The real window with every tool installed, shown and active, on a saved small design."""
    monkeypatch.setattr(training_install, "WARM_UP_DELAY_MS", 10)
    path = tmp_path / "small.cnn.json"
    save_design(small_design(), path)
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings = AppSettings(store)
    settings.add_recent_file(path)
    session = DesignSession(load_design(path))
    session.path = path
    window = MainWindow(session, settings)
    window.persist_layout = False
    window.install_tools()
    # Not qtbot.addWidget: pytest-qt would close it before this fixture's teardown, while a
    # modified design would open a real "Save changes?" box.
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    yield window
    # Closing after the test never asks about unsaved changes (the dialogs fixture may be gone).
    window._ask_save_changes = lambda: "discard"  # type: ignore[method-assign]
    window.close()
    window.deleteLater()


def menu_actions(menu: QMenu) -> list[QAction]:
    """Every leaf action of ``menu`` and its submenus, after their aboutToShow ran."""
    menu.aboutToShow.emit()  # Open Recent fills itself here, as when the user opens it
    found: list[QAction] = []
    for action in menu.actions():
        if action.isSeparator():
            continue
        if action.menu() is not None:
            found.extend(menu_actions(action.menu()))
        else:
            found.append(action)
    return found


def all_menu_actions(window: MainWindow) -> dict[str, QAction]:
    found: dict[str, QAction] = {}
    for top in window.menuBar().actions():
        if top.menu() is None:
            continue
        title = top.text().replace("&", "")
        for action in menu_actions(top.menu()):
            # Undo/Redo carry the command's name ("Undo Add conv1"): key them by the verb.
            text = action.text().replace("&", "")
            if text.startswith(("Undo", "Redo")):
                text = text[:4]
            found[f"{title} ▸ {text}"] = action
    return found


class Fired:
    """Counts each action's ``triggered`` so a test knows what a key event reached."""

    def __init__(self, actions: dict[str, QAction]) -> None:
        self.counts = dict.fromkeys(actions, 0)
        for name, action in actions.items():
            action.triggered.connect(lambda _=False, n=name: self._hit(n))

    def _hit(self, name: str) -> None:
        self.counts[name] += 1


def reset_to_small(window: MainWindow, path: Path) -> None:
    """Back to the small saved design between actions (templates and New replace it)."""
    if window.session.path != path or window.session.is_modified:
        window.session.history.mark_clean()
        window.open_file(path, confirm=False)


def wait_idle(qtbot: QtBot, window: MainWindow) -> None:
    training = window.training
    qtbot.waitUntil(lambda: training.state == "idle", timeout=60_000)
    assert window.export_menu.background.wait_idle(60)
    qtbot.wait(20)
