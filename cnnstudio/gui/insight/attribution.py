"""The "Why?" tab of the insight dock: where the network looks for one class in the sample.

A method chooser (occlusion, saliency, Grad-CAM), a class chooser (default: the predicted
class) and the heat map drawn over the input image. The heat map is computed off the GUI
thread by the job the insight controller hands to `AttributionView.request`
(``cnnstudio.engine.attributions`` does the Captum work there).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...core.i18n import QT_TRANSLATE_NOOP, translate
from .feature_maps import graphics_widget

if TYPE_CHECKING:
    from torch import nn

    from ...engine.insight import ModelSource, Sample, WeightsKey

__all__ = ["AttributionView"]

_METHODS = [
    ("occlusion", QT_TRANSLATE_NOOP("Insight", "Occlusion (Zeiler & Fergus)")),
    ("saliency", QT_TRANSLATE_NOOP("Insight", "Saliency (input gradient)")),
    ("gradcam", QT_TRANSLATE_NOOP("Insight", "Grad-CAM (last Conv block)")),
]
#: How the view has a job run off the GUI thread: ``run(fn, receiver)``.
Runner = Callable[[Callable[[], object], Callable[[object], None]], None]


class AttributionView(QWidget):
    """Choosers on top, the input with the heat map over it below; ``heat`` is the last map."""

    requested = Signal()  # the user changed the method or the class
    heat_shown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heat: np.ndarray | None = None
        self._key: tuple[WeightsKey, str, str, int] | None = None
        self._names: list[str] = []
        self.method = QComboBox()
        for key, text in _METHODS:
            self.method.addItem(translate("Insight", text), key)
        self.klass = QComboBox()
        self.klass.setToolTip(
            translate("Insight", "The class whose evidence is shown (default: the predicted one)")
        )
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.graphics, self._box = graphics_widget(self)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.overlay = pg.ImageItem(axisOrder="row-major")
        self.overlay.setOpacity(0.55)
        self.overlay.setColorMap(pg.colormap.get("inferno"))
        self._box.addItem(self.image)
        self._box.addItem(self.overlay)
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("Insight", "Method:")))
        top.addWidget(self.method, 1)
        top.addWidget(QLabel(translate("Insight", "Class:")))
        top.addWidget(self.klass, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.graphics, 1)
        self.method.currentIndexChanged.connect(lambda _i: self.requested.emit())
        self.klass.activated.connect(lambda _i: self.requested.emit())
        self.message.setText(
            translate("Insight", "Pick a method: the heat map shows where the network looks.")
        )

    def request(
        self,
        sample: Sample,
        class_names: Sequence[str],
        predicted: int | None,
        source: ModelSource,
        model_for: Callable[[ModelSource], nn.Module],
        run: Runner,
    ) -> None:
        """Compute (off the GUI thread, through ``run``) the map for the current choices."""
        names = list(class_names)
        if names != self._names:
            self._names = names
            self.klass.clear()
            self.klass.addItems(names)
            self.klass.setCurrentIndex(predicted if predicted is not None else 0)
        elif self._key is not None and self._key[1] != sample.key and predicted is not None:
            self.klass.setCurrentIndex(predicted)  # a new sample: back to its predicted class
        method, target = str(self.method.currentData()), max(0, self.klass.currentIndex())
        key = (source.key, sample.key, method, target)
        img = np.clip(np.asarray(sample.image, dtype=np.float32), 0.0, 1.0)
        self.image.setImage(img, autoLevels=False, levels=(0.0, 1.0))
        self.image.setRect(0, 0, img.shape[1], img.shape[0])
        self._box.autoRange(padding=0.02)
        if key == self._key and self.heat is not None:
            return
        self._key = key
        self.message.setText(translate("Insight", "computing…"))

        def job() -> np.ndarray:
            import torch

            from ...engine.attributions import attribute

            return attribute(model_for(source), torch.from_numpy(sample.x), target, method)

        run(job, lambda result: self._show(key, result))

    def _show(self, key: tuple[WeightsKey, str, str, int], result: object) -> None:
        if key != self._key:
            return  # a later choice is on its way
        if not isinstance(result, np.ndarray):
            self.heat = None
            self.overlay.clear()
            self.message.setText(getattr(result, "message", str(result)))
            return
        self.heat = result
        peak = float(np.abs(result).max())
        self.overlay.setImage(
            result, autoLevels=False, levels=(-peak if result.min() < 0 else 0.0, peak or 1.0)
        )
        self.overlay.setRect(0, 0, result.shape[1], result.shape[0])
        name = self._names[key[3]] if key[3] < len(self._names) else str(key[3])
        self.message.setText(
            translate(
                "Insight", "Where the network finds class {name} (bright = strong evidence)."
            ).format(name=repr(name))
        )
        self.heat_shown.emit()
