"""Train ▸ Measure Step Memory: one real training step next to the analytic estimate.

The status bar shows the estimate of one training step's memory for the Training panel's batch
size and optimizer (`cnnstudio.core.memory`); this action runs one such step on the training
thread, on the panel's device, with random data (`cnnstudio.engine.memory_measure`), and shows
what torch held beside the estimate: on CUDA the allocator's peak, on the CPU the tensors the
step holds. The design is not touched.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.formatting import first_line, fmt_bytes
from ...core.i18n import format_decimal, translate
from .install import TRAIN_MENU, find_menu


class MemoryWindow(QDialog):
    """The result: the estimate by kind, what torch held, and the error in percent."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("memory_check_window")
        self.setWindowTitle(translate("Training", "Step Memory"))
        self.setModal(False)
        self.status = QLabel(translate("Training", "Running one training step…"))
        self.status.setWordWrap(True)
        self.lines = QLabel()
        self.lines.setObjectName("memory_check_lines")
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton(translate("Training", "Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.lines)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(560, 260)


def result_lines(result: Any) -> list[str]:
    """The measured step as a person reads it (``result`` is a `MeasuredStep`)."""
    e = result.estimate
    held = (
        translate("Training", "peak allocated by torch")
        if result.method == "allocator peak"
        else translate("Training", "tensors held")
    )
    off = format_decimal(abs(result.error), 1)
    return [
        translate(
            "Training",
            "Estimate: {total} (weights {weights}, gradients {gradients}, optimizer "
            "{optimizer}, activations {activations})",
        ).format(
            total=fmt_bytes(e.total),
            weights=fmt_bytes(e.weights),
            gradients=fmt_bytes(e.gradients),
            optimizer=fmt_bytes(e.optimizer),
            activations=fmt_bytes(e.activations),
        ),
        translate("Training", "Measured on {device}: {bytes} ({held})").format(
            device=result.device, bytes=fmt_bytes(result.measured), held=held
        ),
        (
            translate("Training", "The estimate is {percent} % higher than what torch held.")
            if result.error >= 0
            else translate("Training", "The estimate is {percent} % lower than what torch held.")
        ).format(percent=off),
    ]


class MemoryCheck:
    """Train ▸ Measure Step Memory… and its window."""

    def __init__(self, window: Any, controller: Any, menu: Any) -> None:
        self.window = window
        self.controller = controller
        self.result_window: MemoryWindow | None = None
        self.last_result: Any = None
        self.action = QAction(translate("Training", "Measure Step &Memory…"), window)
        self.action.setObjectName("measure_memory_action")
        self.action.setStatusTip(
            translate(
                "Training",
                "Run one training step with the panel's batch size, optimizer and device, and "
                "compare the memory torch holds with the estimate",
            )
        )
        self.action.triggered.connect(lambda _=False: self.run())
        menu.addAction(self.action)
        controller.state_changed.connect(self._on_state_changed)
        self._on_state_changed(controller.state)

    def _on_state_changed(self, state: str) -> None:
        self.action.setEnabled(state == "idle")  # it runs on the training thread

    def run(self) -> MemoryWindow:
        if self.result_window is not None:
            self.result_window.close()
            self.result_window.deleteLater()
        window = self.result_window = MemoryWindow(self.window)
        window.show()
        try:
            settings = self.controller.view.panel.settings()
        except ValueError as exc:
            window.status.setText(translate("Training", "Training settings: {exc}").format(exc=exc))
            return window
        design = self.window.session.design.clone()
        window.status.setText(
            translate(
                "Training", "One training step of batch {batch_size} with {optimizer} on {device}…"
            ).format(
                batch_size=settings.batch_size, optimizer=settings.optimizer, device=settings.device
            )
        )
        self.action.setEnabled(False)

        def job() -> Any:
            try:
                from ...engine.memory_measure import measure_step

                return measure_step(
                    design,
                    batch_size=settings.batch_size,
                    optimizer=settings.optimizer,
                    momentum=settings.momentum,
                    amp=settings.amp,
                    device=settings.device,
                    seed=settings.seed,
                )
            except Exception as exc:  # shown in the window, never raised on the worker
                return exc

        self.controller.run_off_gui(job, self._on_done)
        return window

    def _on_done(self, result: Any) -> None:
        self._on_state_changed(self.controller.state)
        window = self.result_window
        if window is None:
            return
        if isinstance(result, BaseException):
            window.status.setText(
                translate("Training", "The step could not be measured: {reason}").format(
                    reason=first_line(result)
                )
            )
            return
        self.last_result = result
        window.status.setText(
            translate("Training", "One training step of batch {batch_size} on {device}").format(
                batch_size=result.estimate.batch_size, device=result.device
            )
        )
        window.lines.setText("\n".join(result_lines(result)))


def install_memory_check(window: Any, controller: Any) -> MemoryCheck:
    """Add Train ▸ Measure Step Memory… to ``window``'s Train menu."""
    menu = find_menu(window, TRAIN_MENU)
    if menu is None:
        raise RuntimeError("install_training must run first: the Train menu is missing")
    return MemoryCheck(window, controller, menu)
