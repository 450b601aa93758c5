"""The insight dock: feature maps equal the model's activations, epoch refreshes, drops, bars."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from PIL import Image
from PySide6.QtCore import QMimeData, QObject, QPoint, QPointF, Qt, QUrl, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

from cnnstudio.core.commands import SetParam
from cnnstudio.core.templates import get_template
from cnnstudio.engine.activations import capture_activations, evaluation
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.codegen import network_source
from cnnstudio.engine.datasets import load_dataset
from cnnstudio.gui.background import BackgroundThread
from cnnstudio.gui.insight import (
    InsightController,
    InsightPanel,
    build_filter_mosaic,
    build_mosaic,
    install_insight,
)
from cnnstudio.gui.insight.feature_maps import viridis_lut
from cnnstudio.gui.session import DesignSession

WAIT_MS = 20_000


class FakeTrainingController(QObject):
    """The training controller's contract, without training: tests drive epochs by hand."""

    run_started = Signal(object)
    epoch_ended = Signal(object)
    run_finished = Signal(object)
    state_changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.model: torch.nn.Module | None = None
        self.run_design: Any = None
        self.bundle: Any = None
        self.is_running = False
        self.probes: list[tuple[Callable[[Any], Any], Callable[[Any], None]]] = []
        self.runner = BackgroundThread("fake-training", self)
        self.probe_calls = 0

    @property
    def run_data(self) -> Any:
        return self.bundle

    def add_probe(
        self, probe: Callable[[Any], Any], receiver: Callable[[Any], None]
    ) -> Callable[[], None]:
        entry = (probe, receiver)
        self.probes.append(entry)
        return lambda: self.probes.remove(entry)

    def run_off_gui(self, fn: Callable[[], Any], receiver: Callable[[Any], None]) -> None:
        self.runner.submit(fn, receiver)

    def start_run(self, model: torch.nn.Module, bundle: Any, design: Any = None) -> None:
        self.model, self.bundle, self.is_running = model, bundle, True
        self.run_design = design
        self.run_started.emit(object())

    def weights_fit(self, design: Any, analysis: Any = None) -> bool:
        if self.model is None or self.run_design is None:
            return False
        return network_source(design) == network_source(self.run_design)

    def end_epoch(self, epoch: int) -> None:
        """What the worker does at an epoch end: probes in eval mode, results to the GUI."""
        assert self.model is not None
        for probe, receiver in list(self.probes):
            with evaluation(self.model):
                result = probe(self.model)
            self.probe_calls += 1
            receiver(result)
        self.epoch_ended.emit({"epoch": epoch})

    def finish(self) -> None:
        self.is_running = False
        self.run_finished.emit(object())


@pytest.fixture
def fake() -> Iterator[FakeTrainingController]:
    ctrl = FakeTrainingController()
    yield ctrl
    ctrl.runner.shutdown()


@pytest.fixture
def dock(qtbot: Any, fake: FakeTrainingController) -> Iterator[InsightController]:
    session = DesignSession(get_template("lenet5"))
    panel = InsightPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 330)
    panel.show()
    insight = InsightController(session, fake, panel)
    yield insight
    insight.shutdown()


def _select(qtbot: Any, insight: InsightController, lid: str) -> None:
    with qtbot.waitSignal(insight.activation_shown, timeout=WAIT_MS) as blocker:
        insight.session.select([lid])
        if insight.current is not None and lid in insight.current.values:
            return  # drawn synchronously from the cache
    assert blocker.args == [lid]


def _hooked(model: torch.nn.Module, lid: str, x: np.ndarray) -> np.ndarray:
    """The layer's output for one sample, by a plain forward hook."""
    seen: list[torch.Tensor] = []
    handle = getattr(model, lid).register_forward_hook(lambda _m, _i, out: seen.append(out))
    with evaluation(model):
        model(torch.from_numpy(x)[None])
    handle.remove()
    return seen[0][0].numpy()


# --------------------------------------------------------------------------- mosaic builder


