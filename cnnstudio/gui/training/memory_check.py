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
from .install import TRAIN_MENU, find_menu


class MemoryWindow(QDialog):
    """The result: the estimate by kind, what torch held, and the error in percent."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("memory_check_window")
        self.setWindowTitle("Step Memory")
        self.setModal(False)
        self.status = QLabel("Running one training step…")
        self.status.setWordWrap(True)
        self.lines = QLabel()
        self.lines.setObjectName("memory_check_lines")
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton("Close")
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
    held = "peak allocated by torch" if result.method == "allocator peak" else "tensors held"
    direction = "higher" if result.error >= 0 else "lower"
    return [
        f"Estimate: {fmt_bytes(e.total)} (weights {fmt_bytes(e.weights)}, gradients "
        f"{fmt_bytes(e.gradients)}, optimizer {fmt_bytes(e.optimizer)}, activations "
        f"{fmt_bytes(e.activations)})",
        f"Measured on {result.device}: {fmt_bytes(result.measured)} ({held})",
        f"The estimate is {abs(result.error):.1f} % {direction} than what torch held.",
    ]


class MemoryCheck:
    """Train ▸ Measure Step Memory… and its window."""

    def __init__(self, window: Any, controller: Any, menu: Any) -> None:
        self.window = window
        self.controller = controller
        self.result_window: MemoryWindow | None = None
        self.last_result: Any = None
        self.action = QAction("Measure Step &Memory…", window)
        self.action.setObjectName("measure_memory_action")
        self.action.setStatusTip(
            "Run one training step with the panel's batch size, optimizer and device, and "
            "compare the memory torch holds with the estimate"
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
            window.status.setText(f"Training settings: {exc}")
            return window
        design = self.window.session.design.clone()
        window.status.setText(
            f"One training step of batch {settings.batch_size} with {settings.optimizer} "
            f"on {settings.device}…"
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
            window.status.setText(f"The step could not be measured: {first_line(result)}")
            return
        self.last_result = result
        window.status.setText(
            f"One training step of batch {result.estimate.batch_size} on {result.device}"
        )
        window.lines.setText("\n".join(result_lines(result)))


def install_memory_check(window: Any, controller: Any) -> MemoryCheck:
    """Add Train ▸ Measure Step Memory… to ``window``'s Train menu."""
    menu = find_menu(window, TRAIN_MENU)
    if menu is None:
        raise RuntimeError("install_training must run first: the Train menu is missing")
    return MemoryCheck(window, controller, menu)
