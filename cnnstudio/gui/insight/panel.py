"""The insight dock's contents: the sample bar (index, Random, Open image…) above the tabs.

Tabs: Feature maps, Filters, Prediction, Why? and Layer statistics. The panel only lays out
the views and accepts image files dropped onto it (`image_dropped`); what they show is decided
by `cnnstudio.gui.insight.controller.InsightController`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import translate
from ..plot_palette import restyle_plots
from .attribution import AttributionView
from .feature_maps import FeatureMapView
from .filters import FilterView
from .prediction import PredictionView
from .stats import LayerStatsView

__all__ = ["IMAGE_SUFFIXES", "InsightPanel"]

#: File name endings accepted as images (open and drop).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm")


class InsightPanel(QWidget):
    """The dock's contents: the sample bar above the tabs; image files can be dropped."""

    image_dropped = Signal(str)

    def hasHeightForWidth(self) -> bool:
        # The dock's scroll area would size the panel by the height-for-width of its word-wrapped
        # labels (in any tab), a few pixels taller than the dock at 1366x768, and cut the views.
        # The panel's minimum height is what must fit; the views take whatever is left.
        return False

    def heightForWidth(self, width: int) -> int:
        return -1  # see hasHeightForWidth

    def changeEvent(self, event: QEvent) -> None:
        # View > Theme: the plots and image views follow the new palette.
        if event.type() == QEvent.Type.PaletteChange:
            restyle_plots(self)
        super().changeEvent(event)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.index = QSpinBox()
        self.index.setRange(0, 99_999)
        self.index.setToolTip(translate("Insight", "Index of the validation image shown"))
        self.random_button = QPushButton(translate("Insight", "Random"))
        self.random_button.setToolTip(translate("Insight", "Show a random validation image"))
        self.open_button = QPushButton(translate("Insight", "Open image…"))
        self.open_button.setToolTip(
            translate("Insight", "Use an image file as the sample (or drop one onto this dock)")
        )
        self.sample_label = QLabel()
        self.sample_label.setTextFormat(Qt.TextFormat.PlainText)
        self.weights_label = QLabel()
        self.weights_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(translate("Insight", "Sample")))
        bar.addWidget(self.index)
        bar.addWidget(self.random_button)
        bar.addWidget(self.open_button)
        bar.addWidget(self.sample_label, 1)
        bar.addWidget(self.status)
        bar.addWidget(self.weights_label)

        self.feature_maps = FeatureMapView()
        self.filters = FilterView()
        self.prediction = PredictionView()
        self.stats = LayerStatsView()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.feature_maps, translate("Insight", "Feature maps"))
        self.tabs.addTab(self.filters, translate("Insight", "Filters"))
        self.tabs.addTab(self.prediction, translate("Insight", "Prediction"))
        self.why = AttributionView()
        self.tabs.addTab(self.why, translate("Insight", "Why?"))
        self.tabs.addTab(self.stats, translate("Insight", "Layer statistics"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.tabs, 1)

    @staticmethod
    def image_path(event: QDropEvent) -> str | None:
        """The first local image file a drag or drop carries, if any."""
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            path = url.toLocalFile()
            if path and path.lower().endswith(IMAGE_SUFFIXES):
                return path
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.dragMoveEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        # QDragEnterEvent is a QDragMoveEvent: the same test decides.
        if self.image_path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        path = self.image_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.image_dropped.emit(path)