def test_mosaic_equals_capture_and_hook() -> None:
    model = build_model(get_template("lenet5"), seed=0)
    x = torch.randn(1, 1, 32, 32, generator=torch.Generator().manual_seed(3))
    act = capture_activations(model, ["conv2"], x)["conv2"][0].numpy()
    hook = _hooked(model, "conv2", x[0].numpy())
    np.testing.assert_array_equal(act, hook)
    mosaic = build_mosaic(act)
    assert mosaic.shown == mosaic.total == 16
    lut = viridis_lut()
    for i, tile in enumerate(mosaic.tiles):
        lo, hi = hook[i].min(), hook[i].max()
        assert tuple(mosaic.ranges[i]) == (lo, hi)
        norm = (hook[i] - lo) / (hi - lo)
        np.testing.assert_allclose(mosaic.tile_values(i), norm, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(lo + mosaic.tile_values(i) * (hi - lo), hook[i], atol=1e-5)
        block = mosaic.rgba[tile.top : tile.top + tile.height, tile.left : tile.left + tile.width]
        expected = lut[(norm * 255 + 0.5).astype(np.uint8)]
        np.testing.assert_array_equal(block[:: mosaic.scale_y, :: mosaic.scale_x], expected)
    # Gaps between tiles are transparent and hold no value.
    gap_col = mosaic.tiles[0].width
    assert np.isnan(mosaic.values[:, gap_col]).all() and (mosaic.rgba[:, gap_col, 3] == 0).all()
    assert mosaic.tile_at(mosaic.tiles[5].left + 1, mosaic.tiles[5].top + 1) == 5
    assert mosaic.tile_at(gap_col, 0) is None


def test_mosaic_caps_channels_and_constant_channels() -> None:
    act = np.random.default_rng(0).normal(size=(512, 2, 2)).astype(np.float32)
    act[7] = 0.0  # a dead channel: constant, shown as 0
    capped = build_mosaic(act)
    assert (capped.shown, capped.total) == (64, 512)
    assert (capped.tile_values(7) == 0).all()
    every = build_mosaic(act, max_channels=None)
    assert every.shown == 512 and every.rgba.shape[0] * every.rgba.shape[1] < 4_000_000
    seq = build_mosaic(np.arange(12, dtype=np.float32).reshape(3, 4))
    np.testing.assert_allclose(seq.tile_values(1)[0], [0, 1 / 3, 2 / 3, 1], atol=1e-6)


def test_filter_mosaic_rgb_and_per_channel() -> None:
    rgb, is_rgb = build_filter_mosaic(np.random.default_rng(0).normal(size=(8, 3, 5, 5)))
    assert is_rgb and rgb.shown == 8 and rgb.rgba.shape[2] == 4
    w = np.random.default_rng(1).normal(size=(16, 6, 5, 5)).astype(np.float32)
    tiles, is_rgb = build_filter_mosaic(w)
    assert not is_rgb and (tiles.rows, tiles.cols) == (6, 16)
    # Row r, column c is filter c's kernel on input channel r, scaled by filter c's peak.
    i = 2 * tiles.cols + 5
    peak = np.abs(w[5]).max()
    np.testing.assert_allclose(tiles.tile_values(i), w[5, 2] / (2 * peak) + 0.5, atol=1e-6)


# --------------------------------------------------------------------------- the dock


def test_grid_shows_the_models_activations(qtbot: Any, dock: InsightController) -> None:
    _select(qtbot, dock, "conv1")
    view = dock.panel.feature_maps
    mosaic = view.mosaic_view.mosaic
    assert mosaic is not None and view.stack.currentWidget() is view.mosaic_view
    sample = dock.sample
    assert sample is not None and sample.x.shape == (1, 32, 32)
    model = build_model(dock.session.design, seed=0)
    hook = _hooked(model, "conv1", sample.x)
    assert mosaic.shown == hook.shape[0] == 6
    for i in range(6):
        lo, hi = mosaic.ranges[i]
        np.testing.assert_allclose(lo + mosaic.tile_values(i) * (hi - lo), hook[i], atol=1e-5)
    # The image item shows exactly the mosaic, and a click on a tile enlarges that channel.
    np.testing.assert_array_equal(view.mosaic_view.image.image, mosaic.rgba)
    view.select_channel(4)
    np.testing.assert_array_equal(view.zoom_image.image, hook[4])
    assert "channel 4" in view.zoom_title.text()
    # Another block comes from the cache, synchronously.
    with qtbot.waitSignal(dock.activation_shown, timeout=100):
        dock.session.select(["pool2"])
    assert view.mosaic_view.mosaic is not None and view.mosaic_view.mosaic.total == 16


def test_vector_outputs_render_as_bars(qtbot: Any, dock: InsightController) -> None:
    _select(qtbot, dock, "fc3")
    view = dock.panel.feature_maps
    assert view.stack.currentWidget() is view.bar_view
    assert dock.current is not None
    np.testing.assert_array_equal(view.bar_view.values, dock.current.values["fc3"])
    ticks = view.bar_view.plot.getAxis("bottom")._tickLevels
    assert [name for _, name in ticks[0]] == [str(i) for i in range(10)]
    # A hidden vector (fc1, 120 units) is a bar chart without class names.
    dock.session.select(["fc1"])
    assert view.bar_view.values.shape == (120,)
    assert view.bar_view.plot.getAxis("bottom")._tickLevels is None


def test_refresh_once_per_epoch(qtbot: Any, dock: InsightController, fake: Any) -> None:
    _select(qtbot, dock, "conv1")
    bundle = load_dataset("digits", (1, 32, 32), allow_download=False)
    model = build_model(dock.session.design, seed=1)
    refreshes: list[None] = []
    stats: list[dict[str, Any]] = []
    dock.refreshed.connect(lambda: refreshes.append(None))
    dock.stats_changed.connect(stats.append)
    fake.start_run(model, bundle, dock.session.design.clone())
    view = dock.panel.feature_maps
    for epoch in range(1, 4):
        with torch.no_grad():
            model.conv1.weight.mul_(-1.5)  # "training" changes the filters
        fake.end_epoch(epoch)
        assert len(refreshes) == epoch and len(stats) == epoch
        sample = dock.sample
        assert sample is not None
        hook = _hooked(model, "conv1", sample.x)
        mosaic = view.mosaic_view.mosaic
        assert mosaic is not None
        lo, hi = mosaic.ranges[2]
        np.testing.assert_allclose(lo + mosaic.tile_values(2) * (hi - lo), hook[2], atol=1e-5)
    assert fake.probe_calls == 3
    assert set(dock.stats) >= {"conv1", "relu1", "fc3"}
    assert dock.stats["relu1"].dead_fraction is not None
    assert dock.stats["conv1"].samples == 64
    assert "epoch 3" in dock.panel.stats.caption.text()
    assert dock.panel.stats.table.rowCount() == len(dock.stats)
    assert "after epoch 3" in dock.panel.weights_label.text()


def test_dropping_an_image_predicts_it(qtbot: Any, dock: InsightController, tmp_path: Path) -> None:
    path = tmp_path / "seven.png"
    img = np.zeros((40, 40), dtype=np.uint8)
    img[8:12, 8:32] = 255
    img[12:34, 26:30] = 255
    Image.fromarray(img).save(path)
    panel = dock.panel
    panel.tabs.setCurrentWidget(panel.prediction)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    pos = QPointF(panel.width() / 2, panel.height() / 2)
    actions = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(int(pos.x()), int(pos.y())), actions, mime, buttons, mods)
    QApplication.sendEvent(panel, enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, actions, mime, buttons, mods)
    QApplication.sendEvent(panel, drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: len(panel.prediction.predictions) == 5, timeout=WAIT_MS)
    preds = panel.prediction.predictions
    assert [p.probability for p in preds] == sorted((p.probability for p in preds), reverse=True)
    assert 0 < sum(p.probability for p in preds) <= 1 + 1e-6
    assert dock.sample is not None and "seven.png" in dock.sample.caption
    assert panel.prediction.table.rowCount() == 5
    # The numbers are the model's prediction of the preprocessed file.
    from cnnstudio.engine.activations import predict
    from cnnstudio.engine.datasets import preprocess_image

    bundle = load_dataset("digits", (1, 32, 32), allow_download=False)
    with Image.open(path) as pil:
        x = preprocess_image(pil, bundle, (1, 32, 32))
    expected = predict(build_model(dock.session.design, seed=0), x, bundle.class_names)
    assert [p.name for p in preds] == [p.name for p in expected]
    assert preds[0].probability == pytest.approx(expected[0].probability, rel=1e-5)


