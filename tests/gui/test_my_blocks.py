"""My blocks, driven as a user drives them: Ctrl+G a selection, Network ▸ Save Group as Block…
(or the group's context menu) with the name typed into the dialog, then the palette entry
double-clicked or dragged onto the canvas; one Ctrl+Z takes the whole block out again. Rename
and Delete go through the entry's context menu; a damaged library file is kept aside.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from cnnstudio.core.block_library import SUFFIX
from cnnstudio.core.fileio import dumps_design
from cnnstudio.gui.main_window import MainWindow
from tests.gui.dialog_answers import DialogAnswers
from tests.gui.real_window import menu_actions

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def blocks_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "blocks"
    monkeypatch.setenv("CNNSTUDIO_BLOCKS_DIR", str(folder))
    return folder


@pytest.fixture
def make_window(make_window, blocks_dir: Path):
    """The shared window factory (tests/gui/conftest.py), with the test's own block folder."""
    return make_window


def _network_action(window: MainWindow, text: str):
    return next(a for a in menu_actions(window.network_menu) if a.text().replace("&", "") == text)


def _choose_from_next_menu(qtbot: QtBot, text: str) -> list[str]:
    """When the next context menu pops up, click its entry ``text``; returns what it offered."""
    offered: list[str] = []

    def pick() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, pick)
            return
        offered.extend(a.text() for a in menu.actions() if not a.isSeparator())
        action = next(a for a in menu.actions() if a.text() == text)
        menu.setActiveAction(action)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    QTimer.singleShot(0, pick)
    return offered


def _group_and_save(window: MainWindow, qtbot: QtBot, dialogs: DialogAnswers, name: str) -> None:
    window.session.select(["conv1", "relu1"])
    qtbot.keyClick(window.canvas, Qt.Key.Key_G, CTRL)
    assert window.session.design["conv1"].group == "group1"
    dialogs.texts.append(name)
    _network_action(window, "Save Group as Block…").trigger()
    assert dialogs.last("text").title == "Save Group as Block"


def test_a_saved_group_is_added_from_the_palette_as_one_undo_step(
    make_window, qtbot: QtBot, dialogs: DialogAnswers, blocks_dir: Path
) -> None:
    window = make_window()
    session = window.session
    _group_and_save(window, qtbot, dialogs, "Conv block")
    palette = window.palette_panel
    assert palette.composite_names() == ["Conv block"]
    assert [p.name for p in blocks_dir.iterdir()] == ["Conv_block" + SUFFIX]

    # Double-click the entry with relu1 selected: the block goes after relu1, as a new group.
    before = dumps_design(session.design)
    size = len(session.design)
    session.select(["relu1"])
    tree = palette.tree
    item = palette.composite("Conv block")
    tree.scrollToItem(item)
    point = tree.visualItemRect(item).center()
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=point)
    design = session.design
    assert len(design) == size + 2
    new = [lay for lay in design if lay.group == "Conv_block"]
    assert [lay.type for lay in new] == ["Conv", "ReLU"]
    conv, relu = new
    assert conv.inputs == ["relu1"] and relu.inputs == [conv.id]
    assert design["pool1"].inputs == [relu.id]
    # Shapes and params follow the new input: 6 channels in, where the original had 1.
    info = session.analysis.layers[conv.id]
    assert info.output_shape == (6, 24, 24)
    assert info.params == 6 * 6 * 5 * 5 + 6
    assert session.analysis.layers["conv1"].params == 1 * 6 * 5 * 5 + 6
    assert session.analysis.valid
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, CTRL)
    assert dumps_design(session.design) == before

    # Dragged onto empty canvas it lands where dropped, as one undo step too.
    mime = tree.mimeData([item])
    target = window.canvas.mapFromScene(QPointF(900, 900))
    drop = QDropEvent(
        QPointF(target),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.canvas.dropEvent(drop)
    assert drop.isAccepted()
    assert len(session.design) == size + 2
    window.undo_action.trigger()
    assert dumps_design(session.design) == before

    # Dropped on the connection pool1 -> conv2 it goes into it (the rest makes room below).
    view = window.canvas
    edge = next(e for e in view.graph.edges() if e.key[:2] == ("pool1", "conv2"))
    below = view.graph.blocks["conv2"].pos().y()
    target = view.mapFromScene(edge.shape().boundingRect().center())
    drop = QDropEvent(
        QPointF(target),
        Qt.DropAction.CopyAction,
        mime,  # (kept referenced: the event does not own it)
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(drop)
    relu = next(lay for lay in session.design if lay.group == "Conv_block" and lay.type == "ReLU")
    assert session.design["conv2"].inputs == [relu.id]
    assert view.graph.blocks["conv2"].pos().y() > below
    window.undo_action.trigger()
    assert dumps_design(session.design) == before


@pytest.mark.qt_log_ignore("does not support grabbing")  # a popup menu, offscreen
def test_the_group_context_menu_saves_and_a_two_input_group_is_refused(
    make_window, qtbot: QtBot, dialogs: DialogAnswers
) -> None:
    window = make_window("resnet18")
    view = window.canvas
    view.fit_all()
    item = view.graph.group_items["layer1"]
    point = view.mapFromScene(item.mapToScene(40, 30))
    dialogs.texts.append("Stage 64")
    offered = _choose_from_next_menu(qtbot, "Save Group as Block…")
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point)
    )
    QApplication.sendEvent(view.viewport(), event)
    assert "Save Group as Block…" in offered
    assert window.my_blocks.library.names() == ["Stage 64"]
    block = window.my_blocks.library.find("Stage 64").block
    assert len(block.inner()) == len(view.graph.groups()["layer1"])
    assert {lay.group for lay in block.inner()} == {"0", "1"}  # its own sub-groups

    # Two blocks of different groups fed from two places: refused in one line, nothing saved.
    window.group_actions["unfold"].trigger()
    window.activateWindow()  # back from the menu (offscreen Qt does not do it itself)
    qtbot.waitUntil(window.isActiveWindow)
    view.setFocus()
    window.session.select(["layer1_0_conv1", "layer2_0_conv1"])
    qtbot.keyClick(view, Qt.Key.Key_G, CTRL)
    dialogs.texts.append("Two inputs")
    _network_action(window, "Save Group as Block…").trigger()
    warning = dialogs.last("warning").text
    assert "2 inputs" in warning and "\n" not in warning
    assert window.my_blocks.library.names() == ["Stage 64"]


