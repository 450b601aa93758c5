"""The hidden docks painted once, off screen, in small steps after start-up (issue 19).

A dock tabbed behind another has never been laid out: Qt leaves it at its minimum size until
its tab is first clicked, and that click then lays the dock out and paints it for the first
time. For the Training dock, whose curves are pyqtgraph views (axes measured and drawn into
pictures, legends laid out), that first paint held the GUI thread for 80 to 130 ms here, a
hitch the user feels on the first click. `FirstPaintPrimer` does that work before the user
asks, one step per event-loop turn, each well under 50 ms: it gives each hidden dock the size
of the dock in front of it, paints each graphics view in it into a throwaway image, then the
whole dock. A dock the user brings to the front in the meantime is skipped, and nothing is
shown or changed: Qt and pyqtgraph only keep their layouts and caches.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDockWidget, QGraphicsView, QMainWindow, QWidget

#: Between two steps: input and timers of the event loop run in between.
STEP_GAP_MS = 15


def _paint(widget: QWidget) -> None:
    """Render ``widget`` (laid out, children included) into an image that is thrown away."""
    size = widget.size()
    if size.isEmpty():
        return
    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    # QWidget.render, not the QGraphicsView override (which renders the scene into a painter).
    QWidget.render(widget, image)


def _front_sibling(window: QMainWindow, dock: QDockWidget) -> QDockWidget | None:
    """The dock in front of ``dock`` in its tab group, if it is hidden behind one."""
    for other in window.tabifiedDockWidgets(dock):
        if not other.visibleRegion().isEmpty():
            return other
    return None


class FirstPaintPrimer(QObject):
    """Lays out and paints the window's docks that are tabbed out of sight, a step at a time."""

    #: All steps ran (or were skipped because their dock came to the front).
    finished = Signal()

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.steps_run = 0
        self._steps: list[Callable[[], None]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(STEP_GAP_MS)
        self._timer.timeout.connect(self._next)
        self._started = False
        self.done = False

    def start(self, delay_ms: int = 0) -> None:
        """Plan and run the steps from ``delay_ms`` on (once: later calls do nothing)."""
        if self._started:
            return
        self._started = True
        QTimer.singleShot(delay_ms, self._plan)

    def _plan(self) -> None:
        # Planned when it runs, not when asked: which docks hide behind others is known only
        # once the window is shown and laid out (and the user may have moved them since).
        for dock in self.window.findChildren(QDockWidget):
            hidden = dock.widget() is not None and self._hidden(dock)
            if hidden and _front_sibling(self.window, dock) is not None:
                self._steps.append(partial(self._lay_out, dock))
        if self._steps:
            self._timer.start()
        else:
            self._finish()

    def _hidden(self, dock: QDockWidget) -> bool:
        return dock.visibleRegion().isEmpty() and not dock.isFloating()

    def _lay_out(self, dock: QDockWidget) -> None:
        """Step 1 of a dock: the size its tab will give it, and the paints to do after that."""
        front = _front_sibling(self.window, dock)
        if front is None or not self._hidden(dock):
            return
        dock.resize(front.size())
        widget = dock.widget()
        assert widget is not None
        views = [v for v in widget.findChildren(QGraphicsView) if v.isVisibleTo(widget)]
        later: list[Callable[[], None]] = [partial(self._paint_if_hidden, dock, v) for v in views]
        later.append(partial(self._paint_if_hidden, dock, widget))
        self._steps[0:0] = later

    def _paint_if_hidden(self, dock: QDockWidget, widget: QWidget) -> None:
        if self._hidden(dock):
            _paint(widget)

    def _next(self) -> None:
        if not self._steps:
            self._finish()
            return
        step = self._steps.pop(0)
        step()
        self.steps_run += 1
        self._timer.start()

    def _finish(self) -> None:
        self.done = True
        self.finished.emit()


def install_first_paint(window: Any, after: Any) -> tuple[FirstPaintPrimer, Callable[..., None]]:
    """Prime ``window``'s hidden docks once the signal ``after`` (the warm-up's end) fires.

    Returns the primer and the slot connected to ``after`` (a benchmark disconnects it)."""
    primer = FirstPaintPrimer(window)

    def trigger(*_: object) -> None:
        primer.start()

    after.connect(trigger)
    return primer, trigger