def test_non_image_drop_is_refused(qtbot: Any, dock: InsightController, tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    enter = QDragEnterEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(dock.panel, enter)
    assert not enter.isAccepted()


def test_filters_and_statistics_tabs(qtbot: Any, dock: InsightController) -> None:
    panel = dock.panel
    panel.tabs.setCurrentWidget(panel.filters)
    _select(qtbot, dock, "conv2")
    qtbot.waitUntil(lambda: panel.filters.layer_id == "conv2", timeout=WAIT_MS)
    mosaic = panel.filters.mosaic_view.mosaic
    assert mosaic is not None and (mosaic.rows, mosaic.cols) == (6, 16)
    model = build_model(dock.session.design, seed=0)
    np.testing.assert_array_equal(panel.filters.weights, model.conv2.weight.detach().numpy())
    dock.session.select(["relu1"])
    assert "Conv" in panel.filters.empty.text()
    with qtbot.waitSignal(dock.stats_changed, timeout=WAIT_MS):
        panel.tabs.setCurrentWidget(panel.stats)
    relu_row = [
        r
        for r in range(panel.stats.table.rowCount())
        if panel.stats.table.item(r, 0).text() == "relu1"
    ]
    assert relu_row and panel.stats.table.item(relu_row[0], 5).text().endswith("%")
    assert "initial weights" in panel.stats.caption.text()


def test_invalid_design_shows_what_to_do(qtbot: Any, dock: InsightController) -> None:
    _select(qtbot, dock, "conv1")
    dock.session.push(SetParam("conv1", "kernel_size", 40))
    qtbot.waitUntil(lambda: "errors" in dock.panel.feature_maps.empty.text(), timeout=WAIT_MS)
    view = dock.panel.feature_maps
    assert view.stack.currentWidget() is view.empty
    assert "fix them" in view.empty.text()
    dock.session.undo()
    with qtbot.waitSignal(dock.activation_shown, timeout=WAIT_MS):
        pass
    assert view.stack.currentWidget() is view.mosaic_view


def test_install_tabifies_with_the_bottom_dock(qtbot: Any, fake: Any) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    window.session = DesignSession(get_template("lenet5"))  # type: ignore[attr-defined]
    window.setCentralWidget(QLabel("canvas"))
    summary = QDockWidget("Summary", window)
    summary.setWidget(QLabel("summary"))
    window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, summary)
    insight = install_insight(window, fake)
    try:
        assert insight.dock in window.tabifiedDockWidgets(summary)
        assert insight.dock.windowTitle() == "Feature maps"
        tabs = insight.panel.tabs
        assert [tabs.tabText(i) for i in range(tabs.count())] == [
            "Feature maps",
            "Filters",
            "Prediction",
            "Why?",
            "Layer statistics",
        ]
        window.resize(1100, 700)
        window.show()
        qtbot.waitExposed(window)
        # The summary stays in front: nothing is computed until the tab is opened.
        assert not insight.is_active() and insight.current is None
        with qtbot.waitSignal(insight.activation_shown, timeout=WAIT_MS):
            insight.session.select(["conv1"])
            insight.dock.raise_()
    finally:
        insight.shutdown()


