"""The palette lists every layer type by group, filters by search, drags `LAYER_MIME`."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from cnnstudio.core.catalog import GROUPS, SPECS
from cnnstudio.gui.palette import PalettePanel
from cnnstudio.gui.session import COMPOSITE_MIME, LAYER_MIME


@pytest.fixture
def palette(qtbot):
    panel = PalettePanel()
    qtbot.addWidget(panel)
    return panel


# Opaque blocks come only from an import (File > Import...), so the palette does not offer them.
DRAGGABLE = [name for name, spec in SPECS.items() if spec.group in dict(GROUPS)]


def test_every_type_appears_under_its_group_with_its_summary_as_tooltip(palette):
    tree = palette.tree
    titles = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert titles == [*(title for _, title in GROUPS), "My blocks"]  # saved groups, last
    assert palette.visible_types() == DRAGGABLE
    assert "Opaque" in SPECS and "Opaque" not in DRAGGABLE
    for type_name, spec in SPECS.items():
        if type_name not in DRAGGABLE:
            continue
        item = palette.entry(type_name)
        assert item.parent().text(0) == dict(GROUPS)[spec.group]
        assert item.toolTip(0) == spec.summary


def test_search_filters_types_and_hides_empty_groups(palette):
    palette.search.setText("pool")
    assert palette.visible_types() == [
        "MaxPool",
        "AvgPool",
        "MinPool",
        "GlobalAvgPool",
        "GlobalMaxPool",
        "AdaptiveAvgPool",
        "AdaptiveMaxPool",
    ]
    hidden_groups = {
        palette.tree.topLevelItem(i).text(0)
        for i in range(palette.tree.topLevelItemCount())
        if palette.tree.topLevelItem(i).isHidden()
    }
    assert "Pooling" not in hidden_groups
    assert {"Convolution", "Dense", "Merge"} <= hidden_groups

    palette.search.setText("REGULAR")  # a group title matches all of its types, in any case
    assert palette.visible_types() == ["Dropout", "BatchNorm", "LayerNorm", "StochasticDepth"]
    palette.search.setText("no such block")
    assert palette.visible_types() == []
    palette.search.clear()
    assert palette.visible_types() == DRAGGABLE


def test_dragging_an_entry_carries_the_type_name(palette):
    mime = palette.tree.mimeData([palette.entry("Conv")])
    assert mime.hasFormat(LAYER_MIME)
    assert bytes(mime.data(LAYER_MIME)).decode("utf-8") == "Conv"
    assert palette.tree.mimeTypes() == [LAYER_MIME, COMPOSITE_MIME]  # My blocks: the second
    assert palette.entry("Conv").flags() & Qt.ItemFlag.ItemIsDragEnabled
    group = palette.entry("Conv").parent()
    assert not group.flags() & Qt.ItemFlag.ItemIsDragEnabled
    assert not palette.tree.mimeData([group]).hasFormat(LAYER_MIME)


def test_double_click_requests_the_block(palette, qtbot):
    palette.show()
    tree = palette.tree
    item = palette.entry("Dropout")
    tree.scrollToItem(item)
    rect = tree.visualItemRect(item)
    # A real double-click is press, release, then the double-click event on the same item.
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(palette.block_requested, timeout=1000) as blocker:
        qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["Dropout"]


def test_enter_on_an_entry_requests_the_block(palette, qtbot):
    palette.show()
    palette.tree.setCurrentItem(palette.entry("Conv"))
    palette.tree.setFocus()
    with qtbot.waitSignal(palette.block_requested, timeout=1000) as blocker:
        qtbot.keyClick(palette.tree, Qt.Key.Key_Return)
    assert blocker.args == ["Conv"]
