"""The inspector: a form from the layer spec, live undoable edits, refusals in place."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLineEdit, QSpinBox

from cnnstudio.core.catalog import SPECS
from cnnstudio.core.commands import MISSING, SetParam
from cnnstudio.core.fileio import dumps_design
from cnnstudio.core.templates import get_template
from cnnstudio.gui.inspector import EMPTY_TEXT, InspectorPanel, parse_value, rename_problem
from cnnstudio.gui.session import DesignSession


@pytest.fixture
def session():
    return DesignSession(get_template("lenet5"))


@pytest.fixture
def inspector(qtbot, session):
    panel = InspectorPanel(session)
    qtbot.addWidget(panel)
    panel.resize(320, 700)
    panel.show()
    return panel


def _type_into(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_empty_and_multiple_selection_show_an_empty_state(inspector, session):
    assert inspector.stack.currentWidget() is inspector.empty
    assert inspector.empty.text() == EMPTY_TEXT
    session.select(["conv1", "conv2"])
    assert inspector.stack.currentWidget() is inspector.empty
    assert "2 blocks selected" in inspector.empty.text()
    session.select(["conv1"])
    assert inspector.stack.currentWidget() is inspector.form_scroll
    assert inspector.title.text() == "Conv · conv1"


def test_the_form_follows_the_param_kinds(inspector, session):
    session.select(["conv1"])
    fields = inspector.fields
    assert list(fields) == [p.name for p in SPECS["Conv"].params]
    assert isinstance(fields["out_channels"].widget, QSpinBox)
    assert fields["out_channels"].widget.value() == 6
    assert fields["out_channels"].widget.minimum() == 1
    assert fields["out_channels"].widget.maximum() == 65536
    assert isinstance(fields["kernel_size"].widget, QLineEdit)
    assert fields["kernel_size"].widget.text() == "5"
    assert isinstance(fields["bias"].widget, QCheckBox)
    assert fields["bias"].widget.isChecked()
    assert inspector.frozen_check is not None
    assert inspector.id_edit.text() == "conv1"
    assert "(32+2*0-5)/1+1" in inspector.explanation.text().replace(" ", "")

    session.select(["fc1"])
    assert isinstance(inspector.fields["out_features"].widget, QSpinBox)
    session.select(["relu1"])
    assert inspector.fields == {}
    assert inspector.frozen_check is None  # no weights, nothing to freeze


def test_float_fields_show_small_values_readably(inspector, session):
    from cnnstudio.core.commands import AddLayer
    from cnnstudio.core.design import Layer

    session.push(AddLayer(Layer("bn", "BatchNorm", ["conv1"])))
    session.select(["bn"])
    eps = inspector.fields["eps"].widget
    assert isinstance(eps, QDoubleSpinBox)
    assert eps.text() == "1e-05"
    eps.setValue(0.001)
    assert session.design["bn"].params["eps"] == pytest.approx(0.001)


def test_editing_a_spin_box_pushes_one_merged_undo_step(inspector, session, qtbot):
    session.select(["conv1"])
    before = dumps_design(session.design)
    spin = inspector.fields["out_channels"].widget
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "12")  # two keystrokes: 1, then 12
    assert session.design["conv1"].params["out_channels"] == 12
    assert session.analysis.layers["conv1"].output_shape == (12, 28, 28)
    assert session.history.undo_label == "Set conv1.out_channels"
    session.undo()
    assert dumps_design(session.design) == before  # both keystrokes were one step
    assert spin.value() == 6


def test_text_fields_accept_sizes_and_words(inspector, session, qtbot):
    session.select(["conv1"])
    kernel = inspector.fields["kernel_size"].widget
    _type_into(qtbot, kernel, "3,5")
    assert session.design["conv1"].params["kernel_size"] == [3, 5]
    assert session.analysis.layers["conv1"].output_shape == (6, 30, 28)
    padding = inspector.fields["padding"].widget
    _type_into(qtbot, padding, "same")
    assert session.design["conv1"].params["padding"] == "same"
    assert not inspector.fields["padding"].reason.isVisible()


def test_a_refused_value_shows_the_reason_and_changes_nothing(inspector, session, qtbot):
    session.select(["conv1"])
    before = dumps_design(session.design)
    kernel = inspector.fields["kernel_size"].widget
    _type_into(qtbot, kernel, "0")
    reason = inspector.fields["kernel_size"].reason
    assert reason.isVisible()
    assert reason.text() == "kernel_size must be a positive integer, got 0"
    _type_into(qtbot, kernel, "three")
    assert "kernel_size must be" in reason.text()
    assert dumps_design(session.design) == before
    assert not session.history.can_undo
    _type_into(qtbot, kernel, "3")
    assert not reason.isVisible()
    assert session.design["conv1"].params["kernel_size"] == 3


def test_undo_refreshes_the_form_without_pushing(inspector, session, qtbot):
    session.select(["conv1"])
    session.push(SetParam("conv1", "kernel_size", 3))
    session.push(SetParam("conv1", "out_channels", 8))
    kernel = inspector.fields["kernel_size"].widget
    assert kernel.text() == "3"
    assert inspector.fields["out_channels"].widget.value() == 8
    session.undo()
    session.undo()
    assert kernel.text() == "5"
    assert inspector.fields["out_channels"].widget.value() == 6
    assert not session.history.can_undo and session.history.can_redo  # nothing new pushed
    session.redo()
    assert kernel.text() == "3"


def test_clearing_an_optional_field_goes_back_to_the_default(inspector, session, qtbot):
    session.select(["pool1"])
    stride = inspector.fields["stride"].widget
    _type_into(qtbot, stride, "1")
    assert session.design["pool1"].params["stride"] == 1
    stride.selectAll()
    qtbot.keyClick(stride, Qt.Key.Key_Backspace)
    assert "stride" not in session.design["pool1"].params
    assert session.analysis.layers["pool1"].output_shape == (6, 14, 14)


def test_rename_refuses_bad_and_duplicate_ids(inspector, session, qtbot):
    session.select(["conv1"])
    before = dumps_design(session.design)
    for bad, words in (
        ("conv2", "already called"),
        ("1st", "must start with a letter"),
        ("class", "reserved"),
    ):
        _type_into(qtbot, inspector.id_edit, bad)
        qtbot.keyClick(inspector.id_edit, Qt.Key.Key_Return)
        assert inspector.id_reason.isVisible()
        assert words in inspector.id_reason.text()
        assert dumps_design(session.design) == before
    _type_into(qtbot, inspector.id_edit, "features")
    qtbot.keyClick(inspector.id_edit, Qt.Key.Key_Return)
    assert "features" in session.design and "conv1" not in session.design
    assert session.design["relu1"].inputs == ["features"]
    assert session.selection == ["features"]
    assert inspector.title.text() == "Conv · features"


def test_label_and_frozen_are_undoable_edits(inspector, session, qtbot):
    session.select(["fc1"])
    _type_into(qtbot, inspector.label_edit, "hidden layer")
    qtbot.keyClick(inspector.label_edit, Qt.Key.Key_Return)
    assert session.design["fc1"].label == "hidden layer"
    assert inspector.frozen_check is not None
    inspector.frozen_check.click()
    assert session.design["fc1"].frozen
    assert session.analysis.trainable_params == 61706 - session.analysis.layers["fc1"].params
    session.undo()
    assert not inspector.frozen_check.isChecked()


def test_errors_show_under_the_explanation_with_a_fix_button(inspector, session):
    session.push(SetParam("conv2", "kernel_size", 30))
    session.select(["conv2"])
    text = inspector.explanation.text()
    assert "unknown" in text
    messages = [
        inspector.diagnostics_layout.itemAt(i).widget().text()
        for i in range(inspector.diagnostics_layout.count())
    ]
    assert any("conv2" in m and m.startswith("error:") for m in messages)
    # One button per choice, the likeliest intent first (issue 12 item 8).
    assert [b.text().replace("\n", " ") for b in inspector.fix_buttons] == [
        "Fix: Set conv2's kernel_size to 14 (the largest that fits 14x14)",
        "Fix: Set conv2's padding to 8 (pads the input to 30x30)",
        'Fix: Set conv2\'s padding to "same" (keeps 14x14)',
    ]
    inspector.fix_buttons[2].click()
    assert session.design["conv2"].params["padding"] == "same"
    assert not [d for d in session.analysis.layers["conv2"].errors if d.severity == "error"]
    assert "->" in inspector.explanation.text()  # the shape is known again
    assert inspector.fix_buttons == []
    session.undo()  # one undo step brings the error and its choices back
    assert len(inspector.fix_buttons) == 3
    inspector.fix_buttons[0].click()
    assert session.design["conv2"].params["kernel_size"] == 14
    assert session.analysis.layers["conv2"].output_shape == (16, 1, 1)


def test_a_fix_button_repairs_the_layer(inspector, session):
    session.push(SetParam("pool1", "padding", 2))  # more than half the 2x2 window
    session.select(["pool1"])
    fixes = [d for d in session.analysis.layers["pool1"].errors if d.fix is not None]
    assert fixes, "the analysis offers a fix for an oversized pool padding"
    assert inspector.fix_buttons[0].text().startswith("Fix: ")
    inspector.fix_buttons[0].click()
    assert not session.analysis.layers["pool1"].errors


@pytest.mark.parametrize(
    ("kind_type", "name", "text", "expected"),
    [
        ("Conv", "kernel_size", "5", 5),
        ("Conv", "kernel_size", " 3, 5 ", [3, 5]),
        ("Conv", "kernel_size", "3x5", [3, 5]),
        ("Conv", "padding", "SAME", "same"),
        ("Conv", "padding", "0", 0),
        ("Input", "shape", "1,28,28", [1, 28, 28]),
        ("Input", "shape", "10", [10]),
        ("Concat", "dim", "-1", -1),
        ("MaxPool", "stride", "", MISSING),
    ],
)
def test_parse_value_accepts(kind_type, name, text, expected):
    value, reason = parse_value(SPECS[kind_type].param_map[name], text)
    assert reason is None
    assert value == expected if expected is not MISSING else value is MISSING


@pytest.mark.parametrize(
    ("kind_type", "name", "text"),
    [
        ("Conv", "kernel_size", "0"),
        ("Conv", "kernel_size", "a"),
        ("Conv", "padding", "full"),
        ("Input", "shape", "1,2,3,4"),
        ("Input", "shape", ""),
        ("Concat", "dim", "1,2"),
    ],
)
def test_parse_value_refuses_with_a_reason(kind_type, name, text):
    value, reason = parse_value(SPECS[kind_type].param_map[name], text)
    assert value is None
    assert reason and name in reason


def test_rename_problem(session):
    design = session.design
    assert rename_problem(design, "conv1", "conv1") is None
    assert rename_problem(design, "conv1", "stem") is None
    assert "empty" in (rename_problem(design, "conv1", "") or "")
    assert "already" in (rename_problem(design, "conv1", "fc1") or "")
    assert "reserved" in (rename_problem(design, "conv1", "forward") or "")
    assert "letters, digits" in (rename_problem(design, "conv1", "a-b") or "")
    assert "two underscores" in (rename_problem(design, "conv1", "__x") or "")
    assert "reserved" in (rename_problem(design, "conv1", "_modules") or "")


def test_a_padding_mode_is_picked_from_a_list_and_undone_in_one_step(qtbot, inspector, session):
    from PySide6.QtWidgets import QComboBox

    session.select(["conv1"])
    combo = inspector.fields["padding_mode"].widget
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "zeros",
        "reflect",
        "replicate",
        "circular",
    ]
    assert combo.currentText() == "zeros"
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # the keyboard picks the next mode
    assert session.design["conv1"].params["padding_mode"] == "reflect"
    assert session.history.undo_label == "Set conv1.padding_mode"
    session.undo()
    assert "padding_mode" not in session.design["conv1"].params
    assert combo.currentText() == "zeros"


def test_fixed_weights_show_in_the_inspector_and_clear_in_one_undo_step(qtbot, inspector, session):
    session.design.set_weights("fc3", {"bias": [0.0] * 10})
    session.select(["fc3"])
    assert inspector.weights_label.isVisible() and inspector.weights_label.text() == "bias 10"
    qtbot.mouseClick(inspector.clear_weights_button, Qt.MouseButton.LeftButton)
    assert session.design["fc3"].weights is None
    assert not inspector.weights_label.isVisible()
    session.undo()
    assert session.design["fc3"].weights == {"bias": [0.0] * 10}
    session.select(["conv1"])
    assert not inspector.weights_label.isVisible()