def test_why_tab_shows_where_the_network_looks(qtbot: Any, dock: InsightController) -> None:
    panel = dock.panel
    _select(qtbot, dock, "conv1")  # a sample and its activations are on screen
    tab = panel.tabs.indexOf(panel.why)
    assert panel.tabs.tabText(tab) == "Why?"
    with qtbot.waitSignal(panel.why.heat_shown, timeout=WAIT_MS):
        panel.tabs.tabBar().setCurrentIndex(tab)  # what a click on the tab does
    predicted = dock.current.predictions[0].name
    assert panel.why.klass.currentText() == predicted  # the predicted class by default
    heat = panel.why.heat
    assert heat is not None and heat.shape == dock.current.sample.image.shape[:2]
    assert float(np.abs(heat).max()) > 0
    for method in ("Saliency (input gradient)", "Grad-CAM (last Conv block)"):
        with qtbot.waitSignal(panel.why.heat_shown, timeout=WAIT_MS):
            panel.why.method.setCurrentIndex(panel.why.method.findText(method))
        assert panel.why.heat is not None and panel.why.heat.shape == heat.shape
        assert float(np.abs(panel.why.heat).max()) > 0
    assert "Where the network finds class" in panel.why.message.text()


def test_sample_bar_random_index_and_a_new_input_size(qtbot: Any, dock: InsightController) -> None:
    panel = dock.panel
    _select(qtbot, dock, "conv1")
    assert dock.sample is not None and dock.sample.index == 0
    # Random: another validation image, and the index box follows it.
    with qtbot.waitSignal(dock.activation_shown, timeout=WAIT_MS):
        qtbot.mouseClick(panel.random_button, Qt.MouseButton.LeftButton)
    picked = dock.sample
    assert picked is not None and picked.index is not None
    assert panel.index.value() == picked.index and f"image {picked.index} of" in picked.caption
    # Typing an index shows that image.
    target = 7 if picked.index != 7 else 8
    with qtbot.waitSignal(dock.activation_shown, timeout=WAIT_MS):
        panel.index.setFocus()
        panel.index.selectAll()
        qtbot.keyClicks(panel.index, str(target))
        qtbot.keyClick(panel.index, Qt.Key.Key_Return)
    assert dock.sample is not None and dock.sample.index == target
    # Another Input size: the same image, made again at the design's new size.
    dock.session.push(SetParam("input", "shape", [1, 28, 28]))
    qtbot.waitUntil(
        lambda: dock.sample is not None and dock.sample.x.shape == (1, 28, 28), timeout=WAIT_MS
    )
    assert dock.sample.index == target
    assert dock.current is not None and dock.current.values["conv1"].shape[1:] == (24, 24)
