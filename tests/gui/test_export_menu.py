"""File > Export in the app: every format from the menu, trained weights, refusals."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
import torch

from cnnstudio.core.commands import SetParam
from cnnstudio.core.templates import adapt, get_template
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.codegen import network_source
from cnnstudio.engine.export import EXPORT_FORMATS
from cnnstudio.gui.export_menu import install_export, menu_title
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession


class _FakeTraining:
    """Stands in for the training controller: a trained model and the design it belongs to."""

    is_running = False

    def __init__(self, design) -> None:
        self.run_design = design.clone()
        self.model = build_model(design, seed=7)

    def weights_fit(self, design, analysis=None) -> bool:
        return network_source(design) == network_source(self.run_design)


@pytest.fixture
def window(qtbot, tmp_path: Path):
    design = adapt(get_template("lenet5"), (1, 16, 16), 10)
    win = MainWindow(DesignSession(design))
    win.persist_layout = False
    win._ask_save_changes = lambda: "discard"  # edited designs close without a modal question
    qtbot.addWidget(win)
    return win


def _export(qtbot, menu, fmt: str, path: Path) -> list[Path]:
    menu.ask_path = lambda _fmt, _suggestion: str(path)
    with qtbot.waitSignal(menu.done, timeout=60_000) as blocker:
        menu.actions[fmt].trigger()
    return blocker.args[0]


def test_menu_lists_every_format_before_quit(window) -> None:
    menu = install_export(window)
    titles = [a.text() for a in menu.menu.actions()]
    assert titles == [menu_title(fmt) for fmt in EXPORT_FORMATS.values()]
    assert titles[0] == "Python code (.py)..."
    file_actions = window.file_menu.actions()
    export_index = next(i for i, a in enumerate(file_actions) if a.menu() is menu.menu)
    assert export_index < file_actions.index(window.quit_action)


def test_export_python_uses_trained_weights_when_they_match(qtbot, window, tmp_path: Path) -> None:
    training = _FakeTraining(window.session.design)
    menu = install_export(window, training)
    written = _export(qtbot, menu, "python", tmp_path / "net.py")
    assert written == [tmp_path / "net.py", tmp_path / "net.pt"]
    state = torch.load(tmp_path / "net.pt", weights_only=True)
    assert torch.equal(state["conv1.weight"], training.model.state_dict()["conv1.weight"])
    assert "trained weights" in window.statusBar().currentMessage()


def test_edited_design_exports_seeded_weights(qtbot, window, tmp_path: Path) -> None:
    menu = install_export(window, _FakeTraining(window.session.design))
    window.session.push(SetParam("fc1", "out_features", 64))
    _export(qtbot, menu, "exported-program", tmp_path / "net.pt2")
    assert (tmp_path / "net.pt2").stat().st_size > 0
    assert "design changed since training" in window.statusBar().currentMessage()


def test_training_script_and_onnx_from_the_menu(qtbot, window, tmp_path: Path) -> None:
    menu = install_export(window)
    script = _export(qtbot, menu, "train-script", tmp_path / "train.py")
    assert "torchrun" in script[0].read_text(encoding="utf-8")
    _export(qtbot, menu, "onnx", tmp_path / "net.onnx")
    assert (tmp_path / "net.onnx").stat().st_size > 0


def test_invalid_design_and_unwritable_path_are_explained(qtbot, window, tmp_path: Path) -> None:
    menu = install_export(window)
    messages: list[tuple[str, str]] = []
    menu.show_message = lambda title, text, error: messages.append((title, text))
    window.session.push(SetParam("conv1", "kernel_size", 40))
    assert not menu.export("python")
    assert "conv1: kernel 40 is larger than the padded input 16x16" in messages[-1][1]
    window.session.undo()
    (tmp_path / "a_file").write_text("not a folder")
    menu.ask_path = lambda _fmt, _s: str(tmp_path / "a_file" / "missing" / "net.py")
    with qtbot.waitSignal(menu.failed, timeout=30_000):
        assert menu.export("python")
    assert messages[-1][0] == "Export failed"
    assert "cannot create the folder" in messages[-1][1]
    assert (tmp_path / "a_file").read_text() == "not a folder"


def _export_via_dialog(qtbot, menu, dialogs, fmt: str, path: Path) -> list[Path]:
    """File > Export > fmt with the real file dialog call answered by ``dialogs``."""
    dialogs.save_paths.append(str(path))
    with qtbot.waitSignal(menu.done, timeout=60_000) as blocker:
        menu.actions[fmt].trigger()
    return blocker.args[0]


@pytest.fixture
def remembering_window(qtbot, tmp_path: Path):
    """A window whose settings live in ``tmp_path`` (the export folder is remembered there)."""
    from PySide6.QtCore import QSettings

    from cnnstudio.gui.settings import AppSettings

    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    design = adapt(get_template("lenet5"), (1, 16, 16), 10)
    win = MainWindow(DesignSession(design), AppSettings(store))
    win.persist_layout = False
    qtbot.addWidget(win)
    return win


def test_default_names_import_and_never_collide(remembering_window, dialogs) -> None:
    window = remembering_window
    assert window.session.design.name == "LeNet-5"
    menu = install_export(window, _FakeTraining(window.session.design))
    suggestions = {}
    for fmt in ("python", "torchscript"):
        menu.actions[fmt].trigger()  # answered with Cancel: nothing is written
        suggestions[fmt] = Path(dialogs.last("save").suggestion)
    python, torchscript = suggestions["python"], suggestions["torchscript"]
    assert python.name == "lenet_5.py" and python.stem.isidentifier()
    # The Python export with weights writes lenet_5.pt beside lenet_5.py.
    assert torchscript.suffix == ".pt" and torchscript != python.with_suffix(".pt")


def test_export_dialogs_open_in_the_last_export_folder_and_create_it(
    qtbot, remembering_window, dialogs, tmp_path: Path
) -> None:
    window = remembering_window
    menu = install_export(window)
    target = tmp_path / "new" / "exports" / "net.py"
    written = _export_via_dialog(qtbot, menu, dialogs, "python", target)
    assert written == [target] and target.is_file()
    menu.actions["onnx"].trigger()  # another format, another dialog: same folder
    assert Path(dialogs.last("save").suggestion).parent == target.parent
    reopened = MainWindow(DesignSession(window.session.design.clone()), window.settings)
    qtbot.addWidget(reopened)
    again = install_export(reopened)
    again.actions["exported-program"].trigger()  # after a restart, too
    assert Path(dialogs.last("save").suggestion).parent == target.parent


def test_training_script_does_not_claim_the_trained_weights(
    qtbot, remembering_window, dialogs, tmp_path: Path
) -> None:
    window = remembering_window
    menu = install_export(window, _FakeTraining(window.session.design))
    written = _export_via_dialog(qtbot, menu, dialogs, "train-script", tmp_path / "train.py")
    assert not any(p.suffix == ".pt" for p in written)
    message = window.statusBar().currentMessage()
    assert "trained weights" not in message and "from scratch" in message
