"""Train ▸ Check Design and Train ▸ Find Learning Rate: the checks before a long run.

Both run on the training thread (`TrainingController.run_off_gui`) with the dataset and batch
size of the Training panel, and show their result in a window of their own: the sanity report
with a bar chart of the gradient flow per block, or the learning-rate sweep in pyqtgraph with the
suggestion and the other usual markers. "Use this learning rate" writes the suggestion into the
design's training settings as one undo step. Neither touches the design otherwise.

The gradient flow of a check (and, during a run, of each epoch's probe in the Gradients tab)
also goes onto the canvas: each block gets a badge with its mean |grad|, coloured vanishing,
healthy or exploding (`core.gradient_flow`), which View ▸ Show Gradient Flow hides; the next
edit of the network clears them (`GraphScene.set_gradient_flow`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ...core.commands import SetMeta
from ...core.formatting import first_line
from ...core.i18n import translate
from ..plot_palette import restyle_plots
from .install import TRAIN_MENU, find_menu

_OK, _FAIL = "✔", "✘"


class _ResultWindow(QDialog):
    """A non-modal window with a title line, one label per finding and a chart."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(False)
        self.resize(760, 520)
        self.status = QLabel(translate("Training", "Running…"))
        self.status.setWordWrap(True)
        self.lines = QLabel()
        self.lines.setWordWrap(True)
        self.lines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chart = pg.PlotWidget()
        self.chart.setMenuEnabled(False)
        self.chart.hideButtons()
        self.chart.setMinimumHeight(220)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        close = QPushButton(translate("Training", "Close"))
        close.clicked.connect(self.close)
        self.buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.lines)
        layout.addWidget(self.chart, 1)
        layout.addLayout(self.buttons)
        restyle_plots(self.chart, palette=self.palette())


