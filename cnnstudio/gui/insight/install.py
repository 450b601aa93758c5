"""The "Feature maps" dock and its controller: what to compute, where, and when to redraw.

`install_insight(window, controller)` adds one dock (tabs: Feature maps, Filters, Prediction,
Layer statistics) next to the bottom dock and returns the `InsightController` that runs it.

Where the numbers come from:
- the model: the training controller's model while a run is going on or after it (as long as
  the design has not been changed since the run started); otherwise ``build_model(design,
  seed=0)``, built off the GUI thread and cached per generated source;
- the sample: an image of the validation split of the run's dataset (or of the offline
  ``digits`` set fitted to the design's Input shape), chosen by index or at random, or an image
  file opened or dropped onto the dock, preprocessed with `preprocess_image`.

One job off the GUI thread computes every layer's activation of the sample at once, so
clicking another block only builds a mosaic from the cache (a few milliseconds). During
training an epoch-end probe recomputes them (and the statistics of a validation batch) for the
same sample, so the view follows the filters as they form. torch is imported only inside the
jobs, never when the dock is created.
"""

from __future__ import annotations

import contextlib
import math
import random
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.errors import CnnStudioError
from ...core.formatting import fmt_shape
from ...core.i18n import QT_TRANSLATE_NOOP, translate
from ..background import BackgroundThread
from ..plot_palette import restyle_plots
from ..session import DesignSession
from ..theme import error_colour, warning_colour
from .attribution import AttributionView
from .feature_maps import FeatureMapView
from .filters import FilterView
from .prediction import PredictionView

if TYPE_CHECKING:
    from ...core.design import Design

__all__ = [
    "IMAGE_SUFFIXES",
    "STATS_BATCH",
    "InsightController",
    "InsightPanel",
    "LayerStatsView",
    "Sample",
    "ThreadRunner",
    "install_insight",
]

#: File name endings accepted as images (open and drop).
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm")
#: Validation images per statistics batch (enough for stable means, cheap at an epoch end).
STATS_BATCH = 64
# Design edits in a burst (typing a number) rebuild the seeded model once, after this pause.
_DESIGN_DEBOUNCE_MS = 200
_CACHE_SIZE = 6
_DEAD_WARNING = 0.5


class TrainingControllerLike(Protocol):
    """The part of the training controller the dock uses (see the module docstring)."""

    model: Any
    bundle: Any
    is_running: bool
    run_started: Any
    run_finished: Any
    epoch_ended: Any

    def add_probe(
        self, probe: Callable[[Any], Any], receiver: Callable[[Any], None]
    ) -> Callable[[], None]: ...

    def run_off_gui(self, fn: Callable[[], Any], receiver: Callable[[Any], None]) -> None: ...

    def weights_fit(self, design: Design, analysis: Any = None) -> bool: ...


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class Failure:
    """A job that could not finish; ``message`` is one line for the user."""

    message: str


@dataclass(frozen=True, eq=False)
class Sample:
    """One input as the network sees it.

    ``x`` is the normalized ``C x H x W`` tensor as numpy; ``image`` the same picture for
    display (``H x W`` or ``H x W x 3`` in [0, 1]); ``key`` identifies it in caches.
    """

    key: str
    x: np.ndarray
    image: np.ndarray
    caption: str
    truth: str | None = None
    index: int | None = None
    count: int = 0
    origin: tuple[str, Any] | None = None
    """The request it came from (``("index", 3)``, ``("file", path)``), to redo at a new size."""


@dataclass
class Activations:
    """Every layer's output for one sample under one set of weights (no batch axis)."""

    model_key: tuple[Any, ...]
    sample: Sample
    order: list[str]
    values: dict[str, np.ndarray]
    output_id: str | None
    class_names: list[str]
    predictions: list[Any]
    filters: dict[str, np.ndarray] = field(default_factory=dict)
    stats: dict[str, Any] | None = None


@dataclass(frozen=True)
class _ModelSource:
    key: tuple[Any, ...]
    model: Any  # the run's module, or None: build from ``design``
    design: Design | None
    description: str


