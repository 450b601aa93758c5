"""Groups on the canvas, driven as a user drives them: folded blocks, unfolding, Ctrl+G, copy.

A big grouped design opens folded at the top level; a folded block shows the group's shorthand,
shapes, totals and the errors inside; double-click or the chevron unfolds it in place; Ctrl+G
and Ctrl+Shift+G group and ungroup the selection, each one undo step (Ctrl+Z).
"""

from __future__ import annotations

import itertools
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from cnnstudio.core.commands import SetParam
from cnnstudio.core.fileio import dumps_design
from cnnstudio.gui.canvas.items import GroupItem, _overview_text
from cnnstudio.gui.canvas.view import FIT_MIN_ZOOM, CanvasView


def _point(view: CanvasView, item: GroupItem, x: float = 40, y: float = 30) -> QPoint:
    return view.mapFromScene(item.mapToScene(x, y))


def test_a_big_grouped_design_opens_folded_with_the_lecture_names(make_window) -> None:
    window = make_window("resnet50")
    graph = window.canvas.graph
    assert set(graph.group_items) == {"stem", "layer1", "layer2", "layer3", "layer4"}
    assert set(graph.blocks) == {"input", "avgpool", "fc"}
    layer1 = graph.group_items["layer1"]
    assert layer1.state.header == "Bottleneck 256 x3"
    assert layer1.state.shape == "64x56x56 → 256x56x56"
    assert layer1.state.params == "216 k p"
    assert layer1.state.severity is None
    # The folded view is connected: input -> stem -> layer1 -> ... -> layer4 -> avgpool -> fc.
    keys = {(e.source.layer_id, e.target.layer_id) for e in graph.edges()}
    assert ("group:layer1", "group:layer2") in keys and ("group:layer4", "avgpool") in keys
    assert len(keys) == 7


def test_double_click_unfolds_a_group_in_place_and_the_menu_folds_it_back(
    make_window, qtbot: QtBot
) -> None:
    window = make_window("resnet50")
    view = window.canvas
    view.fit_all()
    item = view.graph.group_items["layer2"]
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_point(view, item))
    graph = view.graph
    assert "layer2" not in graph.group_items
    assert {"layer2.0", "layer2.1", "layer2.2", "layer2.3"} <= set(graph.group_items)
    assert graph.group_items["layer2.0"].state.header == "Bottleneck 512"
    # The chevron unfolds too, down to the layers.
    block = graph.group_items["layer2.1"]
    chevron = block.chevron_rect().center()
    qtbot.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=_point(view, block, chevron.x(), chevron.y()),
    )
    assert "layer2_1_conv2" in graph.blocks
    window.group_actions["fold"].trigger()
    assert set(graph.group_items) == {"stem", "layer1", "layer2", "layer3", "layer4"}
    window.group_actions["unfold"].trigger()
    assert not graph.group_items and len(graph.blocks) == len(window.session.design)


def test_a_folded_group_shows_the_errors_inside_and_follows_edits(make_window) -> None:
    window = make_window("resnet50")
    graph = window.canvas.graph
    window.session.push(SetParam("layer3_2_conv2", "kernel_size", 40))
    layer3 = graph.group_items["layer3"]
    assert layer3.state.severity == "error"
    assert "layer3_2_conv2" in layer3.state.message
    assert layer3.state.params == "? p"
    assert graph.group_items["layer1"].state.severity is None
    window.undo_action.trigger()
    assert graph.group_items["layer3"].state.severity is None


