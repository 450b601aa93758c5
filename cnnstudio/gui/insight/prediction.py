"""The prediction view: the current sample as the network sees it and its top-5 classes.

The sample is whatever the insight dock currently shows: a dataset image or an image file that
was opened or dropped onto the dock (preprocessed by `preprocess_image`, exactly as training
preprocesses). Pure display; the numbers arrive from the insight controller.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import translate
from .feature_maps import graphics_widget

__all__ = ["PredictionView", "RankedClass"]


class RankedClass(Protocol):
    """What a row needs (``cnnstudio.engine.activations.Prediction``, a frozen dataclass, has
    these; read-only, so frozen classes fit)."""

    @property
    def index(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def probability(self) -> float: ...


class PredictionView(QWidget):
    """Image on the left, the ranked classes with probability bars on the right."""

    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.predictions: list[RankedClass] = []
        self.graphics, self._box = graphics_widget(self)
        self.image = pg.ImageItem(axisOrder="row-major")
        self._box.addItem(self.image)
        self.graphics.setFixedWidth(170)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton(translate("Insight", "Open image…"))
        self.open_button.setToolTip(
            translate("Insight", "Predict an image file (or drop one onto this dock)")
        )
        self.open_button.clicked.connect(self.open_requested)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(
            [translate("Insight", "Class"), translate("Insight", "Probability")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.table.setAcceptDrops(False)
        self.table.viewport().setAcceptDrops(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)

        right = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        right.addLayout(top)
        right.addWidget(self.message)
        right.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.graphics)
        layout.addLayout(right, 1)
        self.show_message(
            translate("Insight", "Open or drop an image to see the network's top-5 classes.")
        )

    def show_message(self, text: str) -> None:
        """No prediction to show: say why and what to do."""
        self.predictions = []
        self.message.setText(text)
        self.message.show()
        self.table.hide()
        self.caption.setText("")

    def show_predictions(
        self,
        image: np.ndarray | None,
        predictions: Sequence[RankedClass],
        caption: str,
        truth: str | None = None,
    ) -> None:
        """Show the ranked classes; ``truth`` is the label of a dataset sample, when known."""
        self.predictions = list(predictions)
        if image is not None:
            img = np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)
            self.image.setImage(img, autoLevels=False, levels=(0.0, 1.0))
            self.image.setRect(0, 0, img.shape[1], img.shape[0])
            self._box.autoRange(padding=0.02)
        text = caption if truth is None else f"{caption}\nTrue class: {truth}"
        self.caption.setText(text)
        self.message.hide()
        self.table.show()
        self.table.setRowCount(len(self.predictions))
        for row, pred in enumerate(self.predictions):
            name = QTableWidgetItem(pred.name)
            if truth is not None and pred.name == truth:
                font = name.font()
                font.setBold(True)
                name.setFont(font)
            self.table.setItem(row, 0, name)
            bar = self.table.cellWidget(row, 1)
            if not isinstance(bar, QProgressBar):
                bar = QProgressBar()
                bar.setRange(0, 1000)
                self.table.setCellWidget(row, 1, bar)
            bar.setValue(round(pred.probability * 1000))
            bar.setFormat(f"{pred.probability * 100:.1f} %")
