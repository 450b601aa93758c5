"""View ▸ Convolution Lab: one lab window per designer window, opened on demand."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction

from ...core.i18n import translate
from .window import LabWindow


class LabLauncher:
    """Owns the designer's lab window: made at the first View ▸ Convolution Lab, then reused."""

    def __init__(self, designer: Any) -> None:
        self.designer = designer
        self.window: LabWindow | None = None
        self.action = QAction(translate("Lab", "Convolution &Lab"), designer)
        self.action.setObjectName("convolution_lab_action")
        tip = translate(
            "Lab", "Slide a kernel over an image and see every output pixel as a sum of products"
        )
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        self.action.triggered.connect(lambda _=False: self.show())
        designer.session.analysis_changed.connect(self._on_design_changed)

    def show(self) -> LabWindow:
        if self.window is None:
            self.window = LabWindow(self.designer)
        if self.window.isVisible():  # already open, perhaps behind the designer: bring it up
            self.window.raise_()
            self.window.activateWindow()
        self.window.show()
        return self.window

    def _on_design_changed(self, *_: object) -> None:
        if self.window is not None and self.window.isVisible():
            self.window.refresh_conv_choices()

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            self.window = None


def install_lab(designer: Any) -> LabLauncher:
    """Add View ▸ Convolution Lab to ``designer`` (a `MainWindow`)."""
    launcher = LabLauncher(designer)
    designer.view_menu.addSeparator()
    designer.view_menu.addAction(launcher.action)
    return launcher