class SanityTools:
    """The two Train menu actions and the windows they open."""

    def __init__(self, window: Any, controller: Any, menu: Any) -> None:
        self.window = window
        self.controller = controller
        self.check_window: _ResultWindow | None = None
        self.lr_window: _ResultWindow | None = None
        self.last_report: Any = None
        self.last_sweep: Any = None
        self._checked_design: Any = None  # the design as the last check saw it
        self.use_lr_button: QPushButton | None = None
        self.check_action = QAction(translate("Training", "Check &Design…"), window)
        self.check_action.setStatusTip(
            translate(
                "Training",
                "Loss at initialisation, overfit a tiny batch, gradient flow: before a long run",
            )
        )
        self.check_action.triggered.connect(lambda _=False: self.run_check())
        self.lr_action = QAction(translate("Training", "Find &Learning Rate…"), window)
        self.lr_action.setStatusTip(
            translate("Training", "Sweep the learning rate over a few batches and suggest one")
        )
        self.lr_action.triggered.connect(lambda _=False: self.run_lr_find())
        menu.addSeparator()
        menu.addAction(self.check_action)
        menu.addAction(self.lr_action)
        self.show_flow_action = QAction(translate("Training", "Show &Gradient Flow"), window)
        self.show_flow_action.setCheckable(True)
        self.show_flow_action.setChecked(True)
        self.show_flow_action.setStatusTip(
            translate(
                "Training",
                "Badges on the blocks with their mean |grad| from Train ▸ Check Design or the run",
            )
        )
        self.show_flow_action.toggled.connect(self._on_show_flow_toggled)
        view_menu = getattr(window, "view_menu", None)
        if view_menu is not None:
            view_menu.addSeparator()
            view_menu.addAction(self.show_flow_action)
        controller.state_changed.connect(self._on_state_changed)
        self._on_state_changed(controller.state)
        gradients = getattr(getattr(controller, "view", None), "gradients", None)
        if gradients is not None:
            gradients.updated.connect(self._on_gradients_updated)

    def _graph(self) -> Any:
        canvas = getattr(self.window, "canvas", None)
        return getattr(canvas, "graph", None)

    def _on_show_flow_toggled(self, visible: bool) -> None:
        graph = self._graph()
        if graph is not None:
            graph.set_gradient_flow_visible(visible)

    def _on_gradients_updated(self, epoch: int) -> None:
        """A run's epoch-end probe: badge the blocks live while the weights fit the design."""
        graph = self._graph()
        history = self.controller.view.gradients.history
        session = self.window.session
        if graph is None or not history:
            return
        if not self.controller.weights_fit(session.design, session.analysis):
            return  # the network was edited since the run started: the names may not match
        graph.set_gradient_flow(
            history[-1][1], source=translate("Training", "after epoch {epoch}").format(epoch=epoch)
        )

    def _on_state_changed(self, state: str) -> None:
        # Both run on the training thread: never while a run holds it.
        idle = state == "idle"
        self.check_action.setEnabled(idle)
        self.lr_action.setEnabled(idle)

    # -- shared ------------------------------------------------------------------------------
    def _inputs(self) -> tuple[Any, tuple[int, ...], Any] | str:
        """(design copy, input shape, training settings), or a message saying what is missing."""
        session = self.window.session
        analysis = session.analysis
        if not analysis.valid:
            first = analysis.errors[0].message if analysis.errors else "the design is not valid"
            return f"Fix the design first: {first}"
        shape = analysis.layers[analysis.input_id].output_shape if analysis.input_id else None
        if shape is None or len(shape) != 3:
            return "The checks need an image input (C x H x W)"
        try:
            settings = self.controller.view.panel.settings()
        except ValueError as exc:
            return f"Training settings: {exc}"
        return session.design.clone(), tuple(shape), settings

    def _open(self, current: _ResultWindow | None, title: str) -> _ResultWindow:
        if current is not None:
            current.close()
            current.deleteLater()
        result = _ResultWindow(title, self.window)
        result.show()
        return result

    # -- Check Design ------------------------------------------------------------------------
    def _start(
        self, title: str, attribute: str, what: str, work: Callable[[Any, Any, Any], Any]
    ) -> _ResultWindow:
        """Open the result window ``attribute`` and run ``work(design, bundle, settings)`` on the
        training thread with the Training panel's dataset; its result (or exception) goes to
        ``_on_<attribute>_done``."""
        window = self._open(getattr(self, attribute), title)
        setattr(self, attribute, window)
        inputs = self._inputs()
        if isinstance(inputs, str):
            window.status.setText(inputs)
            return window
        design, shape, settings = inputs
        if attribute == "check_window":
            self._checked_design = design.clone()  # the job may not change it, but owns it
        window.status.setText(
            translate("Training", "{what} {design} on {dataset}…").format(
                what=what,
                design=design.name or translate("Training", "the design"),
                dataset=settings.dataset,
            )
        )
        self.check_action.setEnabled(False)
        self.lr_action.setEnabled(False)

        def job() -> Any:
            try:
                from ...engine.datasets import load_dataset

                bundle = load_dataset(
                    settings.dataset, shape, data_dir=settings.data_dir, seed=settings.seed
                )
                return work(design, bundle, settings)
            except Exception as exc:  # data and design problems are shown, never raised
                return exc

        done = self._on_check_done if attribute == "check_window" else self._on_lr_done
        self.controller.run_off_gui(job, done)
        return window

    def run_check(self) -> None:
        def work(design: Any, bundle: Any, settings: Any) -> Any:
            from ...engine.sanity import check_design

            return check_design(design, bundle, seed=settings.seed)

        self._start(
            translate("Training", "Check Design"),
            "check_window",
            translate("Training", "Checking"),
            work,
        )

    def _on_check_done(self, result: Any) -> None:
        self._on_state_changed(self.controller.state)
        window = self.check_window
        if window is None:
            return
        if isinstance(result, BaseException):
            window.status.setText(
                translate("Training", "The check could not run: {reason}").format(
                    reason=first_line(result)
                )
            )
            return
        self.last_report = result
        window.status.setText(
            translate("Training", "All checks passed")
            if result.passed
            else translate("Training", "Some checks failed")
        )
        lines = []
        for line in result.lines():
            ok = line.startswith("ok")
            lines.append(f"{_OK if ok else _FAIL} {line[4:].strip()}")
        window.lines.setText("\n".join(lines))
        self._draw_gradient_flow(window.chart, result.gradient_flow)
        graph = self._graph()
        if graph is not None and self._still_checked_network():
            graph.set_gradient_flow(
                result.gradient_flow, source=translate("Training", "at initialisation")
            )

    def _still_checked_network(self) -> bool:
        """Whether the design still generates the network the check ran on (moving blocks
        or renaming keeps it; an edit during the check does not)."""
        from ...engine.codegen import network_source

        checked = self._checked_design
        return checked is not None and network_source(checked) == network_source(
            self.window.session.design
        )

    def _draw_gradient_flow(self, chart: pg.PlotWidget, flow: dict[str, float]) -> None:
        chart.clear()
        plot = chart.getPlotItem()
        plot.setTitle(
            translate(
                "Training", "Gradient flow at initialisation (mean |grad| per block, log scale)"
            )
        )
        if not flow:
            return
        names = list(flow)
        heights = np.log10(np.maximum(np.array([flow[n] for n in names]), 1e-30))
        bottom = float(heights.min()) - 1
        bars = pg.BarGraphItem(
            x=np.arange(len(names)), height=heights - bottom, y0=bottom, width=0.7, brush="#4a90d9"
        )
        chart.addItem(bars)
        plot.getAxis("bottom").setTicks([list(enumerate(names))])
        plot.setLabel("left", translate("Training", "log10 mean |grad|"))

    # -- Find Learning Rate ------------------------------------------------------------------
    def run_lr_find(self) -> None:
        self.use_lr_button = None

        def work(design: Any, bundle: Any, settings: Any) -> Any:
            from ...engine.builder import build_model
            from ...engine.lr_finder import find_lr

            return find_lr(
                build_model(design, seed=settings.seed),
                bundle,
                optimizer=settings.optimizer,
                batch_size=settings.batch_size,
                seed=settings.seed,
            )

        self._start(
            translate("Training", "Find Learning Rate"),
            "lr_window",
            translate("Training", "Sweeping the learning rate for"),
            work,
        )

    def _on_lr_done(self, result: Any) -> None:
        self._on_state_changed(self.controller.state)
        window = self.lr_window
        if window is None:
            return
        if isinstance(result, BaseException):
            window.status.setText(
                translate("Training", "The sweep could not run: {reason}").format(
                    reason=first_line(result)
                )
            )
            return
        self.last_sweep = result
        window.status.setText(
            translate(
                "Training", "Suggested learning rate: {lr} ({optimizer}, fastai's valley)"
            ).format(lr=f"{result.suggestion:.2e}", optimizer=result.optimizer)
        )
        window.lines.setText(
            translate(
                "Training", "steepest descent {steep} · lowest loss / 10 {minimum} · {n} batches"
            ).format(
                steep=f"{result.steep:.2e}", minimum=f"{result.minimum:.2e}", n=len(result.lrs)
            )
        )
        plot = window.chart.getPlotItem()
        window.chart.clear()
        plot.setLogMode(x=True, y=False)
        plot.setLabel("bottom", translate("Training", "learning rate"))
        plot.setLabel("left", translate("Training", "smoothed loss"))
        # Log mode: the curve takes the rates as they are, lines take view (log10) positions.
        window.chart.plot(result.lrs, result.losses, pen=pg.mkPen("#4a90d9", width=2))
        markers = (("valley", result.valley, "#2e7d32"), ("steep", result.steep, "#e08a00"))
        for name, lr, colour in (*markers, ("min/10", result.minimum, "#8e44ad")):
            line = pg.InfiniteLine(
                math.log10(lr),
                angle=90,
                pen=pg.mkPen(colour, width=1.5),
                label=name,
                labelOpts={"position": 0.92 - 0.08 * len(plot.items), "color": colour},
            )
            plot.addItem(line)
        # The divergence at the end would flatten the part that matters: clip it, as fastai does.
        low, first = min(result.losses), result.losses[0]
        plot.setYRange(low - 0.05 * abs(low), max(min(max(result.losses), 1.5 * first), low + 1e-3))
        button = QPushButton(
            translate("Training", "Use {lr}").format(lr=f"{result.suggestion:.2e}")
        )
        button.setObjectName("use_suggested_lr")
        button.setToolTip(
            translate("Training", "Put the suggestion into the training settings (one undo step)")
        )
        button.clicked.connect(lambda: self.use_learning_rate(result.suggestion))
        window.buttons.insertWidget(0, button)
        self.use_lr_button = button

    def use_learning_rate(self, lr: float) -> None:
        """Write ``lr`` into the design's training settings as one undoable step."""
        session = self.window.session
        training = dict(session.design.training or {})
        training["lr"] = float(f"{lr:.3g}")
        session.push(
            SetMeta(
                {"training": training}, label=translate("Training", "Use suggested learning rate")
            )
        )


def install_sanity(window: Any, controller: Any) -> SanityTools:
    """Add Train ▸ Check Design… and Train ▸ Find Learning Rate… to ``window``'s Train menu."""
    menu = find_menu(window, TRAIN_MENU)
    if menu is None:
        raise RuntimeError("install_training must run first: the Train menu is missing")
    return SanityTools(window, controller, menu)
