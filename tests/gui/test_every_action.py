"""Every action of every menu of the real window, triggered the way Qt triggers it.

Qt hands a menu action's slot a ``checked`` argument and delivers shortcuts as key events to
the active window; a direct method call does neither. These tests go through
``QAction.trigger()`` and ``qtbot.keySequence`` on the window with all dialogs answered at the
Qt level (see `dialog_answers`), and fail on any exception or Qt warning (pyproject's
``qt_log_level_fail``).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.qtbot import QtBot

from cnnstudio.core.fileio import load_design
from cnnstudio.gui.main_window import MainWindow
from tests.gui.dialog_answers import DialogAnswers
from tests.gui.real_window import Fired, all_menu_actions, reset_to_small, wait_idle


def test_no_two_actions_share_a_shortcut(app_window: MainWindow) -> None:
    """An ambiguous shortcut does nothing at all in Qt ("Ambiguous shortcut overload")."""
    owners: dict[str, list[str]] = {}
    for action in app_window.findChildren(QAction):
        for seq in action.shortcuts():
            owners.setdefault(seq.toString(), []).append(action.text())
    shared = {seq: names for seq, names in owners.items() if len(names) > 1}
    assert shared == {}


def test_redo_keys_are_listed_once_whatever_the_platform_binds(qapp: object) -> None:
    """GNOME and KDE bind Redo to Ctrl+Shift+Z: listing it again made both keys dead."""
    from cnnstudio.gui.main_window import redo_shortcuts

    for platform in (["Ctrl+Shift+Z"], ["Ctrl+Y", "Ctrl+Shift+Z"], ["Ctrl+Y"], []):
        keys = [k.toString() for k in redo_shortcuts([QKeySequence(p) for p in platform])]
        assert sorted(set(keys)) == sorted(keys)
        assert {"Ctrl+Shift+Z", "Ctrl+Y"} <= set(keys)


def test_every_menu_action_triggers_cleanly(
    app_window: MainWindow, qtbot: QtBot, dialogs: DialogAnswers, tmp_path: Path
) -> None:
    window = app_window
    path = window.session.path
    assert path is not None
    actions = all_menu_actions(window)
    training = window.training
    qtbot.waitUntil(lambda: bool(training.devices), timeout=60_000)  # torch warmed up
    triggered: set[str] = set()

    def trigger(name: str) -> None:
        action = actions[name]
        assert action.isEnabled(), f"{name} is disabled"
        action.trigger()
        triggered.add(name)
        wait_idle(qtbot, window)

    # Training first: Start, Pause/Resume/Stop of a long run, Continue, Save Checkpoint.
    trigger("Train ▸ Start Training")
    assert len(training.history) == 1
    window.session.design.training["epochs"] = 50
    training.view.panel.epochs.setValue(50)
    batches: list[object] = []
    training.batch_progress.connect(batches.append)
    actions["Train ▸ Continue Training"].trigger()
    triggered.add("Train ▸ Continue Training")
    qtbot.waitUntil(lambda: bool(batches), timeout=60_000)
    pause = actions["Train ▸ Pause"]
    pause.trigger()
    triggered.add("Train ▸ Pause")
    qtbot.waitUntil(lambda: training.state == "paused", timeout=30_000)
    assert pause.text().replace("&", "") == "Resume"
    pause.trigger()
    qtbot.waitUntil(lambda: training.state == "running", timeout=30_000)
    actions["Train ▸ Stop"].trigger()
    triggered.add("Train ▸ Stop")
    wait_idle(qtbot, window)
    dialogs.save_paths.append(str(tmp_path / "weights.pt"))
    trigger("Train ▸ Save Checkpoint...")
    assert (tmp_path / "weights.pt").is_file()
    dialogs.open_paths.append(str(tmp_path / "weights.pt"))  # a checkpoint's model weights
    trigger("Train ▸ Load Weights...")
    qtbot.waitUntil(lambda: training.initial_weights_label == "weights.pt", timeout=30_000)
    trigger("Train ▸ Forget Loaded Weights")

    # Exports, each into its own folder (one that does not exist yet, too).
    for name in [n for n in actions if n.startswith("File ▸ ") and "(." in n]:
        target = tmp_path / "exports" / name.split("(")[1].rstrip(").").replace(".", "")
        dialogs.save_paths.append(str(target / "model_out"))
        trigger(name)
        assert "warning" not in dialogs.kinds(), [(a.title, a.text) for a in dialogs.asked]
        assert any(target.iterdir()), name

    skipped_here = {n for n in actions if n.startswith("Train ▸ ")} | {"File ▸ Quit"}
    for name, action in actions.items():
        if name in triggered or name in skipped_here or not action.isEnabled():
            continue
        reset_to_small(window, path)
        if name == "File ▸ Open…":
            dialogs.open_paths.append(str(path))
        if name == "File ▸ Save As…":
            dialogs.save_paths.append(str(tmp_path / "saved_as.cnn.json"))
        trigger(name)
        if name == "File ▸ Save As…":
            assert load_design(tmp_path / "saved_as.cnn.json").layers
    # The edit actions that need a selection or a history, in a user's order.
    reset_to_small(window, path)
    first = next(iter(window.session.design.layers))
    window.session.select([first])
    count = len(window.session.design.layers)
    trigger("Edit ▸ Copy")
    trigger("Edit ▸ Paste")
    assert len(window.session.design.layers) == count + 1
    window.session.select([first])
    trigger("Edit ▸ Cut")
    assert len(window.session.design.layers) == count
    trigger("Edit ▸ Undo")
    trigger("Edit ▸ Redo")
    assert len(window.session.design.layers) == count
    untouched = {n for n in actions if n not in triggered and n not in skipped_here}
    assert untouched == set(), "never enabled, so never triggered"
    assert "critical" not in dialogs.kinds()
    window.session.history.mark_clean()
    actions["File ▸ Quit"].trigger()
    assert not window.isVisible()


def test_every_shortcut_reaches_its_action_as_a_key_event(
    app_window: MainWindow, qtbot: QtBot, dialogs: DialogAnswers, tmp_path: Path
) -> None:
    """Each shortcut of each menu action, typed on the canvas, fires that action once."""
    window = app_window
    path = window.session.path
    assert path is not None
    actions = all_menu_actions(window)
    fired = Fired(actions)
    qtbot.waitUntil(lambda: bool(window.training.devices), timeout=60_000)
    with_keys = {n: a for n, a in actions.items() if a.shortcuts() and n != "File ▸ Quit"}
    assert "Edit ▸ Redo" in with_keys and "File ▸ Save As…" in with_keys
    typed: list[str] = []
    for name, action in with_keys.items():
        for seq in action.shortcuts():
            if seq[0].key().value >= Qt.Key.Key_Back.value:
                continue  # a media key (Qt.Key_Redo, Qt.Key_ZoomIn): QTest cannot type it
            reset_to_small(window, path)
            layers = list(window.session.design.layers)
            if name in ("Edit ▸ Undo", "Edit ▸ Redo"):
                window.session.select([layers[1]])
                window.delete_action.trigger()
                if name == "Edit ▸ Redo":
                    window.undo_action.trigger()
            if name in ("Edit ▸ Cut", "Edit ▸ Copy", "Edit ▸ Delete", "Edit ▸ Paste"):
                window.session.select([layers[1]])
                window.copy_action.trigger()
            if name == "File ▸ Save As…":
                dialogs.save_paths.append(str(tmp_path / f"typed{len(typed)}.cnn.json"))
            if name == "File ▸ Open…":
                dialogs.open_paths.append(str(path))
            if name == "Train ▸ Stop":
                continue  # enabled only during a run; covered by the training tests
            assert action.isEnabled(), name
            before = fired.counts[name]
            window.canvas.setFocus()
            qtbot.keySequence(window.canvas, seq)
            wait_idle(qtbot, window)
            assert fired.counts[name] == before + 1, f"{seq.toString()} did not reach {name}"
            typed.append(f"{seq.toString()} → {name}")
            if name == "File ▸ Save As…":
                assert (tmp_path / f"typed{len(typed) - 1}.cnn.json").is_file()
    redo = [t for t in typed if t.endswith("Redo")]
    assert len(redo) >= 2, typed  # Ctrl+Shift+Z and Ctrl+Y
    window.session.history.mark_clean()
    qtbot.keySequence(window.canvas, QKeySequence("Ctrl+Q"))
    assert not window.isVisible()
