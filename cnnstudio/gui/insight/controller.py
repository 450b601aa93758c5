"""The insight dock's controller: what to compute, where, and when to redraw.

Where the numbers come from:
- the model: the training controller's model while a run is going on or after it (as long as
  the design has not been changed since the run started); otherwise ``build_model(design,
  seed=0)``, built off the GUI thread and cached per generated source;
- the sample: an image of the validation split of the run's dataset (or of the offline
  ``digits`` set fitted to the design's Input shape), chosen by index or at random, or an image
  file opened or dropped onto the dock, preprocessed with `preprocess_image`.

One job off the GUI thread computes every layer's activation of the sample at once
(`cnnstudio.engine.insight`), so clicking another block only builds a mosaic from the cache (a
few milliseconds). During training an epoch-end probe recomputes them (and the statistics of a
validation batch) for the same sample, so the view follows the filters as they form. Jobs run on
the training controller's thread when there is one (so the model is never used by two threads at
once), else on a `BackgroundThread` of the dock's own. torch is imported only inside the jobs,
never when the dock is created.
"""

from __future__ import annotations

import dataclasses
import random
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QApplication, QDockWidget, QFileDialog

from ...core.errors import CnnStudioError
from ...core.i18n import translate
from ...engine.insight import (
    Activations,
    BatchStats,
    EpochProbe,
    ImageFile,
    InsightWorker,
    ModelSource,
    RandomImage,
    RunWeights,
    Sample,
    SampleRequest,
    SeedWeights,
    ValidationImage,
    WeightsKey,
    batch_stats,
    compute_activations,
    kernels,
    load_sample,
    probe_epoch,
)
from ..background import BackgroundThread
from ..session import DesignSession
from .panel import IMAGE_SUFFIXES, InsightPanel

if TYPE_CHECKING:
    from torch import nn

    from ...core.analysis import Analysis
    from ...core.design import Design
    from ...engine.activations import ActivationStats
    from ...engine.datasets import DatasetBundle

__all__ = ["Failure", "InsightController", "TrainingControllerLike"]

# Design edits in a burst (typing a number) rebuild the seeded model once, after this pause.
_DESIGN_DEBOUNCE_MS = 200
# Activations kept: a few samples and weights back and forth stay instant.
_CACHE_SIZE = 6

_T = TypeVar("_T")


class TrainingControllerLike(Protocol):
    """The part of the training controller the dock uses (see its module docstring)."""

    @property
    def model(self) -> nn.Module | None: ...
    @property
    def bundle(self) -> DatasetBundle | None: ...
    @property
    def run_data(self) -> DatasetBundle | None: ...
    @property
    def is_running(self) -> bool: ...
    @property
    def run_started(self) -> SignalInstance: ...
    @property
    def run_finished(self) -> SignalInstance: ...

    def add_probe(
        self, probe: Callable[[nn.Module], object], receiver: Callable[[object], None]
    ) -> Callable[[], None]: ...

    def run_off_gui(self, fn: Callable[[], object], receiver: Callable[[object], None]) -> None: ...

    def weights_fit(self, design: Design, analysis: Analysis | None = None) -> bool: ...


