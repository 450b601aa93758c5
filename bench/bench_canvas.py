"""Benchmark: canvas update after one edit of the resnet50 template (~175 blocks), offscreen.

Goal (issue 4): the wall time of ``session.push(cmd)`` plus ``QApplication.processEvents()``
(analysis, incremental scene update, repaint of the changed blocks) has a median <= 16 ms, one
frame at 60 Hz. Measured at 100 % zoom and with the whole design fitted in the view (every
block visible: the most painting).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from goals import Goals, quiet_qt
from PySide6.QtWidgets import QApplication

from cnnstudio.core.commands import SetParam
from cnnstudio.core.templates import get_template
from cnnstudio.gui.canvas import CanvasView
from cnnstudio.gui.session import DesignSession

GOAL_MS = 16.0
EDITS = 50
LAYER = "layer1_0_conv1"  # the conv whose out_channels alternates; its BN, ReLU, conv2 follow


def _measure(
    app: QApplication, session: DesignSession, view: CanvasView
) -> tuple[float, float, float]:
    """Median and fastest ms of push+processEvents, and the median of blocks repainted."""
    times: list[float] = []
    repainted: list[int] = []
    for i in range(EDITS):
        session.history.break_merge()  # one undo step per edit, as separate user edits are
        command = SetParam(LAYER, "out_channels", 48 if i % 2 == 0 else 64)
        start = time.perf_counter()
        session.push(command)
        app.processEvents()
        times.append(time.perf_counter() - start)
        repainted.append(view.graph.last_update.get("blocks_repainted", 0))
    return statistics.median(times) * 1000, min(times) * 1000, statistics.median(repainted)


def main() -> int:
    goals = Goals("bench_canvas")
    quiet_qt()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    session = DesignSession(get_template("resnet50"))
    view = CanvasView(session)
    view.resize(1280, 800)
    view.show()
    app.processEvents()
    view.center_on(LAYER)
    app.processEvents()
    near, near_min, near_blocks = _measure(app, session, view)
    view.fit_all()
    app.processEvents()
    fitted, fitted_min, _ = _measure(app, session, view)
    stats = view.canvas_stats()
    size = f"{stats['blocks']} blocks, {stats['edges']} edges"
    print(f"canvas update after one edit of resnet50 ({size})")
    print(
        f"  at 100 % zoom:              {near:.2f} ms median of {EDITS} edits"
        f" (fastest {near_min:.2f})"
    )
    print(
        f"  whole design in view:       {fitted:.2f} ms median of {EDITS} edits"
        f" (fastest {fitted_min:.2f})"
    )
    rebuilt = stats["blocks_created"] - stats["blocks"]
    print(f"  blocks repainted per edit:  {near_blocks:g} (blocks rebuilt: {rebuilt})")
    worst = max(near, fitted)
    goals.check(f"canvas edit median <= {GOAL_MS:g} ms", worst <= GOAL_MS, f"{worst:.2f} ms")
    view.close()
    view.deleteLater()
    app.processEvents()
    return goals.exit_code()


if __name__ == "__main__":
    raise SystemExit(main())
