"""Wiring the insight dock into the main window.

`install_insight(window, controller)` adds one dock, "Feature maps" (tabs: Feature maps,
Filters, Prediction, Why?, Layer statistics: `InsightPanel`), tabbed with the bottom dock, and
returns the `InsightController` that runs it with the training controller's model and thread.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow

from ...core.i18n import translate
from ..session import DesignSession
from .controller import InsightController, TrainingControllerLike
from .panel import InsightPanel

__all__ = ["install_insight"]


def install_insight(
    window: QMainWindow, controller: TrainingControllerLike | None
) -> InsightController:
    """Add the "Feature maps" dock, tabbed with the bottom dock, and return its controller.

    Uses only ``window.session``, ``addDockWidget``, ``tabifyDockWidget`` and the window's
    existing docks; the dock that was in front stays in front, so nothing is computed (and
    torch is not imported) until the user opens the tab.
    """
    session: DesignSession = window.session  # type: ignore[attr-defined]
    dock = QDockWidget(translate("Insight", "Feature maps"), window)
    dock.setObjectName("FeatureMapsDock")
    panel = InsightPanel(dock)
    dock.setWidget(panel)
    bottom = [
        d
        for d in window.findChildren(QDockWidget)
        if d is not dock
        and window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea
        and not d.isFloating()
    ]
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    if bottom:
        front = next((d for d in bottom if d.isVisible()), None)
        window.tabifyDockWidget(bottom[-1], dock)
        (front or bottom[0]).raise_()
    return InsightController(session, controller, panel, dock, parent=window)
