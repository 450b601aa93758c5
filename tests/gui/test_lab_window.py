"""View ▸ Convolution Lab as a student uses it: presets, typing, stepping, clicking, pooling."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from cnnstudio.core.templates import adapt, get_template
from cnnstudio.gui.lab import LabWindow, install_lab
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession


@pytest.fixture
def designer(qtbot):
    win = MainWindow(DesignSession(adapt(get_template("lenet5"), (1, 16, 16), 10)))
    win.persist_layout = False
    win._ask_save_changes = lambda: "discard"
    qtbot.addWidget(win)
    return win


@pytest.fixture
def lab(qtbot, designer) -> LabWindow:
    launcher = install_lab(designer)
    action = next(a for a in designer.view_menu.actions() if a.text() == "Convolution &Lab")
    action.trigger()
    window = launcher.window
    assert window is not None and window.isVisible()
    qtbot.addWidget(window)
    qtbot.waitExposed(window)
    return window


def _type(qtbot, edit, text: str) -> None:
    """Replace the editor's text by typing it, one key a character and Return between rows."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    for number, line in enumerate(text.split("\n")):
        if number:
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        qtbot.keyClicks(edit, line)


def _choose(combo, text: str) -> None:
    combo.setCurrentIndex(combo.findText(text))


def test_view_menu_opens_one_lab_on_the_classic_edge_example(qtbot, designer, lab) -> None:
    assert lab.result is not None
    assert lab.result.output.tolist() == [[0, 30, 30, 0]] * 4
    assert "(6 + 2×0 − 3) / 1 + 1 = 4" in lab.formula_label.text()
    assert "10×1 + 10×0 + 0×(-1)" not in lab.explain_label.text()  # position 1 is all 10s
    assert lab.explain_label.text().endswith("= 0")


def test_keys_and_buttons_step_through_the_positions(qtbot, lab) -> None:
    lab.activateWindow()
    qtbot.keyClick(lab, Qt.Key.Key_Right)
    assert lab.position == 1
    assert lab.explain_label.text().startswith("Output (0, 1), position 2 of 16")
    assert lab.explain_label.text().endswith("= 30")
    assert lab.input_view.window_cells == {(y, x) for y in range(3) for x in range(1, 4)}
    qtbot.mouseClick(lab.next_button, Qt.MouseButton.LeftButton)
    assert lab.position == 2
    qtbot.keyClick(lab, Qt.Key.Key_End)
    assert lab.position == 15
    qtbot.keyClick(lab, Qt.Key.Key_Right)  # wraps round to the first position
    assert lab.position == 0
    qtbot.mouseClick(lab.prev_button, Qt.MouseButton.LeftButton)
    assert lab.position == 15


def test_play_slides_the_kernel_by_itself(qtbot, lab) -> None:
    lab.speed_spin.setValue(20)
    qtbot.mouseClick(lab.play_button, Qt.MouseButton.LeftButton)
    assert lab.play_button.isChecked() and lab.play_button.text() == "⏸ Pause"
    qtbot.waitUntil(lambda: lab.position >= 2, timeout=5000)
    qtbot.mouseClick(lab.play_button, Qt.MouseButton.LeftButton)
    stopped = lab.position
    qtbot.wait(200)
    assert lab.position == stopped


