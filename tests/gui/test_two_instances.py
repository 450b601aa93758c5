"""Issue 13 item 2: two windows on one file never overwrite each other's saved edits silently.

Two `MainWindow`s open the same design file, as two running instances would. One saves; the
other notices (the bar over its canvas) and, when it saves, is asked what to do in a real
dialog that the test answers by clicking its buttons. Saves are triggered through the File ▸
Save action, the bar through its buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from cnnstudio.core.commands import SetParam
from cnnstudio.core.fileio import load_design, save_design
from cnnstudio.core.templates import get_template
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.settings import AppSettings


@pytest.fixture
def design_file(tmp_path: Path) -> Path:
    path = tmp_path / "shared.cnn.json"
    save_design(get_template("lenet5"), path, backup=False)
    return path


@pytest.fixture
def open_window(qtbot: QtBot, tmp_path: Path) -> Callable[[Path], MainWindow]:
    def make(path: Path) -> MainWindow:
        ini = tmp_path / f"settings-{len(list(tmp_path.glob('settings-*')))}.ini"
        settings = AppSettings(QSettings(str(ini), QSettings.Format.IniFormat))
        window = MainWindow(DesignSession(), settings)
        window.persist_layout = False
        window._ask_save_changes = lambda: "discard"
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.open_file(path)
        return window

    return make


def _answer_dialog(qtbot: QtBot, button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the external-change dialog as soon as it is shown."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.objectName() != "external_change_dialog":
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        for button in box.buttons():
            if button.text() == button_text:
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
                return
        raise AssertionError(f"no {button_text!r} button in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, answer)


def _out_channels(path: Path) -> object:
    return load_design(path)["conv1"].params.get("out_channels")


def test_the_second_writer_is_asked_and_save_as_keeps_both(
    qtbot: QtBot, design_file: Path, open_window: Callable[[Path], MainWindow], tmp_path: Path
) -> None:
    first, second = open_window(design_file), open_window(design_file)
    first.session.push(SetParam("conv1", "out_channels", 11))
    second.session.push(SetParam("conv1", "out_channels", 22))

    first.save_action.trigger()
    assert _out_channels(design_file) == 11
    # The other window notices without being asked; the saving one never warns about itself.
    qtbot.waitUntil(second.file_guard.bar.isVisible, timeout=5000)
    assert "shared.cnn.json" in second.file_guard.bar.label.text()
    qtbot.wait(2 * 150 + 100)
    assert not first.file_guard.bar.isVisible()

    elsewhere = tmp_path / "mine.cnn.json"
    second._ask_save_path = lambda: str(elsewhere)
    seen: list[str] = []
    _answer_dialog(qtbot, "Save As…", seen)
    second.save_action.trigger()
    assert seen and "changed on disk by another program" in seen[0]
    assert _out_channels(design_file) == 11  # the first writer's edit is still there
    assert _out_channels(elsewhere) == 22
    assert second.session.path == elsewhere and not second.session.is_modified


def test_cancel_writes_nothing_and_overwrite_is_an_explicit_choice(
    qtbot: QtBot, design_file: Path, open_window: Callable[[Path], MainWindow]
) -> None:
    first, second = open_window(design_file), open_window(design_file)
    first.session.push(SetParam("conv1", "out_channels", 11))
    first.save_action.trigger()
    second.session.push(SetParam("conv1", "out_channels", 22))

    seen: list[str] = []
    _answer_dialog(qtbot, "Cancel", seen)
    second.save_action.trigger()
    assert len(seen) == 1 and _out_channels(design_file) == 11
    assert second.session.is_modified  # still unsaved: nothing was lost on either side

    _answer_dialog(qtbot, "Overwrite", seen)
    second.save_action.trigger()
    assert len(seen) == 2 and _out_channels(design_file) == 22
    assert _out_channels(design_file.with_name("shared.cnn.json.bak")) == 11

    # Now the first window is the one behind: its next save asks in turn.
    first.session.push(SetParam("conv1", "out_channels", 33))
    _answer_dialog(qtbot, "Cancel", seen)
    first.save_action.trigger()
    assert len(seen) == 3 and _out_channels(design_file) == 22


def test_reload_from_the_bar_takes_the_other_writers_version(
    qtbot: QtBot, design_file: Path, open_window: Callable[[Path], MainWindow]
) -> None:
    first, second = open_window(design_file), open_window(design_file)
    first.session.push(SetParam("conv1", "out_channels", 11))
    first.save_action.trigger()
    bar = second.file_guard.bar
    qtbot.waitUntil(bar.isVisible, timeout=5000)
    qtbot.mouseClick(bar.reload_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    assert second.session.design["conv1"].params["out_channels"] == 11
    assert not second.session.is_modified
    # Reloaded: its next save is an ordinary one, no question asked.
    second.session.push(SetParam("conv1", "out_channels", 44))
    second.save_action.trigger()
    assert _out_channels(design_file) == 44
    qtbot.waitUntil(first.file_guard.bar.isVisible, timeout=5000)


def test_own_saves_and_identical_content_never_warn(
    qtbot: QtBot, design_file: Path, open_window: Callable[[Path], MainWindow]
) -> None:
    window = open_window(design_file)
    asked: list[object] = []
    window.file_guard.ask = lambda error: asked.append(error) or "cancel"  # type: ignore[method-assign]
    for n in (5, 6, 7):
        window.session.push(SetParam("conv1", "out_channels", n))
        window.save_action.trigger()
        assert _out_channels(design_file) == n
    qtbot.wait(400)
    assert asked == [] and not window.file_guard.bar.isVisible()
    # Another program rewrites the same bytes (a touch, an identical save): not a change.
    design_file.write_bytes(design_file.read_bytes())
    qtbot.wait(400)
    assert not window.file_guard.bar.isVisible()
    # ...but different bytes are, even when the watcher was not quick enough to see them.
    text = design_file.read_text(encoding="utf-8").replace('"LeNet-5"', '"Edited elsewhere"')
    design_file.write_text(text, encoding="utf-8")
    assert window.file_guard.check()
    assert window.session.changed_on_disk() is not None


def test_dismiss_hides_the_bar_but_the_next_save_still_asks(
    qtbot: QtBot, design_file: Path, open_window: Callable[[Path], MainWindow]
) -> None:
    first, second = open_window(design_file), open_window(design_file)
    first.session.push(SetParam("conv1", "out_channels", 11))
    first.save_action.trigger()
    bar = second.file_guard.bar
    qtbot.waitUntil(bar.isVisible, timeout=5000)
    qtbot.mouseClick(bar.dismiss_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()
    (design_file.parent / "unrelated.txt").write_text("x", encoding="utf-8")  # folder event
    qtbot.wait(400)
    assert not bar.isVisible()  # the same version is not announced twice
    second.session.push(SetParam("conv1", "out_channels", 22))
    seen: list[str] = []
    _answer_dialog(qtbot, "Cancel", seen)
    second.save_action.trigger()
    assert len(seen) == 1 and _out_channels(design_file) == 11
