"""A light pyqtgraph item for the per-epoch curves: a line with a marker at every point.

`pg.PlotDataItem` with a symbol is three items (itself, a `PlotCurveItem` and a
`ScatterPlotItem`); on every ``setData`` the scatter rebuilds its spot table and symbol atlas
(about 0.6 ms), and each repaint calls several Python ``paint`` and ``boundingRect`` methods per
curve. During training that work lands on the GUI thread 20 times a second, next to a worker
thread that wants the GIL. `EpochCurve` is one item whose ``paint`` is two C++ draw calls
(``drawPolyline`` for the line, ``drawPoints`` with a wide round or square cosmetic pen for the
markers), which is all a curve of one point per epoch needs.

It keeps the parts of the `PlotDataItem` interface the plots use: ``setData``/``getData``,
and an ``opts`` dict that pyqtgraph's legend reads to draw its sample (clicking the sample hides
the curve, as for any pyqtgraph item).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF

__all__ = ["EpochCurve"]


class EpochCurve(pg.GraphicsObject):
    """A polyline through finite points with a marker at each; NaN breaks the line."""

    def __init__(
        self,
        colour: QColor | str,
        *,
        width: float = 2.0,
        marker_size: float = 6.0,
        square: bool = False,
        style: Qt.PenStyle = Qt.PenStyle.SolidLine,
    ) -> None:
        super().__init__()
        self._line_pen = pg.mkPen(colour, width=width, style=style)  # cosmetic: width in pixels
        self._marker_pen = QPen(QColor(colour), marker_size)
        self._marker_pen.setCosmetic(True)
        self._marker_pen.setCapStyle(
            Qt.PenCapStyle.SquareCap if square else Qt.PenCapStyle.RoundCap
        )
        self._marker_size = marker_size
        # What pyqtgraph's legend sample reads: the line, then the symbol with size and brush.
        self.opts: dict[str, Any] = {
            "pen": self._line_pen,
            "symbol": "s" if square else "o",
            "size": marker_size - 1 if square else marker_size,
            "brush": pg.mkBrush(colour),
            "antialias": True,
        }
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._segments: list[QPolygonF] = []
        self._points = QPolygonF()
        self._data_rect = QRectF()
        self._bounds: QRectF | None = None

    def setData(self, x: Any, y: Any) -> None:
        """Replace the points (equal lengths); a non-finite value breaks the line there."""
        self._x = np.asarray(x, dtype=float)
        self._y = np.asarray(y, dtype=float)
        finite = np.isfinite(self._x) & np.isfinite(self._y)
        self._segments = []
        points: list[QPointF] = []
        segment: list[QPointF] = []
        for a, b, ok in zip(self._x.tolist(), self._y.tolist(), finite.tolist(), strict=True):
            if ok:
                segment.append(QPointF(a, b))
                points.append(segment[-1])
            elif segment:
                self._segments.append(QPolygonF(segment))
                segment = []
        if segment:
            self._segments.append(QPolygonF(segment))
        self._points = QPolygonF(points)
        self.prepareGeometryChange()
        if finite.any():
            xs, ys = self._x[finite], self._y[finite]
            low_x, low_y = float(xs.min()), float(ys.min())
            self._data_rect = QRectF(low_x, low_y, float(xs.max()) - low_x, float(ys.max()) - low_y)
        else:
            self._data_rect = QRectF()
        self._bounds = None
        self.informViewBoundsChanged()
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x, self._y

    def dataBounds(
        self, axis: int, frac: float = 1.0, orthoRange: Any = None
    ) -> tuple[float, float] | tuple[None, None]:
        """The data range on ``axis`` (0: x, 1: y), for ViewBox auto-ranging."""
        if self._points.isEmpty():
            return None, None
        rect = self._data_rect
        return (rect.left(), rect.right()) if axis == 0 else (rect.top(), rect.bottom())

    def pixelPadding(self) -> float:
        """The marker radius in pixels: the margin auto-ranging keeps around the data."""
        return self._marker_size / 2 + 1

    def viewTransformChanged(self) -> None:
        """The view zoomed or resized: the marker margin, in data units, changed with it."""
        super().viewTransformChanged()
        self.prepareGeometryChange()
        self._bounds = None

    def boundingRect(self) -> QRectF:
        if self._bounds is None:
            if self._points.isEmpty():
                self._bounds = QRectF()
            else:
                # The data rectangle, grown by the marker radius converted into data units.
                pad_x = pad_y = 0.0
                device = self.deviceTransform_()
                if device is not None:
                    inverse, ok = device.inverted()
                    if ok:
                        radius = self.pixelPadding()
                        pad_x = abs(inverse.m11()) * radius + abs(inverse.m21()) * radius
                        pad_y = abs(inverse.m12()) * radius + abs(inverse.m22()) * radius
                self._bounds = self._data_rect.adjusted(-pad_x, -pad_y, pad_x, pad_y)
        return self._bounds

    def paint(self, painter: QPainter, *args: Any) -> None:
        if self._points.isEmpty():
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(self._line_pen)
        for segment in self._segments:
            if segment.count() > 1:
                painter.drawPolyline(segment)
        painter.setPen(self._marker_pen)
        painter.drawPoints(self._points)
