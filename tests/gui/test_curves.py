"""The light per-epoch curve item: data, gaps, bounds with its markers, legend and painting."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from cnnstudio.gui.training.curves import EpochCurve


def _plot(qtbot: QtBot) -> tuple[pg.PlotWidget, EpochCurve]:
    widget = pg.PlotWidget(background="w")
    qtbot.addWidget(widget)
    widget.resize(300, 200)
    legend = widget.getPlotItem().addLegend()
    curve = EpochCurve("#0072B2", marker_size=8)
    widget.addItem(curve)
    legend.addItem(curve, "train")
    widget.setXRange(0, 10, padding=0)
    widget.setYRange(0, 10, padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, curve


def test_data_round_trips_and_nan_breaks_the_line(qtbot: QtBot) -> None:
    _, curve = _plot(qtbot)
    curve.setData([1, 2, 3, 4], [5.0, np.nan, 3.0, 2.0])
    x, y = curve.getData()
    assert list(x) == [1, 2, 3, 4] and np.isnan(y[1])
    assert [len(segment) for segment in curve._segments] == [1, 2]
    assert len(curve._points) == 3
    assert curve.dataBounds(0) == (1.0, 4.0) and curve.dataBounds(1) == (2.0, 5.0)
    curve.setData([], [])
    assert curve.dataBounds(0) == (None, None) and curve.boundingRect().isEmpty()


def test_bounds_include_the_markers_in_pixels(qtbot: QtBot) -> None:
    widget, curve = _plot(qtbot)
    curve.setData([2, 8], [2, 8])
    rect = curve.boundingRect()
    assert rect.left() < 2 and rect.right() > 8 and rect.top() < 2 and rect.bottom() > 8
    # Zooming out makes a pixel worth more data units: the margin grows with it.
    before = 2 - rect.left()
    widget.setXRange(0, 100, padding=0)
    qtbot.wait(20)
    assert 2 - curve.boundingRect().left() > before * 5


def test_it_paints_line_and_markers_and_the_legend_hides_it(qtbot: QtBot) -> None:
    widget, curve = _plot(qtbot)
    curve.setData([2, 8], [2, 8])
    qtbot.wait(20)
    image = widget.grab().toImage()
    centre = widget.getPlotItem().vb.mapViewToScene(pg.Point(5, 5))
    point = widget.mapFromScene(centre)
    assert QColor(image.pixel(point)).blue() > QColor(image.pixel(point)).red() + 60
    sample = widget.getPlotItem().legend.items[0][0]
    assert sample.item is curve
    curve.setVisible(False)  # what a click on the legend sample does
    qtbot.wait(20)
    image = widget.grab().toImage()
    assert QColor(image.pixel(point)).name() == "#ffffff"
