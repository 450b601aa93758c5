"""Qt's known offscreen noise is dropped; every other Qt message still gets through."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QtMsgType, qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from cnnstudio.gui.qt_messages import KNOWN_NOISE, filtered, is_known_noise

ROOT = Path(__file__).resolve().parents[2]
NOISE = "This plugin does not support propagateSizeHints()"
REAL = "cnnstudio test: a real warning"


def test_only_the_exact_known_message_counts_as_noise() -> None:
    assert NOISE in KNOWN_NOISE and is_known_noise(NOISE) and is_known_noise(f" {NOISE}\n")
    assert not is_known_noise(f"QWidget: {NOISE} for this window")
    assert not is_known_noise("This plugin does not support something else")


def test_the_filter_drops_the_noise_and_passes_a_real_warning_on() -> None:
    seen: list[tuple[QtMsgType, str]] = []

    def record(kind: QtMsgType, context: Any, message: str) -> None:
        seen.append((kind, message))

    original = qInstallMessageHandler(record)
    try:
        with filtered():
            qWarning(NOISE)
            qWarning(REAL)
        qWarning("after the block")  # the recording handler is back in front
    finally:
        qInstallMessageHandler(original)
    assert seen == [
        (QtMsgType.QtWarningMsg, REAL),
        (QtMsgType.QtWarningMsg, "after the block"),
    ]


@pytest.mark.qt_log_level_fail("NO")  # this test emits a real warning on purpose
def test_pytest_qt_ignores_the_noise_but_not_a_real_warning(qtbot: QtBot, qtlog: Any) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    widget.setMinimumSize(120, 90)  # the offscreen platform's own propagateSizeHints() message
    qtbot.wait(20)
    qWarning(REAL)
    records = {(r.message.strip(), r.ignored) for r in qtlog.records}
    assert (REAL, False) in records  # a real warning counts for qt_log_level_fail
    assert (NOISE, True) in records  # Qt did print the noise, and it does not count


def test_the_app_keeps_the_noise_off_stderr_and_real_warnings_on_it(tmp_path: Path) -> None:
    script = f"""
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QWidget
from cnnstudio.gui.app import create_application

app = create_application()
widget = QWidget()
widget.show()
app.processEvents()
widget.setMinimumSize(120, 90)
app.processEvents()
qWarning({REAL!r})
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONWARNINGS", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert NOISE not in result.stderr
    assert REAL in result.stderr
