"""File ▸ Export Figure and `cnnstudio figure`: the network and the charts, for slides."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from cnnstudio.core.fileio import save_design
from cnnstudio.core.templates import get_template
from cnnstudio.gui.canvas.style import LIGHT
from cnnstudio.gui.figure_menu import FigureDialog
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.theme import apply_theme


@pytest.fixture
def window(qtbot):
    win = MainWindow(DesignSession(get_template("lenet5")))
    win.persist_layout = False
    win._ask_save_changes = lambda: "discard"
    win.install_tools()
    qtbot.addWidget(win)
    yield win
    win.training.shutdown()


def _answer(qtbot, fill: Callable[[FigureDialog], None]) -> list[str]:
    """Answer the next Export Figure dialog with ``fill`` and Save; returns what went wrong."""
    problems: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FigureDialog):
            problems.append(f"expected the Export Figure dialog, got {dialog!r}")
            if dialog is not None:
                dialog.close()
            return
        fill(dialog)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    QTimer.singleShot(0, answer)
    return problems


def _choose(combo, data: str) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_menu_entry_sits_after_export(window) -> None:
    actions = window.file_menu.actions()
    index = actions.index(window.figures.action)
    assert actions[index - 1].menu() is window.export_menu.menu
    assert window.figures.action.text() == "Export &Figure…"


def test_network_as_svg_pdf_and_png_in_the_light_theme(qtbot, window, tmp_path: Path) -> None:
    apply_theme(QApplication.instance(), "dark")  # the screen is dark; the slide is not
    try:
        for suffix in ("svg", "pdf", "png"):
            target = tmp_path / f"lenet.{suffix}"

            def fill(dialog: FigureDialog, suffix: str = suffix, target: Path = target) -> None:
                _choose(dialog.subject, "network")
                _choose(dialog.format, f".{suffix}")
                dialog.scale.setValue(1.5)
                dialog.path.setText(str(target))

            problems = _answer(qtbot, fill)
            window.figures.action.trigger()
            assert problems == []
            assert target.is_file() and window.figures.last_path == target
    finally:
        apply_theme(QApplication.instance(), "light")
    svg = ET.parse(tmp_path / "lenet.svg").getroot()
    texts = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "Conv 6@5x5" in texts and "fc3" in texts and "6x28x28" in texts
    assert (tmp_path / "lenet.pdf").read_bytes().startswith(b"%PDF")
    image = QImage(str(tmp_path / "lenet.png"))
    assert image.pixelColor(2, 2) == QColor("white")
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
    }
    assert LIGHT.group_fill("convolution").name() in colours
    assert window.settings.store.value("figures/folder") == str(tmp_path)


def test_png_scale_sets_the_picture_size(qtbot, window, tmp_path: Path) -> None:
    sizes = []
    for scale in (1.0, 3.0):
        target = tmp_path / f"x{scale:g}.png"

        def fill(dialog: FigureDialog, scale: float = scale, target: Path = target) -> None:
            _choose(dialog.format, ".png")
            dialog.scale.setValue(scale)
            dialog.path.setText(str(target))

        _answer(qtbot, fill)
        window.figures.action.trigger()
        sizes.append(QImage(str(target)).size())
    assert sizes[1].width() == pytest.approx(3 * sizes[0].width(), abs=3)
    assert sizes[1].height() == pytest.approx(3 * sizes[0].height(), abs=3)


def test_selection_only_and_a_new_folder(qtbot, window, tmp_path: Path) -> None:
    window.session.select(["conv1", "relu1"])
    target = tmp_path / "new" / "folder" / "part.svg"

    def fill(dialog: FigureDialog) -> None:
        assert dialog.chosen_subject() == "selection"  # offered first when blocks are selected
        _choose(dialog.format, ".svg")
        dialog.path.setText(str(target))

    _answer(qtbot, fill)
    window.figures.action.trigger()
    texts = " ".join(
        t.text or "" for t in ET.parse(target).getroot().iter("{http://www.w3.org/2000/svg}text")
    )
    assert "conv1" in texts and "relu1" in texts and "fc1" not in texts
    assert window.session.selection == ["conv1", "relu1"]  # the user's selection is untouched


def test_training_curves_as_png_and_svg(qtbot, window, tmp_path: Path) -> None:
    for suffix in (".png", ".svg"):
        target = tmp_path / f"curves{suffix}"

        def fill(dialog: FigureDialog, suffix: str = suffix, target: Path = target) -> None:
            _choose(dialog.subject, "curves")
            assert dialog.format.findData(".pdf") < 0  # charts: PNG or SVG
            _choose(dialog.format, suffix)
            dialog.path.setText(str(target))

        _answer(qtbot, fill)
        window.figures.action.trigger()
        assert target.stat().st_size > 1000
    assert "loss" in (tmp_path / "curves.svg").read_text()


def test_unwritable_figure_is_explained(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    shown: list[str] = []
    monkeypatch.setattr(
        "cnnstudio.gui.figure_menu.QMessageBox.warning", lambda _w, _t, text: shown.append(text)
    )

    def fill(dialog: FigureDialog) -> None:
        _choose(dialog.format, ".svg")
        dialog.path.setText(str(blocker / "net.svg"))

    _answer(qtbot, fill)
    window.figures.action.trigger()
    assert len(shown) == 1 and "cannot create the folder" in shown[0]
    assert window.figures.last_path is None


def test_command_line_figure(tmp_path: Path) -> None:
    design = tmp_path / "lenet.cnn.json"
    save_design(get_template("lenet5"), design)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run(
        [sys.executable, "-m", "cnnstudio", "figure", str(design), "-o", str(tmp_path / "net.svg")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert ET.parse(tmp_path / "net.svg").getroot().tag.endswith("svg")
    bad = subprocess.run(
        [sys.executable, "-m", "cnnstudio", "figure", str(design), "-o", str(tmp_path / "n.gif")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [
        "cnnstudio: error: n.gif: a figure is SVG, PDF, PNG; "
        "name the file with one of .svg, .pdf, .png"
    ]