def test_ctrl_g_groups_the_selection_and_ctrl_z_undoes_it(make_window, qtbot: QtBot) -> None:
    window = make_window("lenet5")
    session = window.session
    before = dumps_design(session.design)
    session.select(["conv1", "relu1", "pool1"])
    qtbot.keyClick(window.canvas, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert [session.design[i].group for i in ("conv1", "relu1", "pool1")] == ["group1"] * 3
    assert session.design["conv2"].group is None
    assert session.history.undo_label == "Group 3 blocks as group1"
    window.group_actions["fold"].trigger()
    assert "group1" in window.canvas.graph.group_items
    # Ungroup the selected folded group with Ctrl+Shift+G, then undo both steps.
    qtbot.keyClick(
        window.canvas,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert all(layer.group is None for layer in session.design)
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.design["conv1"].group == "group1"
    qtbot.keyClick(window.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert dumps_design(session.design) == before


def test_a_folded_group_is_copied_and_pasted_as_a_new_group(make_window, qtbot: QtBot) -> None:
    window = make_window("resnet50")
    view = window.canvas
    view.fit_all()
    item = view.graph.group_items["layer4"]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_point(view, item))
    assert len(window.session.selection) == len(view.graph.groups()["layer4"])
    size = len(window.session.design)
    window.copy_action.trigger()
    window.paste_action.trigger()
    groups = view.graph.groups()
    assert len(window.session.design) == size + len(groups["layer4"])
    assert len(groups["layer4_copy1"]) == len(groups["layer4"])
    window.undo_action.trigger()
    assert len(window.session.design) == size


def test_fit_keeps_blocks_readable_on_resnet18_unfolded(make_window) -> None:
    window = make_window("resnet18")
    window.group_actions["unfold"].trigger()
    window.fit_action.trigger()
    assert window.canvas.zoom() >= FIT_MIN_ZOOM
    window.auto_layout_action.trigger()
    assert window.canvas.zoom() >= FIT_MIN_ZOOM


@pytest.mark.parametrize("header", ["BatchNorm", "Conv 128@3x3 s1 p1", "GlobalAvgPool"])
def test_zoomed_out_headers_are_not_cut_where_they_fit(qtbot: QtBot, header: str) -> None:
    text, font = _overview_text(header)
    assert "…" not in text
    assert font.pointSizeF() >= 12


def test_a_residual_shortcut_runs_beside_the_blocks_it_skips(make_window) -> None:
    window = make_window("resnet18")
    window.group_actions["unfold"].trigger()
    window.auto_layout_action.trigger()
    graph = window.canvas.graph
    edge = next(e for e in graph.edges() if e.key == ("maxpool", "layer1_0_add", 1))
    skipped = graph.blocks["layer1_0_conv1"].sceneBoundingRect()
    assert edge.boundingRect().right() > skipped.right() + 10
    assert not edge.shape().intersects(skipped.adjusted(10, 10, -10, -10))


def test_the_summary_table_folds_as_the_canvas_does(make_window, qtbot: QtBot) -> None:
    window = make_window("resnet50")
    model = window.summary.model
    keys = [model.layer_id(r) for r in range(model.rowCount())]
    assert keys == [
        "input",
        "group:stem",
        "group:layer1",
        "group:layer2",
        "group:layer3",
        "group:layer4",
        "avgpool",
        "fc",
    ]
    row = model.row_of("layer3_2_conv2")
    assert model.cell(row, 1) == "Bottleneck 1024 x6" and model.cell(row, 2) == "1024x14x14"
    window.session.push(SetParam("layer3_2_conv2", "kernel_size", 40))
    assert "layer3_2_conv2" in model.cell(row, len(model._rows[0][0]) - 1)
    # Clicking the folded row selects the group's layers, and the canvas shows it selected.
    window.summary.select_row(row)
    assert len(window.session.selection) == len(window.canvas.graph.groups()["layer3"])
    assert window.canvas.graph.group_items["layer3"].isSelected()
    window.group_actions["unfold"].trigger()
    assert model.rowCount() == len(window.session.design)


def test_auto_layout_puts_inception_branches_side_by_side(make_window) -> None:
    window = make_window("googlenet")
    window.group_actions["unfold"].trigger()
    window.auto_layout_action.trigger()
    blocks = window.canvas.graph.blocks
    heads = [
        "inception3a_branch1_conv",
        "inception3a_branch2_0_conv",
        "inception3a_branch3_0_conv",
        "inception3a_branch4_0",
    ]
    rects = [blocks[lid].sceneBoundingRect() for lid in heads]
    assert len({round(r.top()) for r in rects}) == 1  # one row, beside each other
    assert all(a.right() < b.left() for a, b in itertools.pairwise(rects))  # no overlap, in order
    concat = blocks["cat"].sceneBoundingRect()
    assert rects[0].left() < concat.center().x() < rects[-1].right()  # the merge under them
    assert window.canvas.zoom() >= FIT_MIN_ZOOM
