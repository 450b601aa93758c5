"""A screenshot of the feature-map dock for the docs, taken the way a user would see it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from cnnstudio.core.templates import adapt, get_template
from cnnstudio.gui.insight import InsightController, InsightPanel
from cnnstudio.gui.session import DesignSession

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_screenshot_feature_maps(qtbot: Any) -> None:
    session = DesignSession(adapt(get_template("resnet18"), (3, 64, 64), 10))
    panel = InsightPanel()
    qtbot.addWidget(panel)
    panel.resize(1200, 380)
    panel.show()
    insight = InsightController(session, None, panel)
    try:
        with qtbot.waitSignal(insight.activation_shown, timeout=30_000):
            session.select(["relu"])
        panel.feature_maps.select_channel(5)
        QApplication.processEvents()
        view = panel.feature_maps
        assert view.mosaic_view.mosaic is not None and view.mosaic_view.mosaic.shown == 64
        assert "relu" in view.title.text() and "channel 5" in view.zoom_title.text()
        DOCS.mkdir(exist_ok=True)
        target = DOCS / "screenshot-feature-maps.png"
        assert panel.grab().save(str(target))
        assert target.stat().st_size > 10_000
    finally:
        insight.shutdown()
