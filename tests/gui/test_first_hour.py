"""A new user's first hour (issue 12), each step reached through the menus, keys and dialogs."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from cnnstudio.core.fileio import save_design
from cnnstudio.core.templates import adapt, get_template
from cnnstudio.gui.autosave import offer_recovery
from cnnstudio.gui.main_window import MainWindow
from tests.gui.dialog_answers import DialogAnswers
from tests.gui.real_window import all_menu_actions, wait_idle

WAIT_MS = 60_000


def _feature_maps(window: MainWindow, qtbot: QtBot) -> object:
    """Bring the Feature maps tab to the front, as a click on its tab does."""
    dock = next(d for d in window.findChildren(QDockWidget) if d.objectName() == "FeatureMapsDock")
    dock.show()
    dock.raise_()
    qtbot.waitUntil(lambda: window.insight.is_active(), timeout=5000)
    return window.insight


def _shows_maps_for(insight: object, shape: tuple[int, ...]) -> bool:
    current = insight.current  # type: ignore[attr-defined]
    return current is not None and tuple(current.sample.x.shape) == shape


def test_feature_maps_follow_a_design_opened_with_another_input_size(
    app_window: MainWindow, qtbot: QtBot, dialogs: DialogAnswers, tmp_path: Path
) -> None:
    window = app_window
    insight = _feature_maps(window, qtbot)
    window.session.select(["conv1"])
    qtbot.waitUntil(lambda: _shows_maps_for(insight, (1, 16, 16)), timeout=WAIT_MS)
    other = tmp_path / "bigger.cnn.json"
    save_design(adapt(get_template("lenet5"), (1, 28, 28)), other)
    dialogs.open_paths.append(str(other))
    all_menu_actions(window)["File ▸ Open…"].trigger()
    assert window.session.path == other
    window.session.select(["conv1"])
    qtbot.waitUntil(lambda: _shows_maps_for(insight, (1, 28, 28)), timeout=WAIT_MS)
    text = insight.panel.feature_maps.empty.text()  # type: ignore[attr-defined]
    assert "Cannot" not in text


def test_feature_maps_follow_a_design_restored_after_a_crash(
    app_window: MainWindow, qtbot: QtBot, dialogs: DialogAnswers
) -> None:
    window = app_window
    insight = _feature_maps(window, qtbot)
    qtbot.waitUntil(lambda: _shows_maps_for(insight, (1, 16, 16)), timeout=WAIT_MS)
    restored = adapt(get_template("lenet5"), (3, 20, 20))
    entry = SimpleNamespace(load=lambda: restored, source=None, name="crashed", saved_at=0)
    store = SimpleNamespace(orphans=lambda: [entry], discard=lambda _entry: None)
    assert offer_recovery(store, window.session, lambda _entry: True)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: _shows_maps_for(insight, (3, 20, 20)), timeout=WAIT_MS)


def test_epoch_shown_after_continue_counts_from_the_first_run(
    app_window: MainWindow, qtbot: QtBot
) -> None:
    """Stopped at 2 and continued to 3: the tabs say "after epoch 3", not "after epoch 1"."""
    window = app_window
    insight = _feature_maps(window, qtbot)
    panel = window.training.view.panel
    actions = all_menu_actions(window)
    panel.epochs.setValue(2)
    actions["Train ▸ Start Training"].trigger()
    wait_idle(qtbot, window)
    assert len(window.training.history) == 2
    panel.epochs.setValue(3)
    actions["Train ▸ Continue Training"].trigger()
    wait_idle(qtbot, window)
    assert len(window.training.history) == 3
    _feature_maps(window, qtbot)  # Train showed the Training tab: back to Feature maps
    qtbot.waitUntil(lambda: "after epoch" in insight.panel.weights_label.text(), timeout=WAIT_MS)
    assert insight.panel.weights_label.text() == "trained weights after epoch 3"
    assert insight.panel.stats.caption.text().endswith("after epoch 3.")


def test_readme_names_the_recovery_folder_the_app_uses(
    qapp: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from PySide6.QtCore import QCoreApplication

    from cnnstudio.gui.autosave import default_recovery_folder
    from cnnstudio.gui.settings import APPLICATION, ORGANIZATION

    monkeypatch.delenv("CNNSTUDIO_RECOVERY_DIR", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    names = QCoreApplication.organizationName(), QCoreApplication.applicationName()
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    from PySide6.QtCore import QStandardPaths

    # The suite runs in Qt's test mode (its own home); the README names the user's real folder.
    QStandardPaths.setTestModeEnabled(False)
    try:
        folder = default_recovery_folder()
    finally:
        QStandardPaths.setTestModeEnabled(True)
        QCoreApplication.setOrganizationName(names[0])
        QCoreApplication.setApplicationName(names[1])
    shown = "~/" + folder.relative_to(tmp_path).as_posix() + "/"
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"`{shown}`" in readme


def test_totals_with_errors_show_the_known_part_and_count_the_unknown(
    app_window: MainWindow, qtbot: QtBot
) -> None:
    from cnnstudio.core.commands import SetParam

    window = app_window
    window.session.push(SetParam("conv2", "kernel_size", 40))  # what the inspector pushes
    qtbot.wait(10)
    assert window.totals_label.text().startswith("156 params known, 4 blocks unknown")
    assert "4 of 13 blocks unknown" in window.summary.totals.text()
    all_menu_actions(window)["Edit ▸ Undo"].trigger()
    assert "unknown" not in window.totals_label.text()


def test_hints_name_the_template_menu_as_it_is(app_window: MainWindow) -> None:
    from cnnstudio.gui.canvas.view import EMPTY_HINT
    from cnnstudio.gui.inspector import InspectorPanel

    menu = next(
        a.text().replace("&", "") for a in app_window.file_menu.actions() if a.menu() is not None
    )
    assert menu == "New from Template"
    import cnnstudio.gui.inspector as inspector_module

    hints = [EMPTY_HINT] + [
        v for v in vars(inspector_module).values() if isinstance(v, str) and "template" in v
    ]
    assert InspectorPanel and all("File ▸ New from Template" in h for h in hints), hints


def test_progress_after_stop_and_the_best_criterion_is_named(
    app_window: MainWindow, qtbot: QtBot
) -> None:
    window = app_window
    panel = window.training.view.panel
    actions = all_menu_actions(window)
    panel.epochs.setValue(50)
    batches: list[object] = []
    window.training.epoch_ended.connect(batches.append)
    actions["Train ▸ Start Training"].trigger()
    qtbot.waitUntil(lambda: bool(batches), timeout=WAIT_MS)
    actions["Train ▸ Stop"].trigger()
    wait_idle(qtbot, window)
    done = len(window.training.history)
    assert done < 50
    assert panel.progress.maximum() == 50 and panel.progress.value() == done
    # The criterion that kept the weights is named, with its own number (Keep best by).
    assert "best val loss" in panel.status.text() and "kept by loss" in panel.status.text()
