"""The Convolution Lab: a kernel sliding over a small image, every output pixel written out.

A window of its own (so a teacher can put it full screen on the projector) with three matrices
side by side: the padded input, the kernel and the output. The input is a typed or pasted
matrix, one of the lectures' worked examples, an image the user opens or drops, or the sample
the Feature maps dock shows; the kernel is typed, a preset (blur, edges, Sobel, Scharr, ...) or
a learned filter of a Conv block of the current design (its trained weights when they fit the
design, else its initial weights). Step through the positions with the buttons, the arrow keys
or Play, or click an output pixel: the window it reads is highlighted and the sum is written
out as the lecture writes it. Pooling (max, average, min) works the same way.

All arithmetic comes from `cnnstudio.core.lab`; this module only draws and wires it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QImage, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import QT_TRANSLATE_NOOP, translate
from ...core.lab import (
    IMAGES,
    KERNELS,
    PADDING_MODES,
    POOL_KINDS,
    Convolution,
    LabError,
    Pooling,
    format_matrix,
    parse_matrix,
)
from .matrix_view import MatrixView

#: Images larger than this (either side) are scaled down when opened: the lab is for looking
#: at every pixel, and a 28x28 digit or a 64x64 photo is what the lectures slide over.
MAX_IMAGE_SIDE = 64
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp);;All files (*)"
_TYPED = "typed"


def image_to_matrix(image: QImage, max_side: int = MAX_IMAGE_SIDE) -> np.ndarray:
    """A picture as 0-255 grey values (``H x W``), scaled down to at most ``max_side``."""
    if image.isNull():
        raise LabError("the file is not an image Qt can read")
    if max(image.width(), image.height()) > max_side:
        image = image.scaled(
            max_side,
            max_side,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = grey.width(), grey.height(), grey.bytesPerLine()
    buffer = np.frombuffer(grey.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, :width].astype(np.float64)


def _last_epoch(history: list[dict[str, Any]]) -> int:
    """The epoch number of the run's last entry (a continued run counts on from its start)."""
    return int(history[-1].get("epoch", len(history))) if history else 0


def _local_image_path(mime: QMimeData) -> str | None:
    for url in mime.urls():
        if url.isLocalFile():
            return url.toLocalFile()
    return None