# --------------------------------------------------------------------------- threads


class ThreadRunner(QObject):
    """Runs functions one at a time on a thread of its own and delivers results on the GUI thread.

    The dock uses the training controller's ``run_off_gui`` when it has one; this runner serves
    when the dock works without a training controller (and in tests and the benchmark). It is a
    `BackgroundThread` (the app's one way of running background work) whose failures reach the
    receiver as a `Failure`.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._background = BackgroundThread("cnnstudio-insight", self)

    def run_off_gui(self, fn: Callable[[], Any], receiver: Callable[[Any], None]) -> None:
        self._background.submit(fn, receiver, lambda exc: receiver(Failure(_one_line(exc))))

    def shutdown(self) -> None:
        """Stop the thread after the queued work (idempotent)."""
        self._background.shutdown(timeout_s=10)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, CnnStudioError | ValueError) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _guarded(fn: Callable[[], Any]) -> Callable[[], Any]:
    """``fn`` turning exceptions into a `Failure`, whoever runs it."""

    def run() -> Any:
        try:
            return fn()
        except Exception as exc:
            return Failure(_one_line(exc))

    return run


# --------------------------------------------------------------------------- worker-side work


def _display_image(x: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """A normalized ``C x H x W`` array back in [0, 1], as ``H x W`` (gray) or ``H x W x 3``."""
    m = np.asarray(mean, dtype=np.float32).reshape(-1, 1, 1)
    s = np.asarray(std, dtype=np.float32).reshape(-1, 1, 1)
    img = np.clip(x * s + m, 0.0, 1.0)
    return img[0] if img.shape[0] == 1 else img[:3].transpose(1, 2, 0)


class _Worker:
    """Models, datasets and activation jobs; used only on the thread that runs the jobs."""

    def __init__(self) -> None:
        self.models: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.datasets: dict[tuple[Any, ...], Any] = {}

    def model_for(self, source: _ModelSource) -> Any:
        if source.model is not None:
            return source.model
        model = self.models.get(source.key)
        if model is None:
            from ...engine.builder import build_model

            assert source.design is not None
            model = build_model(source.design, seed=0)
            model.eval()
            self.models[source.key] = model
            while len(self.models) > 2:
                self.models.popitem(last=False)
        return model

    def dataset_for(self, input_shape: tuple[int, ...], run_bundle: Any) -> Any:
        """The run's dataset when it fits the Input shape, else the offline digits set."""
        if run_bundle is not None and tuple(run_bundle.input_shape) == tuple(input_shape):
            return run_bundle
        key = ("digits", tuple(input_shape))
        bundle = self.datasets.get(key)
        if bundle is None:
            from ...engine.datasets import load_dataset

            bundle = load_dataset("digits", input_shape, allow_download=False)
            self.datasets = {key: bundle}  # one shape at a time: a 3x224x224 copy is big
        return bundle

    @staticmethod
    def sample_from(spec: tuple[str, Any], bundle: Any, input_shape: tuple[int, ...]) -> Sample:
        kind, arg = spec
        if kind == "sample":
            return arg
        if kind == "file":
            from PIL import Image, UnidentifiedImageError

            from ...engine.datasets import preprocess_image

            path = Path(arg)
            try:
                with Image.open(path) as img:
                    img.load()
                    x = preprocess_image(img, bundle, input_shape).numpy()
            except (OSError, UnidentifiedImageError) as exc:
                raise ValueError(f"cannot read image {path.name}: {exc}") from None
            stamp = path.stat().st_mtime_ns
            return Sample(
                f"file|{path}|{stamp}|{bundle.name}|{input_shape}",
                x,
                _display_image(x, bundle.mean, bundle.std),
                f"{path.name} (normalized like {bundle.name})",
                origin=("file", str(path)),
            )
        n = len(bundle.val_x)
        if n == 0:
            raise ValueError(f"{bundle.name} has no validation images to show")
        i = random.Random(arg).randrange(n) if kind == "random" else int(arg) % n
        x = bundle.val_x[i].detach().cpu().float().numpy().copy()
        label = int(bundle.val_y[i])
        truth = bundle.class_names[label] if label < len(bundle.class_names) else str(label)
        return Sample(
            f"{bundle.name}|{id(bundle)}|{input_shape}|val|{i}",
            x,
            _display_image(x, bundle.mean, bundle.std),
            translate("Insight", "{dataset} validation image {i} of {n}, class {truth}").format(
                dataset=bundle.name, i=i, n=n, truth=truth
            ),
            truth,
            i,
            n,
            origin=("index", i),
        )

    @staticmethod
    def activations(
        model: Any,
        model_key: tuple[Any, ...],
        sample: Sample,
        class_names: list[str],
        conv_id: str | None,
    ) -> Activations:
        import torch

        from ...engine.activations import (
            capture_activations,
            filters_of,
            layer_ids_of,
            output_id_of,
            top_k,
        )

        x = torch.from_numpy(sample.x)[None]
        acts = capture_activations(model, None, x)
        values = {lid: t[0].float().cpu().numpy() for lid, t in acts.items()}
        out_id = output_id_of(model)
        preds = []
        if out_id is not None and values[out_id].ndim == 1:
            preds = top_k(acts[out_id][0], class_names, 5)
        filters = {}
        if conv_id is not None:
            with contextlib.suppress(ValueError):  # the block is no longer a Conv in this model
                filters[conv_id] = filters_of(model, conv_id).numpy()
        return Activations(
            model_key, sample, layer_ids_of(model), values, out_id, class_names, preds, filters
        )

    @staticmethod
    def stats(model: Any, bundle: Any) -> dict[str, Any]:
        from ...engine.activations import activation_stats, capture_activations, relu_ids_of

        batch = bundle.val_x[:STATS_BATCH]
        acts = capture_activations(model, None, batch)
        return activation_stats(acts, relu_ids_of(model))


