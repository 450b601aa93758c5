"""The summary table: one row per layer, human numbers, cheap updates, selection both ways."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt

from cnnstudio.core.commands import AddLayer, RemoveLayers, SetParam
from cnnstudio.core.design import Layer
from cnnstudio.core.templates import get_template
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.summary import COLUMNS, SummaryPanel


@pytest.fixture
def session():
    return DesignSession(get_template("lenet5"))


@pytest.fixture
def panel(qtbot, session):
    widget = SummaryPanel(session)
    qtbot.addWidget(widget)
    widget.resize(1000, 400)
    widget.show()
    return widget


def _row(panel: SummaryPanel, lid: str) -> dict[str, str]:
    row = panel.model.row_of(lid)
    return {name: panel.model.cell(row, n) for n, name in enumerate(COLUMNS)}


def test_rows_follow_the_analysis_in_topological_order(panel, session):
    assert [panel.model.layer_id(r) for r in range(panel.model.rowCount())] == list(
        session.analysis.layers
    )
    conv1 = _row(panel, "conv1")
    assert conv1 == {
        "Layer": "conv1",
        "Type": "Conv",
        "Output": "6x28x28",
        "Activations": "4,704",
        "Activation size": "18.82 KB",
        "Params": "156",
        "MACs": "117,600",
        "Receptive field": "5x5",
        "Status": "",
    }
    assert "61,706 params (61,706 trainable, 0 frozen)" in panel.totals.text()
    assert "0.25 MB" in panel.totals.text()
    header = panel.model.headerData(0, Qt.Orientation.Horizontal)
    assert header == "Layer"


def test_an_edit_updates_only_changed_rows(panel, session, qtbot):
    changed: list[tuple[int, int]] = []
    resets: list[bool] = []
    panel.model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    panel.model.modelReset.connect(lambda: resets.append(True))

    session.push(SetParam("fc3", "out_features", 5))
    fc3_row = panel.model.row_of("fc3")
    assert changed == [(fc3_row, fc3_row)]
    assert resets == []
    assert _row(panel, "fc3")["Output"] == "5"
    assert _row(panel, "fc3")["Params"] == "425"

    session.push(AddLayer(Layer("extra", "ReLU", ["fc3"])))
    assert resets == [True]
    session.push(RemoveLayers(["extra"]))
    assert panel.model.row_of("extra") == -1


def test_errors_show_in_the_status_column(panel, session):
    session.push(SetParam("conv2", "kernel_size", 30))  # larger than its 6x14x14 input
    status = _row(panel, "conv2")["Status"]
    assert status and "conv2" in session.analysis.layers["conv2"].errors[0].message
    assert status == session.analysis.layers["conv2"].errors[0].message
    assert _row(panel, "conv2")["Output"] == "?"
    row = panel.model.row_of("conv2")
    colour = panel.model.data(
        panel.model.index(row, len(COLUMNS) - 1), Qt.ItemDataRole.ForegroundRole
    )
    assert colour is not None


def test_clicking_a_row_selects_the_block_and_asks_to_centre_it(panel, session, qtbot):
    row = panel.model.row_of("pool2")
    rect = panel.table.visualRect(panel.model.index(row, 0))
    with qtbot.waitSignal(panel.layer_activated) as blocker:
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["pool2"]
    assert session.selection == ["pool2"]


def test_selection_made_elsewhere_is_shown(panel, session):
    session.select(["conv1", "relu2"])
    rows = sorted(i.row() for i in panel.table.selectionModel().selectedRows())
    assert rows == sorted(panel.model.row_of(lid) for lid in ("conv1", "relu2"))
    session.select([])
    assert panel.table.selectionModel().selectedRows() == []
    assert session.selection == []  # showing a selection never feeds back into the session