def test_clicking_an_output_pixel_writes_it_out(qtbot, lab) -> None:
    _choose(lab.input_source, "5x5 grey patch")
    _choose(lab.kernel_source, "Gaussian blur")
    assert lab.result is not None and lab.result.output_shape == (3, 3)
    rect = lab.output_view.cell_rect(1, 2)
    qtbot.mouseClick(lab.output_view, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert lab.position == 5
    text = lab.explain_label.text()
    assert text.startswith("Output (1, 2)")
    assert "≈" in text and "×0.0625" in text and "×0.25" in text


def test_typed_matrix_with_padding_stride_and_dropped_pixels(qtbot, lab) -> None:
    _type(qtbot, lab.input_edit, "1 2 3 4 5\n6 7 8 9 10\n1 1 1 1 1\n2 2 2 2 2\n0 0 0 0 1")
    _type(qtbot, lab.kernel_edit, "1 0\n0 -1")
    assert lab.input_source.currentData() == "typed" and lab.kernel_source.currentData() == "typed"
    lab.stride_spin.setValue(2)
    lab.padding_spin.setValue(1)
    assert lab.result is not None
    assert "⌊(5 + 2×1 − 2) / 2⌋ + 1 = 3" in lab.formula_label.text()
    assert lab.input_view.dropped_cells  # the last padded row and column are never reached
    assert (0, 0) in lab.input_view.padding_cells
    assert lab.explain_label.text().endswith("0×1 + 0×0 + 0×0 + 1×(-1) = -1")


def test_bad_typing_is_explained_in_place(qtbot, lab) -> None:
    _type(qtbot, lab.kernel_edit, "1 2\n3")
    assert lab.result is None
    assert lab.error_label.text() == (
        "kernel: every row needs the same number of values (the rows have 2, 1)"
    )
    qtbot.keyClicks(lab.kernel_edit, " 4")
    assert lab.result is not None and lab.error_label.text() == ""
    _type(qtbot, lab.kernel_edit, "\n".join(["1 1 1 1 1 1 1"] * 7))
    assert "kernel height 7 is larger than the padded input height 6" in lab.error_label.text()


def test_max_pooling_highlights_the_value_it_takes(qtbot, lab) -> None:
    _choose(lab.input_source, "4x4 pooling example")
    _choose(lab.operation, "Max pooling")
    assert lab.stride_spin.value() == 2 and lab.size_spin.isVisible()
    assert not lab.bias_spin.isVisible() and not lab.dilation_spin.isVisible()
    assert not lab.kernel_box.isEnabled() and lab.kernel_view.isHidden()
    assert lab.result is not None and lab.result.output.tolist() == [[9, 2], [6, 3]]
    assert lab.input_view.chosen_cell == (1, 1)
    assert lab.explain_label.text().endswith("max(1, 3, 2, 9) = 9")
    _choose(lab.operation, "Average pooling")
    assert lab.explain_label.text().endswith("(1 + 3 + 2 + 9) / 4 = 3.75")
    assert lab.input_view.chosen_cell is None


def test_learned_filter_of_a_conv_block(qtbot, designer, lab) -> None:
    _choose(lab.input_source, "7x7 diagonal line")
    assert lab.conv_choice.findText("conv1") >= 0
    _choose(lab.conv_choice, "conv1")
    lab.filter_index.setValue(2)
    qtbot.mouseClick(lab.learned_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "filter 2 of 6" in lab.learned_label.text(), timeout=60_000)
    assert "initial weights (seed 0)" in lab.learned_label.text()
    from cnnstudio.engine.builder import build_model

    model = build_model(designer.session.design, seed=0)
    weight = model.conv1.weight.detach().double().numpy()[1, 0]
    bias = float(model.conv1.bias.detach()[1])
    assert lab.result is not None
    np.testing.assert_allclose(lab.result.kernel[0], weight)
    assert lab.result.bias == pytest.approx(bias)


def test_an_opened_image_is_shown_as_pixels(qtbot, lab, tmp_path: Path) -> None:
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    for x in range(100):
        for y in range(100):
            image.setPixelColor(x, y, QColor("black"))
    path = tmp_path / "half.png"
    image.save(str(path))
    from PySide6.QtWidgets import QFileDialog

    original = QFileDialog.getOpenFileName
    QFileDialog.getOpenFileName = staticmethod(lambda *a, **k: (str(path), ""))  # type: ignore[method-assign]
    try:
        qtbot.mouseClick(lab.open_image_button, Qt.MouseButton.LeftButton)
    finally:
        QFileDialog.getOpenFileName = original  # type: ignore[method-assign]
    assert lab.result is not None
    assert lab.result.sliding.image.shape == (1, 32, 64)
    assert not lab.input_view.shows_numbers()
    # dark on the left, bright on the right: the vertical-edge kernel answers negatively
    assert lab.result.output.min() < -500 and lab.result.output.max() == 0
    lab.grab().save(str(tmp_path / "lab.png"))


def test_screenshot_at_laptop_size(qtbot, lab, tmp_path: Path) -> None:
    lab.resize(1366, 768)
    qtbot.wait(50)
    assert lab.input_view.shows_numbers()
    for widget in (
        lab.next_button,
        lab.play_button,
        lab.input_edit,
        lab.kernel_edit,
        lab.padding_spin,
    ):
        top_left = widget.mapTo(lab, QPoint(0, 0))
        assert widget.isVisible()
        assert lab.rect().contains(top_left) and top_left.y() + widget.height() <= lab.height()
    lab.grab().save("/tmp/lab-1366.png")


def test_add_to_design_puts_the_kernel_in_a_frozen_conv_after_the_selection(
    qtbot, designer, lab
) -> None:
    designer.show()
    qtbot.waitExposed(designer)
    _choose(lab.kernel_source, "Sobel (vertical edges)")
    qtbot.mouseClick(lab.padding_spin, Qt.MouseButton.LeftButton)
    lab.padding_spin.setValue(1)
    designer.session.select(["pool1"])  # the user clicked pool1 in the designer
    before = set(designer.session.design.layers)
    qtbot.mouseClick(lab.to_design_button, Qt.MouseButton.LeftButton)
    (new_id,) = set(designer.session.design.layers) - before
    layer = designer.session.design[new_id]
    assert layer.frozen and layer.type == "Conv" and layer.inputs == ["pool1"]
    assert layer.label == "Sobel (vertical edges) (fixed)"
    assert np.array(layer.weights["weight"]).shape == (1, 6, 3, 3)
    assert designer.session.design["conv2"].inputs == [new_id]
    assert designer.session.analysis.valid
    assert f"Added the frozen Conv {new_id} after pool1" in lab.to_design_label.text()
    # The inspector shows the fixed values, and Ctrl+Z in the designer takes the block away.
    designer.session.select([new_id])
    inspector = designer.inspector
    assert inspector.weights_label.isVisible()
    assert inspector.weights_label.text() == "weight 1x6x3x3"
    designer.activateWindow()
    qtbot.waitUntil(designer.isActiveWindow)
    qtbot.keyClick(designer.canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert new_id not in designer.session.design
    assert designer.session.design["conv2"].inputs == ["pool1"]


def test_add_to_design_explains_what_it_cannot_do(qtbot, designer, lab) -> None:
    designer.session.select(["fc1"])  # a vector, not an image
    before = set(designer.session.design.layers)
    qtbot.mouseClick(lab.to_design_button, Qt.MouseButton.LeftButton)
    assert set(designer.session.design.layers) == before
    assert "not an image" in lab.to_design_label.text()
