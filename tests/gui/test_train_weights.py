"""Training from imported or loaded weights in the app, driven through the menus.

Train > Load Weights… (the file dialog answered), File > Import… then File > Replace
Classifier: the panel says where the weights come from, Start trains from exactly them, and
frozen layers end as they started. Weights that do not fit are refused in one line.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from cnnstudio.core.commands import SetFrozen, SetParam
from cnnstudio.engine import trainer as trainer_module
from cnnstudio.engine.builder import build_model
from cnnstudio.gui.import_dialog import ImportDialog
from cnnstudio.gui.main_window import MainWindow
from tests.gui.dialog_answers import DialogAnswers
from tests.gui.real_window import all_menu_actions, wait_idle


@pytest.fixture
def initial_states(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, torch.Tensor]]:
    """The model's state_dict as each Trainer receives it, i.e. before step 1."""
    states: list[dict[str, torch.Tensor]] = []
    real_init = trainer_module.Trainer.__init__

    def spy(self: Any, model: torch.nn.Module, *args: Any, **kwargs: Any) -> None:
        states.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        real_init(self, model, *args, **kwargs)

    monkeypatch.setattr(trainer_module.Trainer, "__init__", spy)
    return states


def _equal(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor], keys: Any = None) -> None:
    for key in keys if keys is not None else b:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=0, msg=key)


def _start_and_finish(qtbot: QtBot, window: MainWindow) -> None:
    actions = all_menu_actions(window)
    with qtbot.waitSignal(window.training.run_finished, timeout=120_000):
        actions["Train ▸ Start Training"].trigger()
    wait_idle(qtbot, window)


def test_load_weights_then_train_from_them_with_a_frozen_layer(
    app_window: MainWindow,
    qtbot: QtBot,
    dialogs: DialogAnswers,
    tmp_path: Path,
    initial_states: list[dict[str, torch.Tensor]],
) -> None:
    window = app_window
    training, panel = window.training, window.training.view.panel
    qtbot.waitUntil(lambda: bool(training.devices), timeout=60_000)
    window.session.push(SetFrozen("conv1", True))
    state = build_model(window.session.design, seed=7).state_dict()
    torch.save(state, tmp_path / "mine.pt")
    actions = all_menu_actions(window)
    assert not actions["Train ▸ Forget Loaded Weights"].isEnabled()

    dialogs.open_paths.append(str(tmp_path / "mine.pt"))
    actions["Train ▸ Load Weights..."].trigger()
    assert dialogs.last("open").title == "Load weights"
    qtbot.waitUntil(lambda: training.initial_weights_label == "mine.pt", timeout=30_000)
    assert panel.weights.isVisible() and panel.weights.text() == "starting from mine.pt"
    assert actions["Train ▸ Forget Loaded Weights"].isEnabled()

    _start_and_finish(qtbot, window)
    assert len(initial_states) == 1
    _equal(initial_states[0], state)  # the trainer's initial state is the file's
    trained = training.model.state_dict()
    _equal(trained, state, ["conv1.weight", "conv1.bias"])  # frozen: untouched
    assert not torch.equal(trained["fc3.weight"], state["fc3.weight"])  # trained

    actions["Train ▸ Forget Loaded Weights"].trigger()
    assert training.initial_weights is None and not panel.weights.isVisible()
    _start_and_finish(qtbot, window)
    assert not torch.equal(initial_states[1]["fc3.weight"], state["fc3.weight"])  # fresh


def test_weights_that_do_not_fit_are_refused_in_one_line(
    app_window: MainWindow, qtbot: QtBot, dialogs: DialogAnswers, tmp_path: Path
) -> None:
    window = app_window
    training = window.training
    other = window.session.design.clone()
    SetParam("fc3", "out_features", 4).do(other)
    torch.save(build_model(other).state_dict(), tmp_path / "other.pt")
    dialogs.open_paths.append(str(tmp_path / "other.pt"))
    all_menu_actions(window)["Train ▸ Load Weights..."].trigger()
    qtbot.waitUntil(lambda: "warning" in dialogs.kinds(), timeout=30_000)
    warning = dialogs.last("warning")
    assert warning.text == (
        "the weights in other.pt do not fit the design: fc3.weight has shape 4x84 but the "
        "design needs 10x84"
    )
    assert training.initial_weights is None
    assert not window.training.view.panel.weights.isVisible()


MODEL_FILE = """
import torch
from torch import nn

def pretrained():
    torch.manual_seed(11)
    return nn.Sequential(
        nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 14 * 14, 4)
    )
"""


def test_import_then_replace_classifier_trains_from_the_imported_body(
    app_window: MainWindow,
    qtbot: QtBot,
    dialogs: DialogAnswers,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    initial_states: list[dict[str, torch.Tensor]],
) -> None:
    window = app_window
    training, panel = window.training, window.training.view.panel
    qtbot.waitUntil(lambda: bool(training.devices), timeout=60_000)
    path = tmp_path / "gui_pretrained.py"
    path.write_text(MODEL_FILE)
    answered_exec = QDialog.exec

    def fill_and_accept(dialog: QDialog) -> int:
        if isinstance(dialog, ImportDialog):  # what a user types into File > Import…
            dialog.file_radio.setChecked(True)
            dialog.file_edit.setText(str(path))
            dialog.name_edit.setText("pretrained")
            dialog.shape_edit.setText("1,16,16")
            return int(QDialog.DialogCode.Accepted.value)
        return answered_exec(dialog)

    monkeypatch.setattr(QDialog, "exec", fill_and_accept)
    actions = all_menu_actions(window)
    tool = window.import_tool
    try:
        with qtbot.waitSignal(tool.done, timeout=60_000):
            actions["File ▸ Import…"].trigger()
    finally:
        sys.modules.pop("gui_pretrained", None)
    imported = tool.last_result.state_dict
    source = f"{path}:pretrained"
    assert training.initial_weights_label == source
    assert panel.weights.text() == f"starting from {source}"

    dialogs.ints.append(10)  # digits has ten classes
    actions["File ▸ Replace Classifier (transfer learning)…"].trigger()
    qtbot.waitUntil(lambda: training.initial_weights_label.endswith("new head l_4"), timeout=30_000)
    assert {lay.id for lay in window.session.design if lay.frozen} == {"l_0", "l_1"}
    window.session.design.training = {"epochs": 1, "batch_size": 128}
    panel.load_from_design()

    _start_and_finish(qtbot, window)
    body = [k for k in imported if not k.startswith("l_4.")]
    assert "l_1.running_mean" in body
    _equal(initial_states[0], imported, body)  # the imported body, before step 1
    assert initial_states[0]["l_4.weight"].shape == (10, 3 * 14 * 14)  # a fresh head
    _equal(training.model.state_dict(), imported, body)  # frozen, statistics included