@dataclasses.dataclass(frozen=True)
class Failure:
    """A job that could not finish; ``message`` is one line for the user."""

    message: str


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, CnnStudioError | ValueError) and text:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _guarded(fn: Callable[[], _T]) -> Callable[[], _T | Failure]:
    """``fn`` turning exceptions into a `Failure`, whoever runs it.

    The training controller does not hand a job's exception to its receiver (it reports it on
    its own), and the dock must always hear back: a failed job has to clear its "computing…".
    """

    def run() -> _T | Failure:
        try:
            return fn()
        except Exception as exc:
            return Failure(_one_line(exc))

    return run


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
        self.stats: dict[str, ActivationStats] = {}
        self.stats_caption = ""
        self._worker = InsightWorker()
        # Without a training controller the jobs get a thread of their own.
        self._background: BackgroundThread | None = None
        if controller is None:
            self._background = BackgroundThread("cnnstudio-insight", self)
        self._cache: OrderedDict[tuple[WeightsKey, str], Activations] = OrderedDict()
        self._filters: dict[tuple[WeightsKey, str], np.ndarray] = {}
        # Jobs on their way, so a refresh never starts the same one twice.
        self._inflight: set[tuple[WeightsKey, str]] = set()
        self._inflight_filters: set[tuple[WeightsKey, str]] = set()
        self._inflight_stats: set[WeightsKey] = set()
        self._sample: Sample | None = None
        # What to show: a request until a job has resolved it, then that very sample (so a
        # random pick stays put while the weights change).
        self._wanted: SampleRequest | Sample = ValidationImage(0)
        self._wanted_serial = 0
        self._selected: str | None = None
        # Read by the probe on the training thread, so it never touches the design there.
        self._probe_conv: str | None = None
        self._weights_version = 0
        self._epochs = 0
        # (analysis, its code): the analysis object itself, not its id, which a later one
        # could reuse once this one is freed.
        self._code_cache: tuple[Analysis | None, str | None] = (None, None)
        self._stats_key: WeightsKey | None = None
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
            self._remove_probe = controller.add_probe(self._probe, self._on_probe_result)
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)
        self._on_session_selection_changed(list(session.selection))

    # -- public API ---------------------------------------------------------------------------
    def set_sample_index(self, index: int) -> None:
        """Show validation image ``index`` of the sample dataset."""
        self._want(ValidationImage(int(index)))

    def random_sample(self) -> None:
        """Show a random validation image."""
        self._want(RandomImage(random.randrange(1 << 30)))

    def open_image(self, path: str | Path) -> None:
        """Use an image file as the sample (preprocessed as in training) and predict it."""
        self._want(ImageFile(str(path)))

    def shutdown(self) -> None:
        """Remove the epoch-end probe and stop the helper thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        self._design_timer.stop()
        if self._remove_probe is not None:
            self._remove_probe()
            self._remove_probe = None
        if self._background is not None:
            self._background.shutdown(timeout_s=10)

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

    def _model_source(self) -> ModelSource | None:
        ctrl = self.controller
        model = ctrl.model if ctrl is not None else None
        code = self._current_code()
        if ctrl is not None and model is not None:
            fit = ctrl.is_running or ctrl.weights_fit(self.session.design, self.session.analysis)
            if fit:
                weights = (
                    translate("Insight", "trained weights after epoch {n}").format(n=self._epochs)
                    if self._epochs
                    else translate("Insight", "trained weights of the last run")
                )
                key = RunWeights(id(model), self._weights_version)
                return ModelSource(key, model, None, weights)
        if code is None:
            return None
        note = translate("Insight", "design changed since the run: ") if model is not None else ""
        return ModelSource(
            SeedWeights(code),
            None,
            self.session.design.clone(),
            note + translate("Insight", "initial weights (seed 0)"),
        )

    def _run_bundle(self) -> DatasetBundle | None:
        return self.controller.bundle if self.controller is not None else None

    def _input_shape(self) -> tuple[int, ...] | None:
        analysis = self.session.analysis
        if analysis.input_id is None:
            return None
        shape = analysis.layers[analysis.input_id].output_shape
        return tuple(shape) if shape is not None else None

    def _run(self, fn: Callable[[], object], receiver: Callable[[object], None]) -> None:
        if self._background is not None:
            self._background.submit(_guarded(fn), receiver)
        elif self.controller is not None:
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
            count = (
                translate("Insight", "1 error")
                if len(errors) == 1
                else translate("Insight", "{n} errors").format(n=len(errors))
            )
            first = (
                translate("Insight", " First: {message}").format(message=errors[0].message)
                if errors
                else ""
            )
            text = (
                translate(
                    "Insight",
                    "The design has errors, so it cannot run: fix them to see what the blocks "
                    "compute ({count}).",
                ).format(count=count)
                + first
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
        wanted = self._wanted
        shape = self._input_shape()
        if not isinstance(wanted, Sample) or shape is None or tuple(wanted.x.shape) == shape:
            return
        self._wanted_serial += 1
        self._wanted = wanted.origin or ValidationImage(0)

    def _sample_key(self) -> str:
        """The cache key of the wanted sample: resolved, or the request not yet resolved."""
        if self._sample is not None and self._wanted is self._sample:
            return self._sample.key
        return f"pending|{self._wanted_serial}"

    def _start_job(self, source: ModelSource, key: tuple[WeightsKey, str]) -> None:
        if key in self._inflight:
            return
        shape = self._input_shape()
        if shape is None:
            return
        self._inflight.add(key)
        self.panel.status.setText(translate("Insight", "computing…"))
        wanted = self._wanted
        run_bundle = self._run_bundle()
        conv = self._selected if self._is_conv(self._selected) else None
        worker = self._worker
        serial = self._wanted_serial

        def job() -> Activations:
            bundle = worker.dataset_for(shape, run_bundle)
            sample = wanted if isinstance(wanted, Sample) else load_sample(wanted, bundle, shape)
            model = worker.model_for(source)
            return compute_activations(model, source.key, sample, bundle.class_names, conv)

        self._run(job, lambda result: self._on_job_done(key, serial, result))

    def _on_job_done(self, key: tuple[WeightsKey, str], serial: int, result: object) -> None:
        self._inflight.discard(key)
        if self._closed:
            return
        self.panel.status.setText("")
        if not isinstance(result, Activations):
            message = (
                result.message if isinstance(result, Failure) else translate("Insight", "no result")
            )
            if serial == self._wanted_serial:
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
        if serial == self._wanted_serial:
            # The request is resolved: later jobs reuse this very sample (a random pick stays).
            self._wanted = result.sample
            self._sample = result.sample
            self._show_sample(result.sample)
        self._refresh()

    def _store(self, result: Activations) -> None:
        key = (result.weights, result.sample.key)
        self._cache[key] = result
        self._cache.move_to_end(key)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        for lid, weights in result.filters.items():
            self._filters[(result.weights, lid)] = weights

    def _want(self, request: SampleRequest) -> None:
        self._wanted_serial += 1
        self._wanted = request
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
                translate(
                    "Insight",
                    "{layer} is not computed by this model: it does not lead to the output",
                ).format(layer=lid)
                if lid in self.session.design
                else translate("Insight", "{layer} is not part of the trained model").format(
                    layer=lid
                )
            )
            p.feature_maps.show_message(text)
        else:
            value = acts.values[lid]
            names = list(acts.class_names) if acts.is_class_vector(lid) else None
            kind = self._layer_type(lid)
            p.feature_maps.show_activation(lid, value, description=kind, class_names=names)
            self.activation_shown.emit(lid)
        self._render_filters(acts)

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
        weights = self._filters.get((acts.weights, lid))
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

    def _ensure_filters(self, source: ModelSource) -> None:
        lid = self._selected
        if lid is None or not self._is_conv(lid):
            return
        if self.panel.tabs.currentWidget() is not self.panel.filters:
            return
        key = (source.key, lid)
        if key in self._filters or key in self._inflight_filters:
            return
        self._inflight_filters.add(key)
        worker = self._worker

        def job() -> np.ndarray:
            return kernels(worker.model_for(source), lid)

        def done(result: object) -> None:
            self._inflight_filters.discard(key)
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

    def _ensure_stats(self, source: ModelSource) -> None:
        """Statistics for the initial weights, when the statistics tab is opened before a run."""
        if self.panel.tabs.currentWidget() is not self.panel.stats or source.model is not None:
            return
        if self._stats_key == source.key or source.key in self._inflight_stats:
            return
        shape = self._input_shape()
        if shape is None:
            return
        self._inflight_stats.add(source.key)
        worker = self._worker
        run_bundle = self._run_bundle()

        def job() -> BatchStats:
            bundle = worker.dataset_for(shape, run_bundle)
            return batch_stats(worker.model_for(source), bundle)

        def done(result: object) -> None:
            self._inflight_stats.discard(source.key)
            if isinstance(result, BatchStats):
                self._stats_key = source.key
                self._set_stats(
                    result,
                    translate(
                        "Insight", "{n} {dataset} validation images, initial weights (seed 0)"
                    ).format(n=result.images, dataset=result.dataset),
                )
            elif isinstance(result, Failure):
                self.panel.stats.caption.setText(
                    translate("Insight", "Cannot compute statistics: {reason}").format(
                        reason=result.message
                    )
                )

        self._run(job, done)

    def _set_stats(self, result: BatchStats, caption: str) -> None:
        self.stats = dict(result.stats)
        self.stats_caption = caption
        types = {lid: self._layer_type(lid) for lid in result.stats}
        self.panel.stats.set_stats(
            result.stats,
            types,
            translate("Insight", "Activations over {caption}.").format(caption=caption),
        )
        self.stats_changed.emit(dict(self.stats))

    # -- training ------------------------------------------------------------------------------
    def _probe(self, model: nn.Module) -> EpochProbe:
        """At an epoch end, on the training thread: activations, kernels and statistics."""
        # The run's own data: the GUI thread may not have handled the run's start yet.
        data = self.controller.run_data if self.controller is not None else None
        return probe_epoch(model, data, self._sample, self._probe_conv)

    def _on_probe_result(self, result: object) -> None:
        if self._closed or not isinstance(result, EpochProbe):
            return
        self._weights_version += 1
        self._epochs += 1
        model = self.controller.model if self.controller is not None else None
        acts = result.activations
        if acts is not None:
            acts = dataclasses.replace(acts, weights=RunWeights(id(model), self._weights_version))
            self._store(acts)
            if self._sample is None or self._sample.key != acts.sample.key:
                self._wanted_serial += 1
                self._wanted = acts.sample
                self._sample = acts.sample
                self._show_sample(acts.sample)
        if result.stats is not None:
            stats = result.stats
            caption = translate(
                "Insight", "{n} {dataset} validation images after epoch {epoch}"
            ).format(n=stats.images, dataset=stats.dataset, epoch=self._epochs)
            self._set_stats(stats, caption)
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
