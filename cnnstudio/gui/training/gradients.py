"""The Gradients tab of the Training dock: the gradient flow per block, live during a run.

At every epoch end the training thread runs one backward pass on a fixed batch of 32 training
images (`engine.sanity.gradient_flow`: the mean |gradient| of each block's parameters) and the
tab draws it as bars on a log scale, so vanishing or exploding gradients show while the run
goes on, not after it. The model's own gradients are cleared before and after, so the run is
unaffected (the next step starts from zeroed gradients anyway).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ...core.i18n import translate
from ..plot_palette import restyle_plots

#: Training images the probe pushes through the network at each epoch end.
PROBE_BATCH = 32


class GradientFlowView(QWidget):
    """Bars of log10 mean |grad| per block for the last epoch; `history` keeps every epoch."""

    updated = Signal(int)  # the epoch just drawn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: list[tuple[int, dict[str, float]]] = []
        self.caption = QLabel(
            translate("Training", "The gradient flow per block appears at the end of each epoch.")
        )
        self.caption.setWordWrap(True)
        self.chart = pg.PlotWidget()
        self.chart.setMenuEnabled(False)
        self.chart.hideButtons()
        self.chart.setMouseEnabled(x=False, y=False)
        self.chart.setLabel("left", translate("Training", "log10 mean |grad|"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.caption)
        layout.addWidget(self.chart, 1)
        restyle_plots(self.chart, palette=self.palette())

    def clear(self) -> None:
        self.history.clear()
        self.chart.clear()
        self.caption.setText(
            translate("Training", "The gradient flow per block appears at the end of each epoch.")
        )

    def show_flow(self, epoch: int, flow: dict[str, float]) -> None:
        self.history.append((epoch, dict(flow)))
        self.chart.clear()
        if not flow:
            self.caption.setText(
                translate("Training", "Epoch {epoch}: no block has trainable parameters.").format(
                    epoch=epoch
                )
            )
            self.updated.emit(epoch)
            return
        names = list(flow)
        values = np.log10(np.maximum(np.array([flow[n] for n in names]), 1e-30))
        bottom = float(values.min()) - 1
        bars = pg.BarGraphItem(
            x=np.arange(len(names)), height=values - bottom, y0=bottom, width=0.7, brush="#4a90d9"
        )
        self.chart.addItem(bars)
        self.chart.getPlotItem().getAxis("bottom").setTicks([list(enumerate(names))])
        weakest = min(names, key=lambda n: flow[n])
        strongest = max(names, key=lambda n: flow[n])
        self.caption.setText(
            translate(
                "Training",
                "Epoch {epoch}: mean |grad| from {low} ({weakest}) to {high} ({strongest}), "
                "on {n} training images",
            ).format(
                epoch=epoch,
                low=f"{flow[weakest]:.2e}",
                weakest=weakest,
                high=f"{flow[strongest]:.2e}",
                strongest=strongest,
                n=PROBE_BATCH,
            )
        )
        self.updated.emit(epoch)

    def dispose(self) -> None:
        """Delete the pyqtgraph view now (before the QApplication goes)."""
        import shiboken6

        if shiboken6.isValid(self.chart):
            self.chart.clear()
            shiboken6.delete(self.chart)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            restyle_plots(self.chart, palette=self.palette())
        super().changeEvent(event)


def install_gradient_probe(controller: Any, view: GradientFlowView) -> None:
    """Feed ``view`` from ``controller``'s epoch-end probes; a new run starts a new history."""

    def probe(model: Any) -> dict[str, float]:
        import torch

        from ...engine.losses import output_kind
        from ...engine.sanity import gradient_flow

        bundle = controller.run_data  # not .bundle: the GUI may not have seen the start yet
        device = next(model.parameters()).device
        x = bundle.train_x[:PROBE_BATCH].to(device)
        y = bundle.train_y[:PROBE_BATCH].to(device)
        with torch.enable_grad():  # probes run under no_grad, in eval mode
            return gradient_flow(model, x, y, output_kind(model))

    # Epochs are counted from the run's start (a continued run goes on from its last epoch);
    # a probe's result may reach the GUI before or after its EpochEnded event does.
    first_epoch = [1]

    def on_run_started(event: Any) -> None:
        # From the event, not the history: the worker may have finished epochs since.
        first_epoch[0] = event.start_epoch + 1
        view.clear()

    def receive(flow: dict[str, float]) -> None:
        view.show_flow(first_epoch[0] + len(view.history), flow)

    controller.add_probe(probe, receive)
    controller.run_started.connect(on_run_started)
