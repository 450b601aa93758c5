"""Train ▸ Measure Step Memory, used from the menu: one real step beside the estimate."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re

import pytest

from cnnstudio.core.commands import SetParam
from cnnstudio.core.memory import estimate_memory
from tests.gui.training_session import tiny_design


@pytest.fixture
def window(tools_window):
    return tools_window(tiny_design(batch_size=16, optimizer="sgd", device="cpu", amp=False))


def _action(window, text: str):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Train")
    return next(a for a in menu.actions() if a.text() == text)


def test_measure_step_memory_from_the_train_menu(qtbot, window) -> None:
    action = _action(window, "Measure Step &Memory…")
    action.trigger()
    check = window.memory_check
    assert check.result_window is not None and check.result_window.isVisible()
    qtbot.waitUntil(lambda: check.last_result is not None, timeout=120_000)
    result = check.last_result
    session = window.session
    expected = estimate_memory(
        session.design, session.analysis, batch_size=16, optimizer="sgd", momentum=0.9
    )
    assert result.estimate == expected
    assert result.device == "cpu" and result.method == "tensors held"
    assert abs(result.error) < 20
    text = check.result_window.lines.text()
    assert text.startswith("Estimate: ")
    assert "Measured on cpu:" in text and "(tensors held)" in text
    assert re.search(r"The estimate is \d+\.\d % (higher|lower) than what torch held\.", text)
    assert action.isEnabled()


def test_a_broken_design_is_explained_in_the_window(qtbot, window) -> None:
    window.session.push(SetParam("conv1", "kernel_size", 30))
    _action(window, "Measure Step &Memory…").trigger()
    check = window.memory_check
    qtbot.waitUntil(lambda: "could not be measured" in check.result_window.status.text())
    assert "fix the design first: conv1" in check.result_window.status.text()
    assert check.last_result is None
