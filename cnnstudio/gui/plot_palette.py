"""pyqtgraph views in the colours of the Qt palette, again after View > Theme changes it.

pyqtgraph items take fixed colours when they are made: a view styled for the light palette stays
white with dark text after the application switches to the dark one. Widgets holding plots call
`restyle_plots` from their ``changeEvent`` on ``QEvent.PaletteChange`` (and once when built, if
they like): it recolours the background, the axes (line, tick text and label), titles and legend
labels of every pyqtgraph view below a widget. Colours that carry meaning (a series' own axis,
heat-map cells) are the caller's business: pass such axes in ``keep``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget

__all__ = ["keep_background", "restyle_plots"]

_FIXED_BACKGROUND = "cnnstudioFixedBackground"


def keep_background(view: pg.GraphicsView) -> None:
    """Mark ``view``'s background as chosen on purpose (a neutral grey behind filter weights)."""
    view.setProperty(_FIXED_BACKGROUND, True)


def _legend_brush(palette: QPalette) -> QColor:
    """The base colour, slightly see-through: legends stay readable over the curves."""
    colour = QColor(palette.color(QPalette.ColorRole.Base))
    colour.setAlpha(200)
    return colour


def restyle_plots(
    root: QWidget, keep: Iterable[pg.AxisItem] = (), palette: QPalette | None = None
) -> None:
    """Recolour every pyqtgraph view inside ``root`` (``root`` itself included).

    ``palette`` defaults to ``root``'s. A parent handling its own PaletteChange passes its
    palette: Qt hands the new palette to children after their parent.
    """
    palette = palette if palette is not None else root.palette()
    fg = palette.color(QPalette.ColorRole.Text)
    kept = {id(axis) for axis in keep}
    views = root.findChildren(pg.GraphicsView)
    if isinstance(root, pg.GraphicsView):
        views.append(root)
    for view in views:
        if not view.property(_FIXED_BACKGROUND):
            view.setBackground(palette.color(QPalette.ColorRole.Base))
        for item in view.scene().items():
            if isinstance(item, pg.AxisItem):
                if id(item) in kept:
                    continue
                item.setPen(fg)
                item.setTextPen(fg)  # the tick text and the axis title
            elif isinstance(item, pg.LegendItem):
                item.setBrush(_legend_brush(palette))
                item.setLabelTextColor(fg)
            elif isinstance(item, pg.LabelItem) and item.text:
                # Titles and legend labels; setText merges the colour into the item's options.
                item.setText(item.text, color=fg.name())
