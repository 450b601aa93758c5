"""Issue 13 item 1 end to end: edit the real app once a second, kill -9 it, count what survived.

The process is the real application (``cnnstudio.cli.main(["gui", FILE])``) with its own
autosaver and recovery folder. The only addition is a driver inside it that plays the user
through Qt's input simulation, one edit a second: click a block, press Delete. After the last
edit the test kills the process with SIGKILL; the recovery file must hold every edit made more
than 2 seconds before the kill (the README's promise). Before the wait was bounded, each edit
restarted the 1.5 s timer and a kill after the edits found no recovery file at all.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from cnnstudio.core.fileio import load_design, save_design
from cnnstudio.core.templates import get_template

EDITS = ["fc2", "relu4", "fc1", "relu3", "pool2"]
"""The blocks deleted, one a second, in this order (LeNet-5)."""

DRIVER = textwrap.dedent(
    """
    import json, sys, time
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from cnnstudio.cli import main
    from cnnstudio.gui.app import create_application
    from cnnstudio.gui.main_window import MainWindow

    design_file, edits = sys.argv[1], json.loads(sys.argv[2])
    app = create_application()  # the app's own; run_gui reuses it
    sys.excepthook = lambda *exc: (sys.__excepthook__(*exc), QApplication.exit(3))
    QTimer.singleShot(60_000, lambda: QApplication.exit(4))  # never hang the test suite

    def shown_window():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                return widget
        return None

    def edit(n):  # what a user does: click the block, press Delete
        window = shown_window()
        if window is None or QApplication.activeModalWidget() is not None:
            QTimer.singleShot(50, lambda: edit(n))
            return
        canvas = window.canvas
        block = canvas.graph.blocks[edits[n]]
        canvas.ensureVisible(block.sceneBoundingRect())
        point = canvas.mapFromScene(block.sceneBoundingRect().center())
        QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, pos=point)
        QTest.keyClick(canvas, Qt.Key.Key_Delete)
        layers = sorted(window.session.design.layers)
        print("edited", json.dumps([n, time.monotonic(), layers]), flush=True)
        if n + 1 < len(edits):
            QTimer.singleShot(1000, lambda: edit(n + 1))

    QTimer.singleShot(0, lambda: edit(0))
    sys.exit(main(["gui", design_file]))
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs kill -9")
def test_editing_once_a_second_then_kill_minus_nine_loses_nothing_older_than_2s(
    tmp_path: Path, app_environment: dict[str, str]
) -> None:
    design_file = tmp_path / "mine.cnn.json"
    save_design(get_template("lenet5"), design_file, backup=False)
    original = design_file.read_bytes()
    recovery = tmp_path / "recovery"
    states: list[tuple[float, list[str]]] = []  # (when, layer ids after the edit)
    with subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(design_file), json.dumps(EDITS)],
        env=app_environment,
        stdout=subprocess.PIPE,
        text=True,
    ) as app:
        try:
            assert app.stdout is not None
            for line in app.stdout:
                if line.startswith("edited "):
                    n, when, layers = json.loads(line[len("edited ") :])
                    assert EDITS[n] not in layers
                    states.append((when, layers))
                    if n == len(EDITS) - 1:
                        break
            assert len(states) == len(EDITS), "the app ended before the last edit"
            # Killed 0.9 s after the last edit: the three edits before the last two are older
            # than 2 s, and the next autosave of an edit every second would still be waiting.
            time.sleep(max(0.0, states[-1][0] + 0.9 - time.monotonic()))
            killed_at = time.monotonic()
        finally:
            app.send_signal(signal.SIGKILL)
            app.wait(10)
    assert app.returncode == -signal.SIGKILL

    due = [layers for when, layers in states if when < killed_at - 2.0]
    assert len(due) >= 3
    autosaves = list(recovery.glob("*.cnn.json"))
    assert len(autosaves) == 1, "no recovery file after five seconds of edits"
    saved = sorted(load_design(autosaves[0]).layers)
    # The recovery file is the state after one of the edits, at least the last one that is due.
    assert saved in [layers for _, layers in states[len(due) - 1 :]], saved
    for deleted in EDITS[: len(due)]:
        assert deleted not in saved
    assert design_file.read_bytes() == original  # the file itself was never touched
