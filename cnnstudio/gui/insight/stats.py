"""The "Layer statistics" tab of the insight dock: one row per layer of a validation batch.

Mean and spread of each layer's activations and, for ReLU layers, the fraction of dead units
(`cnnstudio.engine.activations.ActivationStats`, computed off the GUI thread by
`cnnstudio.engine.insight.batch_stats`). A click on a row selects that block on the canvas.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.formatting import fmt_shape
from ...core.i18n import QT_TRANSLATE_NOOP, translate
from ..theme import error_colour, warning_colour

if TYPE_CHECKING:
    from ...engine.activations import ActivationStats

__all__ = ["LayerStatsView"]

# Dead fractions from here on are shown in red (below it, amber): half the layer passes nothing.
_DEAD_WARNING = 0.5
_STATS_COLUMNS = (
    QT_TRANSLATE_NOOP("Insight", "Layer"),
    QT_TRANSLATE_NOOP("Insight", "Type"),
    QT_TRANSLATE_NOOP("Insight", "Output"),
    QT_TRANSLATE_NOOP("Insight", "Mean"),
    QT_TRANSLATE_NOOP("Insight", "Std"),
    QT_TRANSLATE_NOOP("Insight", "Dead units"),
)


class LayerStatsView(QWidget):
    """One row per layer: mean and spread of its activations and, for ReLU, the dead units."""

    layer_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(
            translate(
                "Insight",
                "Statistics appear after each training epoch (or open this tab to compute them "
                "for the initial weights).",
            )
        )
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.table = QTableWidget(0, len(_STATS_COLUMNS), self)
        self.table.setHorizontalHeaderLabels([translate("Insight", c) for c in _STATS_COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setAcceptDrops(False)
        self.table.viewport().setAcceptDrops(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.cellClicked.connect(self._on_cell_clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)

    def set_stats(
        self, stats: Mapping[str, ActivationStats], types: Mapping[str, str], caption: str
    ) -> None:
        """Fill the table (rows in the given order); dead fractions of 50 % or more in red."""
        self.caption.setText(caption)
        self.table.setRowCount(len(stats))
        red, amber = error_colour(self.palette()), warning_colour(self.palette())
        for row, (lid, st) in enumerate(stats.items()):
            dead = st.dead_fraction
            cells = (
                lid,
                types.get(lid, ""),
                fmt_shape(st.shape),
                f"{st.mean:.4g}",
                f"{st.std:.4g}",
                "" if dead is None else f"{dead * 100:.0f} %",
            )
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col >= 3:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if col == 5 and dead is not None and dead > 0:
                    item.setForeground(red if dead >= _DEAD_WARNING else amber)
                    item.setToolTip(
                        translate(
                            "Insight",
                            "{percent} % of {layer}'s units are <= 0 for every image of the "
                            "batch: they pass no signal and get no gradient",
                        ).format(percent=f"{dead * 100:.0f}", layer=lid)
                    )
                if col == 4 and not math.isnan(st.std) and st.std == 0.0:
                    item.setForeground(red)
                    item.setToolTip(
                        translate("Insight", "{layer} gives the same value for every image").format(
                            layer=lid
                        )
                    )
                self.table.setItem(row, col, item)

    def _on_cell_clicked(self, row: int, _col: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.layer_clicked.emit(item.text())