# --------------------------------------------------------------------------- widgets


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

    def set_stats(self, stats: Mapping[str, Any], types: Mapping[str, str], caption: str) -> None:
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
    def image_path(event: QDragEnterEvent | QDropEvent) -> str | None:
        """The first local image file of a drag, if any."""
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            path = url.toLocalFile()
            if path and path.lower().endswith(IMAGE_SUFFIXES):
                return path
        return None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.image_path(event) is not None:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        path = self.image_path(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.image_dropped.emit(path)


# --------------------------------------------------------------------------- controller


class InsightController(QObject):
    """Runs the insight dock: follows the selection, the design, the sample and the training.

    ``stats`` maps layer ids to `cnnstudio.engine.activations.ActivationStats` of the latest
    batch (after each epoch while training); ``stats_changed`` announces a new dict.
    ``activation_shown`` is emitted with the layer id each time a layer's output has been put
    on screen (a mosaic set on its ImageItem, or bars), ``refreshed`` once per epoch-end update.
    """

    stats_changed = Signal(dict)
    activation_shown = Signal(str)
    refreshed = Signal()

    def __init__(
        self,
        session: DesignSession,
        controller: TrainingControllerLike | None,
        panel: InsightPanel | None = None,
        dock: QDockWidget | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.controller = controller
        self.panel = panel or InsightPanel()
        self.dock = dock
        self.stats: dict[str, Any] = {}
        self.stats_caption = ""
        self._worker = _Worker()
        self._runner: ThreadRunner | None = None
        if controller is None or not hasattr(controller, "run_off_gui"):
            self._runner = ThreadRunner(self)
        self._cache: OrderedDict[tuple[Any, ...], Activations] = OrderedDict()
        self._filters: dict[tuple[Any, ...], np.ndarray] = {}
        self._inflight: set[tuple[Any, ...]] = set()
        self._sample: Sample | None = None
        self._sample_spec: tuple[str, Any] = ("index", 0)
        self._spec_serial = 0
        self._selected: str | None = None
        # Read by the probe on the training thread, so it never touches the design there.
        self._probe_conv: str | None = None
        self._weights_version = 0
        self._epochs = 0
        # (analysis, its code): the analysis object itself, not its id, which a later one
        # could reuse once this one is freed.
        self._code_cache: tuple[Any, str | None] = (None, None)
        self._stats_key: tuple[Any, ...] | None = None
        self._current: Activations | None = None
        self._drawn: Activations | None = None
        self._closed = False
        self._remove_probe: Callable[[], None] | None = None
        self._design_timer = QTimer(self)
        self._design_timer.setSingleShot(True)
        self._design_timer.setInterval(_DESIGN_DEBOUNCE_MS)
        self._design_timer.timeout.connect(self._refresh)

        p = self.panel
        session.selection_changed.connect(self._on_session_selection_changed)
        session.analysis_changed.connect(self._design_timer.start)
        session.design_reset.connect(self._on_session_design_reset)
        p.index.valueChanged.connect(self._on_index_changed)
        p.random_button.clicked.connect(self.random_sample)
        p.open_button.clicked.connect(self._on_open_clicked)
        p.prediction.open_requested.connect(self._on_open_clicked)
        p.image_dropped.connect(self.open_image)
        p.tabs.currentChanged.connect(self._on_tab_changed)
        p.why.requested.connect(self._render_why)
        p.stats.layer_clicked.connect(lambda lid: self.session.select([lid]))
        p.feature_maps.show_all_changed.connect(lambda _on: self._render())
        if dock is not None:
            dock.visibilityChanged.connect(self._on_dock_visibility_changed)
        if controller is not None:
            controller.run_started.connect(self._on_run_started)
            controller.run_finished.connect(self._on_run_finished)
            if hasattr(controller, "add_probe"):
                self._remove_probe = controller.add_probe(self._probe, self._on_probe_result)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._on_session_selection_changed(list(session.selection))

    # -- public API ---------------------------------------------------------------------------
    def set_sample_index(self, index: int) -> None:
        """Show validation image ``index`` of the sample dataset."""
        self._set_spec(("index", int(index)))

    def random_sample(self) -> None:
        """Show a random validation image."""
        self._set_spec(("random", random.randrange(1 << 30)))

    def open_image(self, path: str | Path) -> None:
        """Use an image file as the sample (preprocessed as in training) and predict it."""
        self._set_spec(("file", str(path)))

    def shutdown(self) -> None:
        """Remove the epoch-end probe and stop the helper thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._design_timer.stop()
        if self._remove_probe is not None:
            self._remove_probe()
            self._remove_probe = None
        if self._runner is not None:
            self._runner.shutdown()

    @property
    def sample(self) -> Sample | None:
        """The sample shown, once it has been loaded."""
        return self._sample

    @property
    def current(self) -> Activations | None:
        """The activations on screen (all layers of the current sample and weights)."""
        return self._current

    def is_active(self) -> bool:
        """Whether the dock is on screen (work is deferred until it is)."""
        if self.dock is not None:
            # A tabified dock behind another stays "visible", moved off screen: ask the region.
            return self.dock.isVisible() and not self.dock.visibleRegion().isEmpty()
        return self.panel.isVisible()

    # -- sources -------------------------------------------------------------------------------
    def _current_code(self) -> str | None:
        analysis = self.session.analysis
        if self._code_cache[0] is analysis:
            return self._code_cache[1]
        code: str | None = None
        if analysis.valid:
            from ...engine.codegen import generate_code

            try:
                code = generate_code(self.session.design, analysis, main_block=False).source
            except CnnStudioError:
                code = None
        self._code_cache = (analysis, code)
        return code

    def _model_source(self) -> _ModelSource | None:
        ctrl = self.controller
        model = getattr(ctrl, "model", None) if ctrl is not None else None
        code = self._current_code()
        fit = model is not None and (
            ctrl.is_running or ctrl.weights_fit(self.session.design, self.session.analysis)
        )
        if fit:
            weights = (
                translate("Insight", "trained weights after epoch {n}").format(n=self._epochs)
                if self._epochs
                else translate("Insight", "trained weights of the last run")
            )
            return _ModelSource(("run", id(model), self._weights_version), model, None, weights)
        if code is None:
            return None
        note = translate("Insight", "design changed since the run: ") if model is not None else ""
        return _ModelSource(
            ("seed", code),
            None,
            self.session.design.clone(),
            note + translate("Insight", "initial weights (seed 0)"),
        )

    def _input_shape(self) -> tuple[int, ...] | None:
        analysis = self.session.analysis
        if analysis.input_id is None:
            return None
        shape = analysis.layers[analysis.input_id].output_shape
        return tuple(shape) if shape is not None else None

    def _run(self, fn: Callable[[], Any], receiver: Callable[[Any], None]) -> None:
        if self._runner is not None:
            self._runner.run_off_gui(_guarded(fn), receiver)
        else:
            assert self.controller is not None
            self.controller.run_off_gui(_guarded(fn), receiver)

    # -- the main refresh ----------------------------------------------------------------------
    def _refresh(self) -> None:
        """Show what is wanted now, from the cache or by starting the one job that computes it."""
        if self._closed or not self.is_active():
            return
        source = self._model_source()
        view = self.panel.feature_maps
        if source is None:
            errors = self.session.analysis.errors
            first = f" First: {errors[0].message}" if errors else ""
            text = (
                "The design has errors, so it cannot run: fix them to see what the blocks "
                f"compute ({len(errors)} error{'s' if len(errors) != 1 else ''}).{first}"
            )
            self._current = None
            view.show_message(text)
            self.panel.filters.show_message(text)
            self.panel.prediction.show_message(text)
            self.panel.weights_label.setText("")
            return
        self.panel.weights_label.setText(source.description)
        self._follow_input_shape()
        key = (source.key, self._sample_key())
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            self._current = cached
            self.panel.status.setText("")
            self._render()
            self._ensure_filters(source)
            self._ensure_stats(source)
            return
        self._start_job(source, key)

    def _follow_input_shape(self) -> None:
        """A sample made for another Input size (a design opened or restored, an edited
        Input) is made again from the same image at the design's size."""
        kind, arg = self._sample_spec
        shape = self._input_shape()
        if kind != "sample" or shape is None or tuple(arg.x.shape) == shape:
            return
        self._spec_serial += 1
        self._sample_spec = arg.origin or ("index", 0)

    def _sample_key(self) -> str:
        """The cache key of the wanted sample: resolved, or the request not yet resolved."""
        kind, arg = self._sample_spec
        if kind == "sample" and self._sample is not None and arg is self._sample:
            return self._sample.key
        return f"pending|{self._spec_serial}"

    def _start_job(self, source: _ModelSource, key: tuple[Any, ...]) -> None:
        if key in self._inflight:
            return
        shape = self._input_shape()
        if shape is None:
            return
        self._inflight.add(key)
        self.panel.status.setText(translate("Insight", "computing…"))
        spec = self._sample_spec
        run_bundle = getattr(self.controller, "bundle", None)
        conv = self._selected if self._is_conv(self._selected) else None
        worker = self._worker
        serial = self._spec_serial

        def job() -> Activations:
            bundle = worker.dataset_for(shape, run_bundle)
            sample = worker.sample_from(spec, bundle, shape)
            model = worker.model_for(source)
            return worker.activations(model, source.key, sample, bundle.class_names, conv)

        self._run(job, lambda result: self._on_job_done(key, serial, result))

    def _on_job_done(self, key: tuple[Any, ...], serial: int, result: Any) -> None:
        self._inflight.discard(key)
        if self._closed:
            return
        self.panel.status.setText("")
        if isinstance(result, Failure) or not isinstance(result, Activations):
            message = (
                result.message if isinstance(result, Failure) else translate("Insight", "no result")
            )
            if serial == self._spec_serial:
                self._current = None
                self.panel.feature_maps.show_message(
                    translate("Insight", "Cannot show feature maps: {reason}").format(
                        reason=message
                    )
                )
                self.panel.prediction.show_message(
                    translate("Insight", "Cannot predict: {reason}").format(reason=message)
                )
            return
        self._store(result)
        if serial == self._spec_serial and self._sample_spec[0] != "sample":
            # The request is resolved: later jobs reuse this very sample (a random pick stays).
            self._sample_spec = ("sample", result.sample)
        if serial == self._spec_serial:
            self._sample = result.sample
            self._show_sample(result.sample)
        self._refresh()

    def _store(self, result: Activations) -> None:
        key = (result.model_key, result.sample.key)
        self._cache[key] = result
        self._cache.move_to_end(key)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        for lid, weights in result.filters.items():
            self._filters[(result.model_key, lid)] = weights

    def _set_spec(self, spec: tuple[str, Any]) -> None:
        self._spec_serial += 1
        self._sample_spec = spec
        self._refresh()

    def _show_sample(self, sample: Sample) -> None:
        p = self.panel
        p.sample_label.setText(sample.caption)
        p.sample_label.setToolTip(sample.caption)
        if sample.index is not None:
            p.index.blockSignals(True)
            p.index.setRange(0, max(0, sample.count - 1))
            p.index.setValue(sample.index)
            p.index.blockSignals(False)

    # -- drawing -------------------------------------------------------------------------------
    def _layer_type(self, lid: str) -> str:
        design = self.session.design
        return design[lid].type if lid in design else ""

    def _is_conv(self, lid: str | None) -> bool:
        return lid is not None and self._layer_type(lid) == "Conv"

    def _render(self) -> None:
        """Draw the selected layer of the current activations in every tab."""
        acts = self._current
        if acts is None:
            return
        p = self.panel
        if acts is not self._drawn:
            # Input and prediction depend on the sample and the weights, not on the block.
            self._drawn = acts
            p.feature_maps.set_input(
                acts.sample.image, translate("Insight", "Input\n(as the network sees it)")
            )
            self._render_prediction(acts)
        self._render_why()
        lid = self._selected
        if lid is None:
            p.feature_maps.show_message(
                translate(
                    "Insight",
                    "Click a block on the canvas to see what it computes for this sample.",
                )
            )
            p.filters.show_message(
                translate("Insight", "Click a Conv block on the canvas to see its learned kernels.")
            )
            return
        if lid not in acts.values:
            text = (
                f"{lid} is not computed by this model: it does not lead to the output"
                if lid in self.session.design
                else f"{lid} is not part of the trained model"
            )
            p.feature_maps.show_message(text)
        else:
            value = acts.values[lid]
            names = acts.class_names if self._is_class_vector(acts, lid) else None
            kind = self._layer_type(lid)
            p.feature_maps.show_activation(lid, value, description=kind, class_names=names)
            self.activation_shown.emit(lid)
        self._render_filters(acts)

    @staticmethod
    def _is_class_vector(acts: Activations, lid: str) -> bool:
        """A vector with one value per class from which only same-sized layers lead on."""
        value = acts.values[lid]
        if value.ndim != 1 or len(value) != len(acts.class_names) or lid not in acts.order:
            return False
        tail = acts.order[acts.order.index(lid) :]
        return all(acts.values[t].shape == value.shape for t in tail if t in acts.values)

    def _render_filters(self, acts: Activations) -> None:
        lid = self._selected
        view = self.panel.filters
        if self.panel.tabs.currentWidget() is not view:
            return  # drawn when its tab is opened (a hidden kernel grid is wasted work)
        if lid is None or not self._is_conv(lid):
            name = (
                translate("Insight", "{layer} is a {type}: ").format(
                    layer=lid, type=self._layer_type(lid) or translate("Insight", "block")
                )
                if lid
                else ""
            )
            view.show_message(
                name + translate("Insight", "click a Conv block to see its learned kernels.")
            )
            return
        weights = self._filters.get((acts.model_key, lid))
        if weights is not None:
            view.show_filters(lid, weights)
        elif view.layer_id != lid:
            view.show_message(
                translate("Insight", "Reading the kernels of {layer}…").format(layer=lid)
            )

    def _render_why(self) -> None:
        """The attribution map of the current sample, when the Why? tab is the one shown."""
        acts, view = self._current, self.panel.why
        if acts is None or self.panel.tabs.currentWidget() is not view:
            return  # computed when its tab is opened (each map costs forward passes)
        source = self._model_source()
        if source is None or not acts.predictions:
            view.message.setText(
                translate("Insight", "The network's output is not a vector of class scores.")
            )
            return
        predicted = acts.predictions[0].index
        view.request(
            acts.sample, acts.class_names, predicted, source, self._worker.model_for, self._run
        )

    def _render_prediction(self, acts: Activations) -> None:
        view = self.panel.prediction
        if not acts.predictions:
            view.show_message(
                translate(
                    "Insight",
                    "The network's output is not a vector of class scores, so there is nothing "
                    "to rank.",
                )
            )
            return
        weights = self.panel.weights_label.text()
        caption = (
            acts.sample.caption
            + "\n"
            + translate("Insight", "Weights: {weights}").format(weights=weights)
        )
        view.show_predictions(acts.sample.image, acts.predictions, caption, acts.sample.truth)

    def _ensure_filters(self, source: _ModelSource) -> None:
        lid = self._selected
        if not self._is_conv(lid) or self.panel.tabs.currentWidget() is not self.panel.filters:
            return
        assert lid is not None
        key = (source.key, lid)
        if key in self._filters or ("filters", key) in self._inflight:
            return
        self._inflight.add(("filters", key))
        worker = self._worker

        def job() -> np.ndarray:
            from ...engine.activations import filters_of

            return filters_of(worker.model_for(source), lid).numpy()

        def done(result: Any) -> None:
            self._inflight.discard(("filters", key))
            if isinstance(result, np.ndarray):
                self._filters[key] = result
                if self._current is not None:
                    self._render_filters(self._current)
            elif isinstance(result, Failure):
                self.panel.filters.show_message(
                    translate("Insight", "Cannot show kernels: {reason}").format(
                        reason=result.message
                    )
                )

        self._run(job, done)

    def _ensure_stats(self, source: _ModelSource) -> None:
        """Statistics for the initial weights, when the statistics tab is opened before a run."""
        if self.panel.tabs.currentWidget() is not self.panel.stats or source.model is not None:
            return
        if self._stats_key == source.key or ("stats", source.key) in self._inflight:
            return
        shape = self._input_shape()
        if shape is None:
            return
        self._inflight.add(("stats", source.key))
        worker = self._worker
        run_bundle = getattr(self.controller, "bundle", None)

        def job() -> tuple[dict[str, Any], str]:
            bundle = worker.dataset_for(shape, run_bundle)
            stats = worker.stats(worker.model_for(source), bundle)
            n = min(STATS_BATCH, len(bundle.val_x))
            return stats, translate(
                "Insight", "{n} {dataset} validation images, initial weights (seed 0)"
            ).format(n=n, dataset=bundle.name)

        def done(result: Any) -> None:
            self._inflight.discard(("stats", source.key))
            if isinstance(result, tuple):
                self._stats_key = source.key
                self._set_stats(*result)
            elif isinstance(result, Failure):
                self.panel.stats.caption.setText(
                    translate("Insight", "Cannot compute statistics: {reason}").format(
                        reason=result.message
                    )
                )

        self._run(job, done)

    def _set_stats(self, stats: dict[str, Any], caption: str) -> None:
        self.stats = dict(stats)
        self.stats_caption = caption
        types = {lid: self._layer_type(lid) for lid in stats}
        self.panel.stats.set_stats(stats, types, f"Activations over {caption}.")
        self.stats_changed.emit(dict(self.stats))

    # -- training ------------------------------------------------------------------------------
    def _probe(self, model: Any) -> Any:
        """At an epoch end, on the training thread: activations, kernels and statistics."""
        sample, conv = self._sample, self._probe_conv
        bundle = getattr(self.controller, "bundle", None)
        result: dict[str, Any] = {"activations": None, "stats": None}
        if bundle is not None:
            shape = tuple(bundle.input_shape)
            foreign = (
                sample is not None
                and sample.index is not None
                and (f"|{id(bundle)}|" not in sample.key)
            )
            if sample is None or sample.x.shape != shape or foreign:
                # The run's own data replaces the offline stand-in (same index).
                index = sample.index if sample is not None and sample.index is not None else 0
                sample = self._worker.sample_from(("index", index), bundle, shape)
            result["stats"] = self._worker.stats(model, bundle)
            result["stats_caption"] = f"{min(STATS_BATCH, len(bundle.val_x))} {bundle.name}"
            class_names = list(bundle.class_names)
        else:
            class_names = [str(i) for i in range(10)]
        if sample is not None:
            result["activations"] = self._worker.activations(model, (), sample, class_names, conv)
        return result

    def _on_probe_result(self, result: Any) -> None:
        if self._closed or not isinstance(result, dict):
            return
        self._weights_version += 1
        self._epochs += 1
        model = getattr(self.controller, "model", None)
        key = ("run", id(model), self._weights_version)
        acts: Activations | None = result.get("activations")
        if acts is not None:
            acts.model_key = key
            self._store(acts)
            if self._sample is None or self._sample.key != acts.sample.key:
                self._spec_serial += 1
                self._sample_spec = ("sample", acts.sample)
                self._sample = acts.sample
                self._show_sample(acts.sample)
        if result.get("stats") is not None:
            caption = translate("Insight", "{images} validation images after epoch {n}").format(
                images=result["stats_caption"], n=self._epochs
            )
            self._set_stats(result["stats"], caption)
        self._refresh()
        self.refreshed.emit()

    def _on_run_started(self, event: object = None) -> None:
        self._weights_version += 1
        # Continue resumes the count: stopped at 23, the next epoch end is epoch 24.
        self._epochs = int(getattr(event, "start_epoch", 0) or 0)
        self._refresh()

    def _on_run_finished(self, _event: object = None) -> None:
        self._weights_version += 1
        self._refresh()

    # -- signals -------------------------------------------------------------------------------
    def _on_session_selection_changed(self, ids: list[str]) -> None:
        self._selected = ids[-1] if ids else None
        self._probe_conv = self._selected if self._is_conv(self._selected) else None
        self._refresh()

    def _on_session_design_reset(self) -> None:
        self._design_timer.start()

    def _on_index_changed(self, value: int) -> None:
        self.set_sample_index(value)

    def _on_open_clicked(self) -> None:
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(
            self.panel,
            translate("Insight", "Open an image"),
            "",
            f"Images ({patterns});;All files (*)",
        )
        if path:
            self.open_image(path)

    def _on_tab_changed(self, _index: int) -> None:
        self._refresh()

    def _on_dock_visibility_changed(self, visible: bool) -> None:
        if visible:
            # After the show has been painted: the first job may import torch.
            QTimer.singleShot(0, self._refresh)


# --------------------------------------------------------------------------- installation


def install_insight(
    window: QMainWindow, controller: TrainingControllerLike | None
) -> InsightController:
    """Add the "Feature maps" dock, tabbed with the bottom dock, and return its controller.

    Uses only ``window.session``, ``addDockWidget``, ``tabifyDockWidget`` and the window's
    existing docks; the dock that was in front stays in front, so nothing is computed (and
    torch is not imported) until the user opens the tab.
    """
    session: DesignSession = window.session  # type: ignore[attr-defined]
    dock = QDockWidget(translate("Insight", "Feature maps"), window)
    dock.setObjectName("FeatureMapsDock")
    panel = InsightPanel(dock)
    dock.setWidget(panel)
    bottom = [
        d
        for d in window.findChildren(QDockWidget)
        if d is not dock
        and window.dockWidgetArea(d) == Qt.DockWidgetArea.BottomDockWidgetArea
        and not d.isFloating()
    ]
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
    if bottom:
        front = next((d for d in bottom if d.isVisible()), None)
        window.tabifyDockWidget(bottom[-1], dock)
        (front or bottom[0]).raise_()
    insight = InsightController(session, controller, panel, dock, parent=window)
    return insight
