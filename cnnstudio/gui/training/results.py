"""What a finished run got right and wrong: confusion matrix, per-class accuracy, mistakes.

`TrainingResults` fills itself from the controller when a run ends: a confusion-matrix heat map
(pyqtgraph ImageItem, colour = share of the true class, text = count, class names on the axes),
a bar chart of per-class validation accuracy, and a grid of up to 32 misclassified validation
images (denormalized by the worker) labelled with the predicted and the true class.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPalette, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import translate
from ..plot_palette import restyle_plots
from .controller import TrainingController

if TYPE_CHECKING:
    from ...engine.trainer import RunFinished

__all__ = ["TrainingResults", "array_to_qimage"]

_MAX_CELL_TEXT_CLASSES = 20  # beyond this the counts would not fit in the cells
_MIN_CELL_FONT_PX = 7  # smaller counts are unreadable: then the colours alone tell
_MAX_CELL_FONT_PX = 14
_THUMB_PX = 48
_GRID_COLUMNS = 8


def array_to_qimage(image: np.ndarray) -> QImage:
    """An H x W x C (C = 1 or 3) float image in [0, 1] as a QImage (copied)."""
    data = np.ascontiguousarray(np.clip(image, 0.0, 1.0) * 255.0 + 0.5, dtype=np.float32)
    pixels = np.ascontiguousarray(data.astype(np.uint8))
    h, w = pixels.shape[:2]
    if pixels.ndim == 2 or pixels.shape[2] == 1:
        gray = np.ascontiguousarray(pixels.reshape(h, w))
        return QImage(gray.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    rgb = np.ascontiguousarray(pixels[:, :, :3])
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def _short(name: str, limit: int = 10) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


class TrainingResults(QWidget):
    """Confusion matrix, per-class accuracy and misclassified samples of the last run."""

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._take_palette_colours()

        # Both charts in one graphics view: its layout shrinks them together in a narrow dock.
        self.charts = pg.GraphicsLayoutWidget()
        self.charts.setMinimumSize(240, 180)
        self.confusion_plot = self._plot(0, translate("Training", "true class"), "predicted class")
        self.confusion_plot.setTitle(translate("Training", "Confusion matrix"), size="10pt")
        self.confusion_plot.invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.confusion_plot.addItem(self.image)
        self.cell_texts: list[pg.TextItem] = []
        self._count_digits = 1
        # The counts are text of a fixed pixel size over cells that scale with the view: the
        # font follows the cell size, so that numbers never spill into their neighbours.
        self.confusion_plot.vb.sigResized.connect(self._fit_cell_texts)

        self.accuracy_plot = self._plot(1, translate("Training", "accuracy %"), "class")
        self.accuracy_plot.setTitle(translate("Training", "Per-class accuracy"), size="10pt")
        self.accuracy_plot.setYRange(0, 100, padding=0.02)
        self.bars: pg.BarGraphItem | None = None
        restyle_plots(self.charts, palette=self.palette())  # and again on a theme change

        self.mistakes_title = QLabel(translate("Training", "Misclassified validation images"))
        # Two lines of its own, never word-wrapped: a wrapping label has a height-for-width,
        # which makes the whole tab ask the dock's scroll area for its preferred height, and
        # the charts were then cut at the bottom instead of fitted to the dock.
        self.mistakes_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.mistakes_title.setFixedHeight(2 * self.mistakes_title.fontMetrics().lineSpacing() + 2)
        self.mistakes_title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.mistakes = QWidget()
        self.mistakes_grid = QGridLayout(self.mistakes)
        self.mistakes_grid.setSpacing(4)
        self.mistakes_grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._cells: list[QWidget] = []
        self._laid_columns = 0
        # Not `scroll`: that name is QWidget.scroll(dx, dy).
        self.mistakes_scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.mistakes)
        # Reflow when the visible width changes, which the tab's own resize does not always
        # tell: the viewport is resized after it, by the scroll area's layout.
        scroll.viewport().installEventFilter(self)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 4, 4, 4)
        right_layout.addWidget(self.mistakes_title)
        right_layout.addWidget(scroll, 1)

        # Stretch factors, not a splitter: the three parts share the tab's width sensibly.
        self.content = QWidget()
        row = QHBoxLayout(self.content)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.charts, 3)
        row.addWidget(right, 2)
        self.empty_label = QLabel(
            translate("Training", "The confusion matrix and the mistakes appear when a run ends.")
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.content, 1)
        self.content.hide()

        self._pending: RunFinished | None = None
        self._shown: RunFinished | None = None
        controller.run_finished.connect(self.show_result)
        if controller.last_finished is not None:
            self.show_result(controller.last_finished)

    def _plot(self, col: int, left: str, bottom: str) -> pg.PlotItem:
        plot = self.charts.addPlot(row=0, col=col)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.setLabel("left", left)
        plot.setLabel("bottom", bottom)
        return plot

    def sizeHint(self) -> QSize:
        return QSize(800, 340)

    def _take_palette_colours(self) -> None:
        pal = self.palette()
        self._fg = pal.color(QPalette.ColorRole.Text)
        self._base = pal.color(QPalette.ColorRole.Base)
        self._accent = pal.color(QPalette.ColorRole.Highlight)

    def changeEvent(self, event: QEvent) -> None:
        # View > Theme: the charts and the heat map's colours follow the new palette.
        if event.type() == QEvent.Type.PaletteChange:
            self._take_palette_colours()
            restyle_plots(self.charts, palette=self.palette())
            if self._shown is not None and self._pending is None:
                self.show_result(self._shown)
        super().changeEvent(event)

    # ----------------------------------------------------------------- filling

    def show_result(self, event: RunFinished) -> None:
        """Draw the matrices and the mistakes of a finished run (when this tab is visible)."""
        self._pending = event
        if self.isVisible():
            self._render(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._pending is not None:
            self._render(self._pending)

    def _render(self, event: RunFinished) -> None:
        # Drawing ~100 text items and 32 thumbnails takes a while: done only when visible.
        self._pending = None
        self._shown = event
        names = [str(n) for n in event.class_names]
        self._show_confusion(np.asarray(event.confusion), names)
        self._show_accuracy(event.per_class_accuracy, names)
        self._show_mistakes(names)
        self.empty_label.hide()
        self.content.show()

    def _show_confusion(self, confusion: np.ndarray, names: list[str]) -> None:
        k = confusion.shape[0]
        totals = confusion.sum(axis=1, keepdims=True).astype(float)
        share = np.divide(confusion, totals, out=np.zeros(confusion.shape), where=totals > 0)
        low = QColor(self._base)
        cmap = pg.ColorMap([0.0, 1.0], [low, self._accent])
        self.image.setImage(share, levels=(0.0, 1.0))
        self.image.setColorMap(cmap)
        self.image.setRect(-0.5, -0.5, k, k)
        plot = self.confusion_plot
        for item in self.cell_texts:
            plot.removeItem(item)
        self.cell_texts.clear()
        if k <= _MAX_CELL_TEXT_CLASSES:
            self._count_digits = len(str(int(confusion.max()))) if confusion.size else 1
            for i in range(k):
                for j in range(k):
                    count = int(confusion[i, j])
                    if count == 0 and i != j:
                        continue
                    dark_cell = share[i, j] > 0.55
                    colour = "#ffffff" if dark_cell else self._fg.name()
                    text = pg.TextItem(str(count), color=colour, anchor=(0.5, 0.5))
                    text.setPos(j, i)
                    plot.addItem(text)
                    self.cell_texts.append(text)
        ticks = [[(i, _short(n)) for i, n in enumerate(names)]] if k <= 30 else None
        plot.getAxis("bottom").setTicks(ticks)
        plot.getAxis("left").setTicks(ticks)
        plot.setRange(xRange=(-0.5, k - 0.5), yRange=(-0.5, k - 0.5), padding=0.04)
        self._fit_cell_texts()

    def cell_size(self) -> tuple[float, float]:
        """Width and height of one confusion-matrix cell on screen, in pixels.

        The cells are not kept square: the tab is wide and short on a laptop, and square cells
        would leave the matrix a small block in a wide empty plot with unreadable numbers.
        """
        px, py = self.confusion_plot.vb.viewPixelSize()
        return (1.0 / px if px > 0 else 0.0, 1.0 / py if py > 0 else 0.0)

    def cell_font_pixels(self) -> int:
        """The pixel size of the counts that fits the cells (0: too small to be readable)."""
        width, height = self.cell_size()
        # Digits are about 0.6 em wide; keep a margin on each side and a cap for big cells.
        size = min(height * 0.6, width * 0.85 / (0.62 * self._count_digits), _MAX_CELL_FONT_PX)
        return int(size) if size >= _MIN_CELL_FONT_PX else 0

    def _fit_cell_texts(self, *_: object) -> None:
        if not self.cell_texts:
            return
        size = self.cell_font_pixels()
        font = QFont()
        if size:
            font.setPixelSize(size)
        for text in self.cell_texts:
            text.setVisible(bool(size))
            if size:
                text.setFont(font)

    def _show_accuracy(self, per_class: tuple[float, ...], names: list[str]) -> None:
        plot = self.accuracy_plot
        if self.bars is not None:
            plot.removeItem(self.bars)
        values = np.array([0.0 if math.isnan(v) else v * 100.0 for v in per_class])
        x = np.arange(len(values))
        brush = QColor(self._accent)
        self.bars = pg.BarGraphItem(x=x, height=values, width=0.7, brush=brush, pen=None)
        plot.addItem(self.bars)
        k = len(names)
        plot.getAxis("bottom").setTicks(
            [[(i, _short(n)) for i, n in enumerate(names)]] if k <= 30 else None
        )
        plot.setXRange(-0.6, k - 0.4, padding=0)
        plot.setYRange(0, 100, padding=0.02)

    def _show_mistakes(self, names: list[str]) -> None:
        for cell in self._cells:
            self.mistakes_grid.removeWidget(cell)
            cell.deleteLater()
        self._cells.clear()
        images = self.controller.misclassified_images
        labels = self.controller.misclassified_labels
        total = (
            len(self.controller.last_finished.misclassified) if self.controller.last_finished else 0
        )
        if images is None or not len(images):
            self.mistakes_title.setText(translate("Training", "No misclassified validation images"))
            return
        shown = len(images)
        more = translate("Training", " (first ones)") if total > shown else ""
        self.mistakes_title.setText(
            translate(
                "Training", "{n} misclassified validation images{more}\ncaptions: predicted (true)"
            ).format(n=shown, more=more)
        )
        small = QFont()
        small.setPointSizeF(max(6.5, small.pointSizeF() - 1.5))
        for image, (pred, true) in zip(images, labels, strict=False):
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(0)
            picture = QLabel()
            pixmap = QPixmap.fromImage(array_to_qimage(image)).scaled(
                _THUMB_PX,
                _THUMB_PX,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,  # crisp pixels for tiny images
            )
            picture.setPixmap(pixmap)
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            pred_name = names[pred] if 0 <= pred < len(names) else str(pred)
            true_name = names[true] if 0 <= true < len(names) else str(true)
            caption = QLabel(f"{_short(pred_name, 8)} ({_short(true_name, 8)})")
            caption.setFont(small)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell.setToolTip(
                translate("Training", "predicted {pred}, true class {true}").format(
                    pred=pred_name, true=true_name
                )
            )
            cell_layout.addWidget(picture)
            cell_layout.addWidget(caption)
            self._cells.append(cell)
        self._reflow(force=True)

    def _columns(self) -> int:
        width = self.mistakes_scroll.viewport().width()
        # Captions (class names) can be wider than the thumbnails: the widest cell decides.
        cell = max([_THUMB_PX + 8, *(c.sizeHint().width() for c in self._cells)])
        spacing = self.mistakes_grid.spacing()
        margins = self.mistakes_grid.contentsMargins()
        room = width - margins.left() - margins.right() + spacing
        return max(1, min(_GRID_COLUMNS, room // (cell + spacing)))

    def _reflow(self, *, force: bool = False) -> None:
        """Lay the thumbnails out in as many columns as fit the visible width."""
        columns = self._columns()
        if columns == self._laid_columns and not force:
            return
        self._laid_columns = columns
        for cell in self._cells:
            self.mistakes_grid.removeWidget(cell)
        for n, cell in enumerate(self._cells):
            self.mistakes_grid.addWidget(cell, n // columns, n % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._cells:
            self._reflow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self._cells:
            self._reflow()
        return False

    def mistake_count(self) -> int:
        """How many misclassified images the grid shows."""
        return len(self._cells)

    def dispose(self) -> None:
        """Delete the pyqtgraph views now (before the QApplication goes)."""
        import shiboken6

        if shiboken6.isValid(self.charts):
            self.charts.clear()
            shiboken6.delete(self.charts)