class LabWindow(QMainWindow):
    """View ▸ Convolution Lab. ``window`` is the designer it reads Conv blocks and samples from."""

    #: Emitted after each recomputation, with the result (a Convolution or Pooling) or None.
    result_changed = Signal(object)

    def __init__(self, designer: Any | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ConvolutionLab")
        self.setWindowTitle(translate("Lab", "Convolution Lab — cnnstudio"))
        self.setAcceptDrops(True)
        self.designer = designer
        self.result: Convolution | Pooling | None = None
        self.position = 0
        self._learned: tuple[str, int] | None = None  # (conv id, filter) shown as the kernel
        self._learned_request = 0
        self._updating = False
        self.play_timer = QTimer(self)
        self.play_timer.timeout.connect(self._on_play_tick)

        self._build_controls()
        self._build_views()
        self._build_actions()
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.addWidget(self.controls)
        layout.addWidget(self.view_area, 1)
        self.setCentralWidget(central)
        self.resize(1200, 720)

        self.input_source.setCurrentIndex(self.input_source.findData("vertical_step"))
        self.kernel_source.setCurrentIndex(self.kernel_source.findData("vertical_edge"))
        self._on_operation_changed(0)

    # -- building ----------------------------------------------------------------------------
    def _build_controls(self) -> None:
        self.controls = QWidget(self)
        self.controls.setMaximumWidth(360)
        column = QVBoxLayout(self.controls)
        column.setContentsMargins(0, 0, 0, 0)

        self.operation = QComboBox()
        self.operation.setObjectName("lab_operation")
        self.operation.addItem(translate("Lab", "Convolution"), "convolution")
        pooling = {
            "max": translate("Lab", "Max pooling"),
            "average": translate("Lab", "Average pooling"),
            "min": translate("Lab", "Min pooling"),
        }
        for kind in POOL_KINDS:
            self.operation.addItem(pooling.get(kind, f"{kind.capitalize()} pooling"), kind)
        self.operation.currentIndexChanged.connect(self._on_operation_changed)
        top = QFormLayout()
        top.addRow(translate("Lab", "Operation"), self.operation)
        column.addLayout(top)

        image_box = QGroupBox(translate("Lab", "Input"))
        image_form = QVBoxLayout(image_box)
        self.input_source = QComboBox()
        self.input_source.setObjectName("lab_input_source")
        self.input_source.addItem(translate("Lab", "Typed matrix"), _TYPED)
        for preset in IMAGES:
            self.input_source.addItem(translate("Lab", preset.name), preset.key)
            self.input_source.setItemData(
                self.input_source.count() - 1,
                translate("Lab", preset.description),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.input_source.currentIndexChanged.connect(self._on_input_source_changed)
        self.input_edit = QPlainTextEdit()
        self.input_edit.setObjectName("lab_input_edit")
        self.input_edit.setPlaceholderText(
            translate("Lab", "Type or paste numbers: one row a line, e.g. 1 2 3")
        )
        self.input_edit.setMaximumHeight(130)
        self.input_edit.textChanged.connect(self._on_input_edited)
        buttons = QHBoxLayout()
        self.open_image_button = QPushButton(translate("Lab", "Open Image…"))
        self.open_image_button.setToolTip(
            translate("Lab", "Use a picture, scaled to at most {n} px, in grey").format(
                n=MAX_IMAGE_SIDE
            )
        )
        self.open_image_button.clicked.connect(self._on_open_image_clicked)
        self.sample_button = QPushButton(translate("Lab", "Use Sample"))
        self.sample_button.setToolTip(
            translate("Lab", "Use the sample shown in the Feature maps panel")
        )
        self.sample_button.clicked.connect(self._on_sample_clicked)
        buttons.addWidget(self.open_image_button)
        buttons.addWidget(self.sample_button)
        image_form.addWidget(self.input_source)
        image_form.addWidget(self.input_edit)
        image_form.addLayout(buttons)
        column.addWidget(image_box)

        self.kernel_box = QGroupBox(translate("Lab", "Kernel"))
        kernel_form = QVBoxLayout(self.kernel_box)
        self.kernel_source = QComboBox()
        self.kernel_source.setObjectName("lab_kernel_source")
        self.kernel_source.addItem(translate("Lab", "Typed kernel"), _TYPED)
        for preset in KERNELS:
            self.kernel_source.addItem(translate("Lab", preset.name), preset.key)
            self.kernel_source.setItemData(
                self.kernel_source.count() - 1,
                translate("Lab", preset.description),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.kernel_source.currentIndexChanged.connect(self._on_kernel_source_changed)
        self.kernel_edit = QPlainTextEdit()
        self.kernel_edit.setObjectName("lab_kernel_edit")
        self.kernel_edit.setPlaceholderText(
            translate("Lab", "e.g. 1 0 -1 (one row a line); fractions like 1/16 work")
        )
        self.kernel_edit.setMaximumHeight(110)
        self.kernel_edit.textChanged.connect(self._on_kernel_edited)
        learned = QHBoxLayout()
        self.conv_choice = QComboBox()
        self.conv_choice.setObjectName("lab_conv_choice")
        self.conv_choice.setToolTip(
            translate("Lab", "A Conv block of the design: its learned (or initial) filter")
        )
        self.filter_index = QSpinBox()
        self.filter_index.setPrefix(translate("Lab", "filter "))
        self.filter_index.setMinimum(1)
        self.learned_button = QPushButton(translate("Lab", "Use Filter"))
        self.learned_button.setObjectName("lab_use_filter")
        self.learned_button.clicked.connect(self._on_use_filter_clicked)
        learned.addWidget(self.conv_choice, 1)
        learned.addWidget(self.filter_index)
        learned.addWidget(self.learned_button)
        self.learned_label = QLabel()
        self.learned_label.setWordWrap(True)
        kernel_form.addWidget(self.kernel_source)
        kernel_form.addWidget(self.kernel_edit)
        kernel_form.addLayout(learned)
        kernel_form.addWidget(self.learned_label)
        self.to_design_button = QPushButton(translate("Lab", "Add to Design as Frozen Conv"))
        self.to_design_button.setObjectName("lab_to_design")
        self.to_design_button.setToolTip(
            translate(
                "Lab",
                "Add a frozen Conv with this kernel (stride, padding, dilation and bias as set "
                "here) after the block selected in the designer, or after the Input; on several "
                "channels it reads their mean. Undo in the designer removes it.",
            )
        )
        self.to_design_button.clicked.connect(self._on_to_design_clicked)
        kernel_form.addWidget(self.to_design_button)
        self.to_design_label = QLabel()
        self.to_design_label.setObjectName("lab_to_design_result")
        self.to_design_label.setWordWrap(True)
        kernel_form.addWidget(self.to_design_label)
        column.addWidget(self.kernel_box)

        sizes = QGroupBox(translate("Lab", "Sliding"))
        form = QFormLayout(sizes)
        self.size_spin = self._spin("lab_size", 1, 15, 2)
        self.size_row_label = QLabel(translate("Lab", "Window"))
        self.stride_spin = self._spin("lab_stride", 1, 10, 1)
        self.padding_spin = self._spin("lab_padding", 0, 10, 0)
        self.dilation_spin = self._spin("lab_dilation", 1, 6, 1)
        self.padding_mode = QComboBox()
        self.padding_mode.setObjectName("lab_padding_mode")
        for mode in PADDING_MODES:
            self.padding_mode.addItem(mode, mode)
        self.padding_mode.currentIndexChanged.connect(self._recompute)
        self.bias_spin = QDoubleSpinBox()
        self.bias_spin.setObjectName("lab_bias")
        self.bias_spin.setRange(-1e6, 1e6)
        self.bias_spin.setDecimals(4)
        self.bias_spin.valueChanged.connect(self._recompute)
        form.addRow(self.size_row_label, self.size_spin)
        form.addRow(translate("Lab", "Stride"), self.stride_spin)
        form.addRow(translate("Lab", "Padding"), self.padding_spin)
        self.padding_mode_label = QLabel(translate("Lab", "Padding mode"))
        form.addRow(self.padding_mode_label, self.padding_mode)
        self.dilation_label = QLabel(translate("Lab", "Dilation"))
        form.addRow(self.dilation_label, self.dilation_spin)
        self.bias_label = QLabel(translate("Lab", "Bias"))
        form.addRow(self.bias_label, self.bias_spin)
        column.addWidget(sizes)

        step = QGroupBox(translate("Lab", "Step through"))
        step_layout = QVBoxLayout(step)
        row = QHBoxLayout()
        self.first_button = QPushButton(translate("Lab", "First"))
        self.first_button.setToolTip(translate("Lab", "First position (Home)"))
        self.prev_button = QPushButton(translate("Lab", "◀ Back"))
        self.prev_button.setToolTip(translate("Lab", "Previous position (Left)"))
        self.play_button = QPushButton(translate("Lab", "▶ Play"))
        self.play_button.setCheckable(True)
        self.play_button.setToolTip(translate("Lab", "Slide the kernel by itself (Space)"))
        self.next_button = QPushButton(translate("Lab", "Next ▶"))
        self.next_button.setToolTip(translate("Lab", "Next position (Right)"))
        for button in (self.first_button, self.prev_button, self.play_button, self.next_button):
            row.addWidget(button)
        self.first_button.clicked.connect(lambda: self.go_to(0))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.play_button.toggled.connect(self._on_play_toggled)
        self.speed_spin = QDoubleSpinBox()
        self.speed_spin.setObjectName("lab_speed")
        self.speed_spin.setRange(0.25, 20)
        self.speed_spin.setValue(2)
        self.speed_spin.setSuffix(translate("Lab", " positions/s"))
        self.speed_spin.valueChanged.connect(self._on_speed_changed)
        step_layout.addLayout(row)
        step_layout.addWidget(self.speed_spin)
        column.addWidget(step)

        self.error_label = QLabel()
        self.error_label.setObjectName("lab_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        column.addWidget(self.error_label)
        column.addStretch(1)

    def _spin(self, name: str, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.valueChanged.connect(self._recompute)
        return spin

    def _build_views(self) -> None:
        self.view_area = QWidget(self)
        column = QVBoxLayout(self.view_area)
        column.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        # English titles name the views; MatrixView shows them translated.
        self.input_view = MatrixView(QT_TRANSLATE_NOOP("Lab", "Input (padded)"))
        self.kernel_view = MatrixView(QT_TRANSLATE_NOOP("Lab", "Kernel"), diverging=True)
        self.output_view = MatrixView(QT_TRANSLATE_NOOP("Lab", "Output"), diverging=True)
        self.output_view.cell_clicked.connect(self._on_output_cell_clicked)
        for view, stretch in ((self.input_view, 3), (self.kernel_view, 1), (self.output_view, 3)):
            splitter.addWidget(view)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        column.addWidget(splitter, 1)
        self.formula_label = QLabel()
        self.formula_label.setObjectName("lab_formula")
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.explain_label = QLabel()
        self.explain_label.setObjectName("lab_explanation")
        self.explain_label.setWordWrap(True)
        self.explain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.explain_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.explain_label.setFont(font)
        self.legend_label = QLabel(
            translate(
                "Lab",
                "Hatched grey: padding · red cross-hatch: pixels the stride never reaches · "
                "outline: the window of the current output pixel · orange: the value pooling takes",
            )
        )
        self.legend_label.setWordWrap(True)
        for label in (self.formula_label, self.explain_label, self.legend_label):
            column.addWidget(label)

    def _build_actions(self) -> None:
        def action(text: str, keys: str, slot: Callable[[], None]) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(keys))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _=False: slot())
            self.addAction(act)
            return act

        self.next_action = action(translate("Lab", "Next position"), "Right", lambda: self.step(1))
        self.prev_action = action(
            translate("Lab", "Previous position"), "Left", lambda: self.step(-1)
        )
        self.first_action = action(
            translate("Lab", "First position"), "Home", lambda: self.go_to(0)
        )
        self.last_action = action(translate("Lab", "Last position"), "End", lambda: self.go_to(-1))
        self.play_action = action(
            translate("Lab", "Play or pause"), "Space", self.play_button.toggle
        )

    # -- reading the controls ----------------------------------------------------------------
    @property
    def is_pooling(self) -> bool:
        return self.operation.currentData() != "convolution"

    def _matrix(self, edit: QPlainTextEdit, what: str) -> np.ndarray:
        try:
            return parse_matrix(edit.toPlainText())
        except LabError as exc:
            raise LabError(f"{what}: {exc}") from None

    def _kernel(self) -> tuple[np.ndarray, float]:
        """The typed kernel (one channel), or the learned filter (all its channels) and bias."""
        if self._learned is not None and self._learned_weights is not None:
            return self._learned_weights
        return self._matrix(self.kernel_edit, "kernel"), float(self.bias_spin.value())

    _learned_weights: tuple[np.ndarray, float] | None = None

    # -- computing ---------------------------------------------------------------------------
    def _recompute(self, *_: object) -> None:
        if self._updating:
            return
        try:
            self.result = self._compute()
        except LabError as exc:
            self.result = None
            self.error_label.setText(str(exc))
            self.formula_label.setText("")
            self.explain_label.setText("")
            self.output_view.set_matrix(np.zeros((0, 0)))
            self.result_changed.emit(None)
            return
        self.error_label.setText("")
        self.position = min(self.position, len(self.result.sliding.positions()) - 1)
        self._show_result()
        self.result_changed.emit(self.result)

    def _compute(self) -> Convolution | Pooling:
        from ...core.lab import convolve, pool

        image = self._input_image()
        padding = self.padding_spin.value()
        if self.is_pooling:
            size = self.size_spin.value()
            return pool(
                image,
                str(self.operation.currentData()),
                size,
                self.stride_spin.value(),
                padding=padding,
            )
        kernel, bias = self._kernel()
        if kernel.ndim == 3 and image.ndim == 2 and kernel.shape[0] != 1:
            raise LabError(
                f"this filter reads {kernel.shape[0]} channels, but the input is one matrix: "
                "use a sample with as many channels, or a Conv block that reads the image"
            )
        if kernel.ndim == 3 and image.ndim == 2:
            kernel = kernel[0]
        return convolve(
            image,
            kernel,
            stride=self.stride_spin.value(),
            padding=padding,
            dilation=self.dilation_spin.value(),
            padding_mode=str(self.padding_mode.currentData()),
            bias=bias,
        )

    _image: np.ndarray | None = None  # a picture (or sample) that is too big to type

    def _input_image(self) -> np.ndarray:
        if self._image is not None:
            return self._image
        return self._matrix(self.input_edit, "input")

    # -- showing -----------------------------------------------------------------------------
    def _show_result(self) -> None:
        result = self.result
        assert result is not None
        sliding = result.sliding
        channel = 0
        padded = sliding.padded[channel]
        height, width = padded.shape
        padding_cells = [
            (y, x)
            for y in range(height)
            for x in range(width)
            if sliding.input_position(y, x) is None
        ]
        self.input_view.set_matrix(padded, padding=padding_cells, dropped=result.dropped())
        if isinstance(result, Convolution):
            self.kernel_view.set_matrix(result.kernel[channel])
            self.output_view.set_matrix(result.output)
        else:
            self.output_view.set_matrix(result.output if result.squeeze else result.output[channel])
        self.kernel_view.setVisible(isinstance(result, Convolution))
        heights, widths = result.size_formulas()
        self.formula_label.setText(
            translate("Lab", "Output height: {heights}\nOutput width: {widths}").format(
                heights=heights, widths=widths
            )
        )
        self._show_position()

    def _show_position(self) -> None:
        result = self.result
        if result is None:
            return
        positions = result.sliding.positions()
        row, col = positions[self.position]
        chosen = result.chosen(row, col) if isinstance(result, Pooling) else None
        self.input_view.set_marks(window=result.window(row, col), chosen=chosen)
        self.output_view.set_marks(current=(row, col))
        if isinstance(result, Convolution):
            long_sum = len(result.terms(row, col)) > 27  # beyond 3 channels of 3x3, abbreviate
            text = result.explain(row, col, max_terms=12 if long_sum else None)
        else:
            text = result.explain(row, col)
        channels = result.sliding.image.shape[0]
        where = translate("Lab", "Output ({row}, {col}), position {n} of {total}").format(
            row=row, col=col, n=self.position + 1, total=len(positions)
        )
        if isinstance(result, Convolution) and channels > 1:
            where += translate("Lab", " (all {n} channels; the views show channel 1)").format(
                n=channels
            )
        self.explain_label.setText(f"{where}:\n{text}")

    # -- stepping ----------------------------------------------------------------------------
    def step(self, delta: int) -> None:
        if self.result is None:
            return
        count = len(self.result.sliding.positions())
        self.position = (self.position + delta) % count
        self._show_position()

    def go_to(self, index: int) -> None:
        if self.result is None:
            return
        count = len(self.result.sliding.positions())
        self.position = index % count
        self._show_position()

    def _on_output_cell_clicked(self, row: int, col: int) -> None:
        if self.result is None:
            return
        self.position = self.result.sliding.positions().index((row, col))
        self._show_position()

    def _on_play_toggled(self, playing: bool) -> None:
        self.play_button.setText(
            translate("Lab", "⏸ Pause") if playing else translate("Lab", "▶ Play")
        )
        if playing:
            self._on_speed_changed(self.speed_spin.value())
            self.play_timer.start()
        else:
            self.play_timer.stop()

    def _on_speed_changed(self, speed: float) -> None:
        self.play_timer.setInterval(max(50, int(1000 / speed)))

    def _on_play_tick(self) -> None:
        self.step(1)

    # -- inputs ------------------------------------------------------------------------------
    def _on_operation_changed(self, _index: int) -> None:
        pooling = self.is_pooling
        self.kernel_box.setEnabled(not pooling)
        # Only the controls of the chosen operation are shown: a pooling window has no bias.
        self.size_spin.setVisible(pooling)
        self.size_row_label.setVisible(pooling)
        conv_only = (
            self.padding_mode,
            self.padding_mode_label,
            self.dilation_spin,
            self.dilation_label,
            self.bias_spin,
            self.bias_label,
        )
        for widget in conv_only:
            widget.setVisible(not pooling)
        if pooling and self.stride_spin.value() == 1:
            self._updating = True
            self.stride_spin.setValue(self.size_spin.value())  # torch's default: stride = size
            self._updating = False
        self._recompute()

    def set_input_matrix(self, matrix: np.ndarray) -> None:
        """Show ``matrix`` as the input; small ones become editable text."""
        if max(matrix.shape[-2:]) <= 16 and matrix.ndim == 2:
            self._image = None
            self._set_text(self.input_edit, format_matrix(matrix))
        else:
            self._image = matrix
            self._set_text(self.input_edit, "")
            self.input_edit.setPlaceholderText(
                translate("Lab", "A {shape} picture is in use; type to replace it").format(
                    shape="x".join(str(s) for s in matrix.shape)
                )
            )
        self._select(self.input_source, _TYPED)
        self._recompute()

    def _set_text(self, edit: QPlainTextEdit, text: str) -> None:
        self._updating = True
        edit.setPlainText(text)
        self._updating = False

    def _select(self, combo: QComboBox, data: str) -> None:
        combo.blockSignals(True)
        combo.setCurrentIndex(combo.findData(data))
        combo.blockSignals(False)

    def _on_input_source_changed(self, _index: int) -> None:
        key = self.input_source.currentData()
        if key == _TYPED:
            return
        preset = next(p for p in IMAGES if p.key == key)
        self._image = None
        self._set_text(self.input_edit, format_matrix(preset.array()))
        self._recompute()

    def _on_input_edited(self) -> None:
        if self._updating:
            return
        self._image = None
        self._select(self.input_source, _TYPED)
        self._recompute()

    def _on_kernel_source_changed(self, _index: int) -> None:
        key = self.kernel_source.currentData()
        if key == _TYPED:
            return
        preset = next(p for p in KERNELS if p.key == key)
        self._forget_learned()
        self._set_text(self.kernel_edit, format_matrix(preset.array()))
        self.bias_spin.setValue(0)
        self._recompute()

    def _on_kernel_edited(self) -> None:
        if self._updating:
            return
        self._forget_learned()
        self._select(self.kernel_source, _TYPED)
        self._recompute()

    def _forget_learned(self) -> None:
        self._learned = None
        self._learned_weights = None
        self.learned_label.setText("")

    def open_image(self, path: str | Path) -> bool:
        """Use the picture at ``path`` as the input (in grey, at most 64 px a side)."""
        image = QImage(str(path))
        try:
            matrix = image_to_matrix(image)
        except LabError:
            self.error_label.setText(
                translate("Lab", "{name}: not an image Qt can read").format(name=Path(path).name)
            )
            return False
        self.set_input_matrix(matrix)
        return True

    def _on_open_image_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate("Lab", "Open Image"), "", IMAGE_FILTER
        )
        if path:
            self.open_image(path)

    def _on_sample_clicked(self) -> None:
        insight = getattr(self.designer, "insight", None)
        sample = getattr(insight, "sample", None)
        if sample is None:
            self.error_label.setText(
                translate(
                    "Lab", "No sample yet: open the Feature maps panel and pick a sample first"
                )
            )
            return
        image = np.asarray(sample.image, dtype=np.float64)
        if image.ndim == 3:  # H x W x 3 for display -> 3 x H x W, as the filter reads it
            image = np.transpose(image, (2, 0, 1))
        self.set_input_matrix(np.round(image * 255))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _local_image_path(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = _local_image_path(event.mimeData())
        if path is not None and self.open_image(path):
            event.acceptProposedAction()

    # -- learned filters ---------------------------------------------------------------------
    def refresh_conv_choices(self) -> None:
        """List the design's Conv blocks (2-D ones) for "Use Filter"."""
        current = self.conv_choice.currentData()
        self.conv_choice.clear()
        session = getattr(self.designer, "session", None)
        if session is None:
            self.learned_button.setEnabled(False)
            return
        analysis = session.analysis
        for layer in session.design:
            info = analysis.layers.get(layer.id) if analysis is not None else None
            shape = info.output_shape if info is not None else None
            if layer.type == "Conv" and shape is not None and len(shape) == 3:
                self.conv_choice.addItem(layer.id, (layer.id, int(shape[0])))
        if current is not None:
            index = self.conv_choice.findData(current)
            if index >= 0:
                self.conv_choice.setCurrentIndex(index)
        has_conv = self.conv_choice.count() > 0
        self.learned_button.setEnabled(has_conv)
        if not has_conv:
            self.conv_choice.addItem(translate("Lab", "(no valid 2-D Conv block)"))
            self.conv_choice.setEnabled(False)
        else:
            self.conv_choice.setEnabled(True)
            self.filter_index.setMaximum(int(self.conv_choice.currentData()[1]))

    def _insertion_point(self) -> str | None:
        """The block the frozen Conv follows: the designer's selection, else the Input."""
        if self.designer is None:
            return None
        session = self.designer.session
        if len(session.selection) == 1:
            return str(session.selection[0])
        return session.analysis.input_id

    def _on_to_design_clicked(self) -> None:
        from ...core.lab.to_design import frozen_conv

        session = getattr(self.designer, "session", None)
        after = self._insertion_point() if session is not None else None
        try:
            if session is None or after is None:
                raise LabError("there is no design with an Input to add the block to")
            if self.is_pooling:
                raise LabError("choose Convolution: pooling has no kernel to put in a Conv")
            kernel, bias = self._kernel()
            key = str(self.kernel_source.currentData() or "kernel")
            name = "kernel" if key == _TYPED else key
            # A free text of the block, in the user's language as the kernel's name already is.
            label = (
                None
                if key == _TYPED
                else translate("Lab", "{kernel} (fixed)").format(
                    kernel=self.kernel_source.currentText()
                )
            )
            if self._learned is not None:
                name, label = f"{self._learned[0]}_f{self._learned[1] + 1}", None
            command, new_id = frozen_conv(
                session.design,
                session.analysis,
                kernel,
                after,
                stride=self.stride_spin.value(),
                padding=self.padding_spin.value(),
                dilation=self.dilation_spin.value(),
                padding_mode=str(self.padding_mode.currentData()),
                bias=bias,
                name=name,
                label=label,
            )
        except LabError as exc:
            self.to_design_label.setText(str(exc))
            return
        session.push(command)
        self.to_design_label.setText(
            translate(
                "Lab",
                "Added the frozen Conv {new_id} after {after} (Undo in the designer removes it).",
            ).format(new_id=new_id, after=after)
        )

    def _on_use_filter_clicked(self) -> None:
        data = self.conv_choice.currentData()
        if not data:
            return
        conv_id = str(data[0])
        index = self.filter_index.value() - 1
        self._learned_request += 1
        request = self._learned_request
        self.learned_label.setText(
            translate("Lab", "Reading the filters of {conv}…").format(conv=conv_id)
        )
        job, run = self._filter_job(conv_id)
        run(job, lambda result: self._on_filters_ready(request, conv_id, index, result))

    def _filter_job(self, conv_id: str) -> tuple[Callable[[], Any], Callable[..., None]]:
        """A job giving (weights, bias, where from) off the GUI thread, and the runner for it."""
        designer = self.designer
        assert designer is not None  # the button is enabled only with a designer's Conv blocks
        session = designer.session
        design = session.design.clone()
        training: Any = getattr(designer, "training", None)
        trained = None
        where = translate("Lab", "initial weights (seed 0)")
        idle = training is not None and training.model is not None and not training.is_running
        if idle and training.weights_fit(session.design, session.analysis):
            trained = training.model
            where = translate("Lab", "trained weights after epoch {n}").format(
                n=_last_epoch(training.history)
            )

        def job() -> Any:
            try:
                from ...engine.activations import filters_of
                from ...engine.builder import build_model

                model = trained if trained is not None else build_model(design, seed=0)
                weights = filters_of(model, conv_id).numpy().astype(np.float64)
                module = getattr(model, conv_id)
                bias = (
                    module.bias.detach().cpu().double().numpy()
                    if module.bias is not None
                    else np.zeros(weights.shape[0])
                )
            except Exception as exc:  # a design the builder refuses: shown, never raised
                return LabError(f"{conv_id}: {exc}")
            return weights, bias, where

        if training is not None and hasattr(training, "run_off_gui"):
            return job, training.run_off_gui
        return job, lambda fn, receiver: receiver(fn())

    def _on_filters_ready(self, request: int, conv_id: str, index: int, result: Any) -> None:
        if request != self._learned_request:
            return  # a newer request is on its way
        if isinstance(result, LabError):
            self.learned_label.setText(str(result))
            return
        weights, bias, where = result
        if weights.ndim != 4:
            self.learned_label.setText(
                translate("Lab", "{conv} is not a 2-D convolution").format(conv=conv_id)
            )
            return
        index = min(index, weights.shape[0] - 1)
        self._learned = (conv_id, index)
        self._learned_weights = (weights[index], float(bias[index]))
        self._set_text(self.kernel_edit, format_matrix(weights[index][0]))
        self._select(self.kernel_source, _TYPED)
        channels = weights.shape[1]
        self.learned_label.setText(
            translate(
                "Lab",
                "{conv}, filter {n} of {total} ({where}): {channels} input channel(s), bias {bias}",
            ).format(
                conv=conv_id,
                n=index + 1,
                total=weights.shape[0],
                where=where,
                channels=channels,
                bias=f"{float(bias[index]):.4g}",
            )
        )
        self._recompute()

    def showEvent(self, event: Any) -> None:
        self.refresh_conv_choices()
        super().showEvent(event)
