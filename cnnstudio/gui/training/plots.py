"""Live training curves: loss, accuracy and learning rate against epochs (pyqtgraph).

`TrainingPlots` never redraws per signal: the controller's signals only append to buffers
(the controller's ``history`` and a list of batch points) and mark them dirty; a GUI-thread
QTimer at about 20 Hz copies the buffers into the curves, and runs only while a run is going on.
Earlier runs of the design (``controller.runs``) are drawn dimmed under the current one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import translate
from ..plot_palette import restyle_plots
from ..theme import is_dark
from .controller import TrainingController
from .curves import EpochCurve

if TYPE_CHECKING:
    from ...engine.trainer import BatchEnded, RunStarted

__all__ = ["REFRESH_MS", "TrainingPlots"]

REFRESH_MS = 50  # ~20 Hz

# Colour-blind-safe pair (Okabe-Ito): training blue, validation orange.
_TRAIN = "#0072B2"
_VAL = "#E69F00"
_LR = "#009E73"


def _column(history: list[dict[str, Any]], key: str, scale: float = 1.0) -> np.ndarray:
    return np.array([float(h.get(key, np.nan)) * scale for h in history], dtype=float)


class TrainingPlots(QWidget):
    """Loss and accuracy against epochs (stacked, with legends), the learning rate on the right."""

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._batch_x: list[float] = []
        self._batch_y: list[float] = []
        self._batches_per_epoch = 1
        self._batch_epoch = 0
        self._run_epochs = 0
        self._drawn_epochs = -1
        self._drawn_history: list[dict[str, Any]] | None = None
        self._drawn_batches = -1
        self._x_max = -1.0
        self._loss_top = 0.0
        self._lr_top = 0.0
        self._dirty = False
        self.refreshes = 0  # how many redraws happened (tests, benchmark)

        # Colours (background, axes, labels, legends) come from `_apply_palette`, called at
        # the end of construction and again whenever the theme changes.
        self.view = pg.GraphicsLayoutWidget()
        self.view.ci.setSpacing(2)
        self.loss_plot = self._plot(0, translate("Training", "loss"), legend_offset=(-8, 4))
        self.acc_plot = self._plot(1, translate("Training", "accuracy %"), legend_offset=(-8, -4))
        self.acc_plot.setLabel("bottom", translate("Training", "epoch"))
        self.acc_plot.setXLink(self.loss_plot)
        for row in (0, 1):
            self.view.ci.layout.setRowStretchFactor(row, 1)
            self.view.ci.layout.setRowPreferredHeight(row, 100)
        self.acc_plot.setYRange(0, 100, padding=0.02)
        self.loss_plot.getAxis("bottom").setStyle(showValues=False)
        self.loss_plot.disableAutoRange()
        self.acc_plot.disableAutoRange()

        # The batch curve (running mean of the epoch) is drawn first, so the epoch points sit
        # on top of it; its faint pen comes with the palette.
        self.batch_curve = pg.PlotCurveItem(connect="finite")
        self.loss_plot.addItem(self.batch_curve)
        self.loss_plot.legend.addItem(self.batch_curve, translate("Training", "batches"))
        self.train_loss = self._curve(self.loss_plot, _TRAIN, translate("Training", "train"))
        self.val_loss = self._curve(self.loss_plot, _VAL, translate("Training", "validation"))
        self.train_acc = self._curve(self.acc_plot, _TRAIN, translate("Training", "train"))
        self.val_acc = self._curve(self.acc_plot, _VAL, translate("Training", "validation"))

        # The learning rate on a secondary (right) axis of the accuracy plot: its own view box,
        # x-linked, kept on top of the plot's view box (pyqtgraph's multiple-axes recipe).
        self.lr_view = pg.ViewBox()
        self.lr_view.setMouseEnabled(x=False, y=False)
        self.acc_plot.showAxis("right")
        right = self.acc_plot.getAxis("right")
        right.setLabel(translate("Training", "learning rate"))
        right.enableAutoSIPrefix(False)
        right.setWidth(66)
        self.acc_plot.scene().addItem(self.lr_view)
        right.linkToView(self.lr_view)
        self.lr_view.setXLink(self.acc_plot)
        self.acc_plot.vb.sigResized.connect(self._sync_lr_view)
        for plot in (self.loss_plot, self.acc_plot):
            plot.vb.sigResized.connect(lambda _vb, plot=plot: self._fit_legend(plot))
        self.lr_curve = EpochCurve(
            _LR, width=1.5, marker_size=5, square=True, style=Qt.PenStyle.DashLine
        )
        self.lr_view.addItem(self.lr_curve)
        self.acc_plot.legend.addItem(self.lr_curve, translate("Training", "learning rate"))
        # The loss plot gets an empty right axis of the same width so both x axes line up.
        self.loss_plot.showAxis("right")
        self.loss_plot.getAxis("right").setStyle(showValues=False)
        self.loss_plot.getAxis("right").setWidth(66)
        self.lr_view.disableAutoRange()
        # Axes, labels and legends are painted from a pixmap cache unless they change, so a
        # refresh does not re-render their text (by far the costliest part of a repaint).
        for plot in (self.loss_plot, self.acc_plot):
            for name in ("left", "bottom", "right"):
                plot.getAxis(name).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            plot.legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self._old_curves: list[Any] = []
        self._old_drawn: tuple[Any, ...] | None = None  # which runs _old_curves show

        self.clear_button = QPushButton(translate("Training", "Clear runs"))
        self.clear_button.setToolTip(
            translate("Training", "Remove the dimmed curves of earlier runs")
        )
        self.clear_button.clicked.connect(controller.clear_runs)
        self.runs_label = QLabel()
        # Its text changes as runs accumulate; it must never widen the dock (which would
        # resize, and so re-render, the plots at the start of a run).
        self.runs_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 0, 4, 0)
        bar.addWidget(self.runs_label, 1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        controller.run_started.connect(self._on_controller_run_started)
        controller.batch_progress.connect(self._on_controller_batch_progress)
        controller.epoch_ended.connect(self._mark_dirty)
        controller.run_finished.connect(self._on_controller_run_ended)
        controller.run_failed.connect(self._on_controller_run_ended)
        controller.runs_changed.connect(self._draw_old_runs)
        self._apply_palette()  # also draws the earlier runs
        self.refresh()

    def _plot(self, row: int, title: str, legend_offset: tuple[int, int]) -> pg.PlotItem:
        plot = self.view.addPlot(row=row, col=0)
        plot.setLabel("left", title)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.getAxis("left").setWidth(54)  # equal widths keep the x axes aligned
        legend = plot.addLegend(offset=legend_offset)
        legend.setColumnCount(4)
        return plot

    def _apply_palette(self) -> None:
        """Background, axes, labels and legends in the palette's colours (light or dark)."""
        pal = self.palette()
        lr_axis = self.acc_plot.getAxis("right")
        restyle_plots(self.view, keep=[lr_axis], palette=pal)
        lr_axis.setPen(pal.color(QPalette.ColorRole.Text))
        lr_axis.setTextPen(QColor(_LR))  # after setPen, which recolours the title as well
        faint = QColor(_TRAIN)
        faint.setAlpha(150 if is_dark(pal) else 90)  # the batch line, under the epoch points
        self.batch_curve.setPen(pg.mkPen(faint, width=1))
        self._old_drawn = None  # the dimmed colour of earlier runs depends on the theme too
        self._draw_old_runs()

    def changeEvent(self, event: QEvent) -> None:
        # View > Theme replaces the application palette; pyqtgraph items keep their colours.
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _sync_lr_view(self) -> None:
        self.lr_view.setGeometry(self.acc_plot.vb.sceneBoundingRect())
        self.lr_view.linkedViewChanged(self.acc_plot.vb, self.lr_view.XAxis)

    @staticmethod
    def _fit_legend(plot: pg.PlotItem) -> None:
        """As many legend entries per row as fit across the plot: a narrow dock wraps them."""
        legend = plot.legend
        available = plot.vb.width() - 12
        for columns in range(max(1, len(legend.items)), 0, -1):
            legend.setColumnCount(columns)
            if legend.width() <= available:
                break

    @staticmethod
    def _curve(plot: pg.PlotItem, colour: str, name: str) -> EpochCurve:
        curve = EpochCurve(colour)
        plot.addItem(curve)
        plot.legend.addItem(curve, name)
        return curve

    # ----------------------------------------------------------------- buffers

    def _on_controller_run_started(self, event: RunStarted) -> None:
        self._batch_x.clear()
        self._batch_y.clear()
        self._batch_epoch = 0
        self._batches_per_epoch = max(1, event.batches_per_epoch)
        self._run_epochs = event.epochs
        # The loss axis keeps its range (it still grows or shrinks with the data): rescaling it
        # now would re-render the axes and grids of the loss plot right at the click on Train.
        self._dirty = True
        self._draw_old_runs()
        self.timer.start()

    def _on_controller_batch_progress(self, event: BatchEnded) -> None:
        if self._batch_epoch and event.epoch != self._batch_epoch:
            # The batch loss is a running mean per epoch: break the line between epochs.
            self._batch_x.append(float("nan"))
            self._batch_y.append(float("nan"))
        self._batch_epoch = event.epoch
        self._batch_x.append(event.epoch - 1 + event.batch / max(1, event.batches))
        self._batch_y.append(event.loss)
        self._dirty = True

    def _mark_dirty(self, *_: Any) -> None:
        self._dirty = True

    def _on_controller_run_ended(self, *_: Any) -> None:
        self.timer.stop()
        self._dirty = True
        self.refresh()

    # ----------------------------------------------------------------- drawing

    def refresh(self) -> None:
        """Copy the buffers into the curves (only when something new arrived)."""
        if not self._dirty and self.refreshes:
            return
        self._dirty = False
        self.refreshes += 1
        history = self.controller.history
        x = _column(history, "epoch")
        lr = _column(history, "lr")
        # Between epochs only the batch curve changes: leave the epoch curves alone (each
        # setData makes its plot repaint).
        if len(history) != self._drawn_epochs or history is not self._drawn_history:
            self._drawn_epochs, self._drawn_history = len(history), history
            self.train_loss.setData(x, _column(history, "train_loss"))
            self.val_loss.setData(x, _column(history, "val_loss"))
            self.train_acc.setData(x, _column(history, "train_acc", 100.0))
            self.val_acc.setData(x, _column(history, "val_acc", 100.0))
            self.lr_curve.setData(x, lr)
        batch_y = np.array(self._batch_y, dtype=float)
        if len(batch_y) != self._drawn_batches:
            self._drawn_batches = len(batch_y)
            self.batch_curve.setData(np.array(self._batch_x, dtype=float), batch_y)
        self._fit_ranges(x, lr, batch_y)

    def _fit_ranges(self, x: np.ndarray, lr: np.ndarray, batch_y: np.ndarray) -> None:
        """Grow the axis ranges only when the data leaves them.

        Auto-ranging on every refresh would re-layout and re-render the axes 20 times a second;
        with fixed ranges the cached axes are reused and a refresh only repaints the curves.
        """
        old = [r["history"] for r in self.controller.runs if not r.get("current")]
        last_epoch = max([self._run_epochs, *(len(h) for h in old), *(x.tolist() or [0])])
        if last_epoch != self._x_max:
            self._x_max = last_epoch
            self.loss_plot.setXRange(0, max(1, last_epoch), padding=0.02)
        losses = [batch_y, _column(self.controller.history, "train_loss")]
        losses.append(_column(self.controller.history, "val_loss"))
        losses += [_column(h, key) for h in old for key in ("train_loss", "val_loss")]
        finite = np.concatenate([v[np.isfinite(v)] for v in losses]) if losses else np.array([])
        top = float(finite.max()) if finite.size else 1.0
        if top > self._loss_top or top < self._loss_top * 0.25:
            self._loss_top = top * 1.1 if top > 0 else 1.0
            self.loss_plot.setYRange(0, self._loss_top, padding=0)
        good = lr[np.isfinite(lr)]
        lr_top = float(good.max()) if good.size else 0.0
        if lr_top > 0 and not (0.5 * self._lr_top < lr_top * 1.1 <= self._lr_top):
            self._lr_top = lr_top * 1.1
            self.lr_view.setYRange(0.0, self._lr_top, padding=0)

    def _draw_old_runs(self) -> None:
        old = [r for r in self.controller.runs if not r.get("current")]
        dark = is_dark(self.palette())
        # The histories themselves, not their ids: held here, no later list can take an id.
        drawn = (dark, *((r["history"], len(r["history"])) for r in old))
        if drawn == self._old_drawn:
            return  # the same runs as drawn (a run start asks twice); no remove and re-add
        self._old_drawn = drawn
        for plot, item in self._old_curves:
            plot.removeItem(item)
        self._old_curves.clear()
        dim = QColor("#9e9e9e" if not dark else "#6b6b6b")
        dim.setAlpha(150)
        for run in old:
            history = run["history"]
            x = _column(history, "epoch")
            for plot, key, scale, style in (
                (self.loss_plot, "train_loss", 1.0, None),
                (self.loss_plot, "val_loss", 1.0, Qt.PenStyle.DashLine),
                (self.acc_plot, "train_acc", 100.0, None),
                (self.acc_plot, "val_acc", 100.0, Qt.PenStyle.DashLine),
            ):
                pen = pg.mkPen(dim, width=1)
                if style is not None:
                    pen.setStyle(style)
                item = pg.PlotCurveItem(x, _column(history, key, scale), pen=pen, connect="finite")
                item.setZValue(-10)
                plot.addItem(item)
                self._old_curves.append((plot, item))
        count = len(old)
        self.runs_label.setText(
            (
                translate("Training", "1 earlier run dimmed (solid: train, dashed: validation)")
                if count == 1
                else translate(
                    "Training", "{n} earlier runs dimmed (solid: train, dashed: validation)"
                ).format(n=count)
            )
            if count
            else ""
        )
        self.runs_label.setToolTip(self.runs_label.text())  # the label may be cut off
        self.clear_button.setEnabled(count > 0)

    def sizeHint(self) -> QSize:
        return QSize(700, 340)

    def batch_points(self) -> int:
        """How many batch-level loss points are buffered for the current run."""
        return len(self._batch_x)

    def dispose(self) -> None:
        """Stop the timer and delete the pyqtgraph view now (before the QApplication goes)."""
        import shiboken6

        self.timer.stop()
        if shiboken6.isValid(self.view):
            self.view.clear()
            shiboken6.delete(self.view)
