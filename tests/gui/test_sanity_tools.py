"""Train ▸ Check Design and Train ▸ Find Learning Rate, used from the menu."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QPointF, Qt

from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from tests.gui.training_session import tiny_design


@pytest.fixture
def window(tools_window):
    return tools_window(tiny_design(dataset="digits", batch_size=32))


def _train_menu_action(window, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Train")
    return next(a for a in menu.actions() if a.text() == text)


def test_check_design_from_the_train_menu(qtbot, window) -> None:
    _train_menu_action(window, "Check &Design…").trigger()
    tools = window.sanity
    assert tools.check_window is not None and tools.check_window.isVisible()
    qtbot.waitUntil(lambda: tools.last_report is not None, timeout=120_000)
    assert tools.check_window.status.text() == "All checks passed"
    text = tools.check_window.lines.text()
    assert "loss at initialisation" in text and "expected ln(10) = 2.303" in text
    assert text.count("✔") == 4
    assert tools.check_action.isEnabled()


def test_find_learning_rate_and_use_it(qtbot, window) -> None:
    _train_menu_action(window, "Find &Learning Rate…").trigger()
    tools = window.sanity
    qtbot.waitUntil(lambda: tools.use_lr_button is not None, timeout=120_000)
    suggestion = tools.last_sweep.suggestion
    assert tools.lr_window.status.text().startswith("Suggested learning rate:")
    qtbot.mouseClick(tools.use_lr_button, Qt.MouseButton.LeftButton)
    assert window.session.design.training["lr"] == pytest.approx(suggestion, rel=1e-2)
    assert window.training.view.panel.lr.value() == pytest.approx(suggestion, rel=1e-2, abs=1e-6)
    window.undo_action.trigger()
    assert "lr" not in window.session.design.training


def test_a_broken_design_is_explained_not_run(qtbot, window) -> None:
    from cnnstudio.core.commands import SetParam

    window.session.push(SetParam("conv1", "kernel_size", 30))
    _train_menu_action(window, "Check &Design…").trigger()
    assert window.sanity.check_window.status.text().startswith("Fix the design first:")
    assert "conv1" in window.sanity.check_window.status.text()


def _synthetic_folder(root) -> str:
    """Two classes of 8x8 grey images (bright top half vs bright bottom half), 10 each."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    for name, rows in (("top", slice(0, 4)), ("bottom", slice(4, 8))):
        folder = root / name
        folder.mkdir(parents=True)
        for i in range(10):
            pixels = rng.integers(0, 60, (8, 8)).astype(np.uint8)
            pixels[rows] += 180
            Image.fromarray(pixels, mode="L").save(folder / f"{i}.png")
    return str(root)


def test_check_design_badges_each_block_with_its_gradient_flow(qtbot, tmp_path) -> None:
    from cnnstudio.core.commands import MoveLayers, SetParam
    from cnnstudio.core.gradient_flow import gradient_levels
    from cnnstudio.engine.datasets import load_dataset
    from cnnstudio.engine.sanity import check_design
    from cnnstudio.gui.canvas.items import GRADIENT_COLOURS

    design = tiny_design(dataset="digits", batch_size=32)
    design["fc"].params["out_features"] = 2
    design.training = {"dataset": _synthetic_folder(tmp_path / "pictures"), "batch_size": 8}
    window = MainWindow(DesignSession(design))
    window.persist_layout = False
    window._ask_save_changes = lambda: "discard"
    window.install_tools()
    qtbot.addWidget(window)
    try:
        graph = window.canvas.graph
        assert all(item.gradient is None for item in graph.blocks.values())
        _train_menu_action(window, "Check &Design…").trigger()
        tools = window.sanity
        qtbot.waitUntil(lambda: tools.last_report is not None, timeout=120_000)
        flow = tools.last_report.gradient_flow
        assert set(flow) == {"conv1", "fc"}  # the blocks with parameters
        # The same numbers as the engine's own check on that data and seed.
        bundle = load_dataset(design.training["dataset"], (1, 8, 8), seed=0)
        assert check_design(window.session.design, bundle, seed=0).gradient_flow == flow
        levels = gradient_levels(flow)
        for lid in ("conv1", "fc"):
            item = graph.blocks[lid]
            assert item.gradient == flow[lid] and item.gradient_level == levels[lid]
            assert item.gradient_text() == f"∇ {flow[lid]:.1e}"
            assert item.boundingRect().contains(item.gradient_rect())
            tip = graph.tooltip_for(item)
            assert f"Gradient at initialisation: mean |grad| {flow[lid]:.3e}" in tip
        for lid in ("input", "relu1", "flat"):  # no parameters: no badge
            assert graph.blocks[lid].gradient is None
        # Drawn: the badge's colour is in the canvas where the badge is.
        view = window.canvas
        view.centerOn(graph.blocks["conv1"])
        image = view.viewport().grab().toImage()
        conv = graph.blocks["conv1"]
        badge = view.mapFromScene(conv.mapToScene(conv.gradient_rect().topLeft() + QPointF(2, 7)))
        assert image.pixelColor(badge).name() == GRADIENT_COLOURS[levels["conv1"]]

        # View ▸ Show Gradient Flow hides the badges and brings them back.
        toggle = next(a for a in window.view_menu.actions() if a.text() == "Show &Gradient Flow")
        assert toggle.isCheckable() and toggle.isChecked()
        toggle.trigger()
        assert all(item.gradient is None for item in graph.blocks.values())
        toggle.trigger()
        assert graph.blocks["fc"].gradient == flow["fc"]
        # Moving a block keeps them; changing the network clears them (they describe it no more).
        window.session.push(MoveLayers({"fc": (400.0, 400.0)}))
        assert graph.blocks["fc"].gradient == flow["fc"]
        window.session.push(SetParam("conv1", "out_channels", 6))
        assert all(item.gradient is None for item in graph.blocks.values())
        window.undo_action.trigger()
        assert all(item.gradient is None for item in graph.blocks.values())
    finally:
        window.training.shutdown()


def test_a_run_badges_the_blocks_with_each_epochs_gradient_flow(qtbot, tmp_path) -> None:
    design = tiny_design(dataset="digits", batch_size=32)
    design["fc"].params["out_features"] = 2
    design.training = {
        "dataset": _synthetic_folder(tmp_path / "pictures"),
        "batch_size": 8,
        "epochs": 2,
    }
    window = MainWindow(DesignSession(design))
    window.persist_layout = False
    window._ask_save_changes = lambda: "discard"
    window.install_tools()
    qtbot.addWidget(window)
    try:
        gradients = window.training.view.gradients
        with qtbot.waitSignal(window.training.run_finished, timeout=120_000):
            _train_menu_action(window, "&Start Training").trigger()
        qtbot.waitUntil(lambda: len(gradients.history) == 2, timeout=30_000)
        epoch, flow = gradients.history[-1]
        item = window.canvas.graph.blocks["conv1"]
        assert epoch == 2 and item.gradient == flow["conv1"]
        assert "Gradient after epoch 2" in window.canvas.graph.tooltip_for(item)
    finally:
        window.training.shutdown()
