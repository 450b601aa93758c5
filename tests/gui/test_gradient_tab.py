"""The Training dock's Gradients tab: the gradient flow per block at every epoch end."""

from __future__ import annotations

from typing import Any

from cnnstudio.core.commands import SetMeta


def test_a_run_draws_the_gradient_flow_of_every_epoch(qtbot: Any, app_window: Any) -> None:
    window = app_window
    session = window.session
    session.push(SetMeta({"training": {**session.design.training, "epochs": 2}}))
    view = window.training.view
    view.panel.load_from_design()
    with qtbot.waitSignal(window.training.run_finished, timeout=120_000):
        view.panel.start_button.click()
    qtbot.waitUntil(lambda: len(view.gradients.history) == 2, timeout=30_000)
    view.tabs.setCurrentWidget(view.gradients)
    epochs = [epoch for epoch, _ in view.gradients.history]
    assert epochs == [1, 2]
    weighted = {lid for lid, info in session.analysis.layers.items() if info.params}
    for _, flow in view.gradients.history:
        assert set(flow) == weighted and all(value > 0 for value in flow.values())
    assert view.gradients.caption.text().startswith("Epoch 2: mean |grad| from")
    assert all(p.grad is None for p in window.training.model.parameters())
