"""A matrix drawn as the lectures draw it: numbers in cells when they fit, pixels when they don't.

One `MatrixView` shows the (padded) input, the kernel or the output of the Convolution Lab.
Cells can be marked: padding (hatched grey), pixels a stride never reaches (red cross-hatch),
the window the current output pixel reads (an outline), the value pooling picks (a bold
frame), the current output pixel. Clicking a cell emits `cell_clicked(row, col)`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...core.i18n import translate
from ...core.lab import format_number

#: Below this many pixels a cell shows its colour only: a number would not be readable.
MIN_NUMBER_CELL = 22


class MatrixView(QWidget):
    """A 2-D matrix with marked cells; the colour scale is grey (images) or diverging (kernels)."""

    cell_clicked = Signal(int, int)

    def __init__(
        self, title: str, *, diverging: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"lab_{title.lower().replace(' ', '_')}_view")
        self.title = title
        self.diverging = diverging
        self.values = np.zeros((0, 0))
        self.padding_cells: set[tuple[int, int]] = set()
        self.dropped_cells: set[tuple[int, int]] = set()
        self.window_cells: set[tuple[int, int]] = set()
        self.chosen_cell: tuple[int, int] | None = None
        self.current_cell: tuple[int, int] | None = None
        self.decimals = 2
        self.setMinimumSize(120, 120)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

    # -- data --------------------------------------------------------------------------------
    def set_matrix(
        self,
        values: np.ndarray,
        *,
        padding: Iterable[tuple[int, int]] = (),
        dropped: Iterable[tuple[int, int]] = (),
    ) -> None:
        self.values = np.atleast_2d(np.asarray(values, dtype=np.float64))
        self.padding_cells = set(padding)
        self.dropped_cells = set(dropped)
        self.window_cells = set()
        self.chosen_cell = None
        self.current_cell = None
        self.update()

    def set_marks(
        self,
        *,
        window: Iterable[tuple[int, int]] = (),
        chosen: tuple[int, int] | None = None,
        current: tuple[int, int] | None = None,
    ) -> None:
        self.window_cells = set(window)
        self.chosen_cell = chosen
        self.current_cell = current
        self.update()

    # -- geometry ----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        rows, cols = self.values.shape if self.values.size else (4, 4)
        cell = 34 if max(rows, cols) <= 12 else max(4, 420 // max(rows, cols))
        return QSize(min(cols * cell + 8, 480), min(rows * cell + 28, 480))

    def _cell_size(self) -> float:
        rows, cols = self.values.shape
        if rows == 0 or cols == 0:
            return 0.0
        top = self._title_height()
        return max(1.0, min((self.width() - 4) / cols, (self.height() - top - 4) / rows))

    def _title_height(self) -> int:
        return QFontMetrics(self.font()).height() + 6

    def _origin(self) -> tuple[float, float]:
        rows, cols = self.values.shape
        cell = self._cell_size()
        top = self._title_height()
        x0 = (self.width() - cols * cell) / 2
        y0 = top + (self.height() - top - rows * cell) / 2
        return x0, y0

    def cell_rect(self, row: int, col: int) -> QRectF:
        """Where cell ``(row, col)`` is drawn, in widget coordinates."""
        cell = self._cell_size()
        x0, y0 = self._origin()
        return QRectF(x0 + col * cell, y0 + row * cell, cell, cell)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        cell = self._cell_size()
        if cell <= 0:
            return None
        x0, y0 = self._origin()
        col, row = int((x - x0) // cell), int((y - y0) // cell)
        rows, cols = self.values.shape
        return (row, col) if 0 <= row < rows and 0 <= col < cols else None

    def shows_numbers(self) -> bool:
        """Whether the cells are big enough for their numbers (else they are pixels)."""
        cell = self._cell_size()
        if cell < MIN_NUMBER_CELL or not self.values.size:
            return False
        widest = max(
            QFontMetrics(self._number_font(cell)).horizontalAdvance(self._text(v))
            for v in self.values.flat
        )
        return widest <= cell - 2

    def _number_font(self, cell: float) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(9, min(16, int(cell * 0.38))))
        return font

    def _text(self, value: float) -> str:
        return format_number(value, self.decimals)

    # -- painting ----------------------------------------------------------------------------
    def _colour(self, value: float, low: float, high: float) -> QColor:
        if not np.isfinite(value):
            return QColor("#d0d0d0")
        if self.diverging:
            peak = max(abs(low), abs(high)) or 1.0
            t = max(-1.0, min(1.0, value / peak))
            if t >= 0:
                return QColor.fromRgbF(1.0, 1.0 - 0.65 * t, 1.0 - 0.65 * t)
            return QColor.fromRgbF(1.0 + 0.65 * t, 1.0 + 0.65 * t, 1.0)
        span = (high - low) or 1.0
        grey = (value - low) / span
        return QColor.fromRgbF(grey, grey, grey)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        palette = self.palette()
        painter.setPen(palette.windowText().color())
        painter.drawText(
            QRectF(0, 0, self.width(), self._title_height()),
            Qt.AlignmentFlag.AlignCenter,
            self._caption(),
        )
        if not self.values.size:
            return
        finite = self.values[np.isfinite(self.values)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        numbers = self.shows_numbers()
        cell = self._cell_size()
        font = self._number_font(cell)
        painter.setFont(font)
        rows, cols = self.values.shape
        grid = QPen(QColor(128, 128, 128, 110))
        for r in range(rows):
            for c in range(cols):
                rect = self.cell_rect(r, c)
                value = float(self.values[r, c])
                fill = self._colour(value, low, high)
                if numbers and not self.diverging:
                    # Numbers stay readable on a light tint of the pixel's grey.
                    grey = fill.redF()
                    fill = QColor.fromRgbF(
                        0.55 + 0.45 * grey, 0.55 + 0.45 * grey, 0.55 + 0.45 * grey
                    )
                painter.fillRect(rect, fill)
                if (r, c) in self.padding_cells:
                    painter.fillRect(
                        rect, QBrush(QColor(120, 120, 120, 150), Qt.BrushStyle.BDiagPattern)
                    )
                if (r, c) in self.dropped_cells:
                    painter.fillRect(
                        rect, QBrush(QColor(210, 40, 40, 170), Qt.BrushStyle.DiagCrossPattern)
                    )
                if numbers:
                    painter.setPen(QColor("#111111"))
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._text(value))
                if cell >= 6:
                    painter.setPen(grid)
                    painter.drawRect(rect)
        self._paint_marks(painter, cell)

    def _paint_marks(self, painter: QPainter, cell: float) -> None:
        highlight = self.palette().highlight().color()
        if self.window_cells:
            tint = QColor(highlight)
            tint.setAlpha(70)
            for r, c in self.window_cells:
                painter.fillRect(self.cell_rect(r, c), tint)
            rows = [r for r, _ in self.window_cells]
            cols = [c for _, c in self.window_cells]
            outline = self.cell_rect(min(rows), min(cols)).united(
                self.cell_rect(max(rows), max(cols))
            )
            painter.setPen(QPen(highlight, max(2.0, cell / 12)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(outline)
        for mark, colour in ((self.chosen_cell, QColor("#e08a00")), (self.current_cell, highlight)):
            if mark is not None:
                painter.setPen(QPen(colour, max(2.5, cell / 8)))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(self.cell_rect(*mark).adjusted(1, 1, -1, -1))

    def _caption(self) -> str:
        rows, cols = self.values.shape
        title = translate("Lab", self.title)
        return f"{title}  {rows}x{cols}" if self.values.size else title

    # -- input -------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            hit = self.cell_at(event.position().x(), event.position().y())
            if hit is not None:
                self.cell_clicked.emit(*hit)
                return
        super().mousePressEvent(event)
