"""Starting the designer: ``cnnstudio gui --screenshot``, bad files, no display, no torch."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
import sys
from pathlib import Path

import pytest

from cnnstudio.core.fileio import save_design
from cnnstudio.core.templates import get_template
from cnnstudio.gui import app as gui_app

ROOT = Path(__file__).resolve().parents[2]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _env(tmp_path: Path) -> dict[str, str]:
    """A child environment that renders offscreen and keeps its settings in ``tmp_path``."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["HOME"] = str(tmp_path)
    env.pop("PYTHONWARNINGS", None)
    return env


@pytest.fixture(scope="module")
def screenshot_run(tmp_path_factory):
    """One ``python -X importtime -m cnnstudio gui --screenshot`` run shared by the checks."""
    tmp = tmp_path_factory.mktemp("screenshot")
    png = tmp / "out.png"
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cnnstudio", "gui", "--screenshot", str(png)],
        cwd=ROOT,
        env=_env(tmp),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result, png


def test_screenshot_command_exits_0_and_writes_a_png(screenshot_run):
    result, png = screenshot_run
    assert result.returncode == 0, result.stderr[-2000:]
    data = png.read_bytes()
    assert data.startswith(PNG_MAGIC)
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert (image.width(), image.height()) == gui_app.SCREENSHOT_SIZE
    assert "Traceback" not in result.stderr


def test_the_screenshot_path_never_imports_torch(screenshot_run):
    result, _ = screenshot_run
    imported = {
        line.split("|")[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "PySide6.QtWidgets" in imported  # the import log is really there
    assert "cnnstudio.gui.main_window" in imported
    assert not {name for name in imported if name == "torch" or name.startswith("torch.")}


def test_torch_is_not_loaded_at_first_paint(tmp_path):
    script = f"""
import sys
from PySide6.QtCore import QEvent, QObject
from cnnstudio.gui import main_window

seen = []

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not seen:
            seen.append("torch" in sys.modules)
        return False

original_init = main_window.MainWindow.__init__

def init(self, *args, **kwargs):
    original_init(self, *args, **kwargs)
    self._first_paint = FirstPaint(self)
    self.canvas.viewport().installEventFilter(self._first_paint)

main_window.MainWindow.__init__ = init
from cnnstudio.cli import main
code = main(["gui", "--screenshot", {str(tmp_path / "shot.png")!r}])
print("first-paint-torch", seen, "exit", code, "end-torch", "torch" in sys.modules)
"""
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "first-paint-torch [False] exit 0 end-torch False" in result.stdout


def test_a_bad_file_is_reported_without_a_window(tmp_path):
    bad = tmp_path / "bad.cnn.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "cnnstudio", "gui", str(bad)],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cnnstudio: error: ")
    assert str(bad) in lines[0]


def test_no_display_refuses_an_interactive_run(monkeypatch, capsys):
    monkeypatch.setattr(sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert not gui_app.has_display()
    assert gui_app.run_gui(None) == 1
    err = capsys.readouterr().err
    assert err == "cnnstudio: error: no display found (set DISPLAY, or use --screenshot PNG)\n"


def test_no_display_still_renders_a_screenshot_offscreen(tmp_path):
    env = _env(tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(name, None)
    png = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "cnnstudio", "gui", "--screenshot", str(png)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no display found" in result.stderr
    assert png.read_bytes().startswith(PNG_MAGIC)


def test_run_gui_opens_a_file_in_process(qapp, tmp_path, monkeypatch):
    # The recent files go to the app's default settings, which are the suite's own (see
    # tests/isolation.py); no process-wide QSettings format or path change that would outlive
    # this test.
    from PySide6.QtCore import QSettings

    path = tmp_path / "resnet.cnn.json"
    save_design(get_template("resnet18"), path)
    from cnnstudio.gui import main_window

    opened: list[main_window.MainWindow] = []

    class RecordedWindow(main_window.MainWindow):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            opened.append(self)

    monkeypatch.setattr(main_window, "MainWindow", RecordedWindow)
    png = tmp_path / "resnet.png"
    assert gui_app.run_gui(str(path), screenshot=str(png)) == 0
    assert png.read_bytes().startswith(PNG_MAGIC)
    window = opened[0]
    assert window.session.design.name == "ResNet-18"
    assert window.session.path == path
    settings = QSettings("cnnstudio", "cnnstudio")
    assert str(path.resolve()) in (settings.value("recent_files") or [])