@pytest.mark.qt_log_ignore("does not support grabbing")
def test_rename_and_delete_from_the_palette_entry_menu(
    make_window, qtbot: QtBot, dialogs: DialogAnswers, blocks_dir: Path
) -> None:
    window = make_window()
    _group_and_save(window, qtbot, dialogs, "Conv block")
    palette = window.palette_panel
    tree = palette.tree

    def context_menu(name: str, choice: str) -> None:
        item = palette.composite(name)
        tree.scrollToItem(item)
        point = tree.visualItemRect(item).center()
        _choose_from_next_menu(qtbot, choice)
        event = QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, point, tree.viewport().mapToGlobal(point)
        )
        QApplication.sendEvent(tree.viewport(), event)

    dialogs.texts.append("Stem")
    context_menu("Conv block", "Rename…")
    assert palette.composite_names() == ["Stem"]
    assert [p.name for p in blocks_dir.iterdir()] == ["Stem" + SUFFIX]
    context_menu("Stem", "Delete…")  # the question's default is No: nothing goes
    assert dialogs.last("question").title == "Delete Block"
    assert palette.composite_names() == ["Stem"]
    dialogs.buttons.append(QMessageBox.StandardButton.Yes)
    context_menu("Stem", "Delete…")
    assert palette.composite_names() == []
    assert list(blocks_dir.iterdir()) == []


def test_a_damaged_library_file_is_kept_aside_with_one_line(make_window, blocks_dir: Path) -> None:
    blocks_dir.mkdir()
    bad = blocks_dir / ("broken" + SUFFIX)
    bad.write_text('{"format": "cnnstudio-block", "version": 1, "name": ', encoding="utf-8")
    window = make_window()
    problems = window.my_blocks.library.problems
    assert len(problems) == 1 and "broken" in problems[0] and "\n" not in problems[0]
    assert window.statusBar().currentMessage() == problems[0]
    assert not bad.exists()
    kept = blocks_dir / ("broken" + SUFFIX + ".bad")
    assert kept.read_text(encoding="utf-8").startswith('{"format"')
    assert window.palette_panel.composite_names() == []
