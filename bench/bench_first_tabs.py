"""Benchmark: the first click on each dock tab, as a user makes it after start-up (issue 19).

The app as it starts (the main window with every dock, shown at 1400x900, the torch warm-up on
the training thread after the first show, then `FirstPaintPrimer` laying out and painting the
docks tabbed out of sight, a step at a time). A 10 ms QTimer on the GUI thread measures how
late each tick comes while the primer runs and then while every dock tab and every tab inside
the docks is clicked once, as a user would (``QTabBar.setCurrentIndex``, what a click does).

Goals: no interval over 50 ms during the priming steps, and none over 50 ms on any first
click. For comparison, a child process does the same without the primer (the first click on
Training then lays out and paints its pyqtgraph curves for the first time); the worst first
click of both is reported, and their ratio. The idle floor of this machine (the probe with
nothing happening) is printed too.

Run ``QT_QPA_PLATFORM=offscreen python bench/bench_first_tabs.py``.
"""

from __future__ import annotations

import json
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
import sys
from pathlib import Path

from goals import Goals, quiet_qt

STALL_GOAL_MS = 50.0
TICK_MS = 10
SETTLE_MS = 300  # after each click: the paint and anything it queued


def measure(primed: bool) -> dict[str, object]:
    """In this process: start the window, prime (or not), click every tab; the figures."""
    import gc

    from PySide6.QtCore import QElapsedTimer, QEvent, QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QTabBar

    from cnnstudio.core.templates import get_template
    from cnnstudio.gui.main_window import MainWindow
    from cnnstudio.gui.session import DesignSession
    from cnnstudio.gui.settings import AppSettings

    if QApplication.instance() is None:
        measure.app = QApplication([])  # type: ignore[attr-defined]  # kept alive to the end
    folder = tempfile.TemporaryDirectory(prefix="cnnstudio-bench-")
    store = QSettings(str(Path(folder.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(DesignSession(get_template("lenet5")), AppSettings(store))
    window.persist_layout = False
    window._ask_save_changes = lambda: "discard"  # type: ignore[method-assign]
    window.install_tools()
    if not primed:
        window.training.devices_changed.disconnect(window.first_paint_trigger)
    window.resize(1400, 900)
    window.show()
    gc.collect()
    gc.freeze()  # as the app does before its event loop

    clock = QElapsedTimer()
    ticks: list[tuple[float, float]] = []
    last = [0.0]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        ticks.append((now, now - last[0]))
        last[0] = now

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def worst_since(start: float) -> float:
        return max((d for t, d in ticks if t > start), default=0.0)

    wait(700)  # the first frames, outside the probe (bench_training_gui measures them)
    clock.start()
    timer.start()
    wait(1000)
    idle = worst_since(0.0)
    # The warm-up, then the primer (when on): wait for both, probed.
    started = clock.nsecsElapsed() / 1e6
    deadline = started + 60_000
    primer = window.first_paint
    while clock.nsecsElapsed() / 1e6 < deadline:
        if primer.done if primed else window.training.devices:
            break
        wait(50)
    wait(200)
    priming = worst_since(started)
    clicks: list[tuple[str, float]] = []
    for bar in [b for b in window.findChildren(QTabBar) if b.count() >= 2 and b.isVisible()]:
        names = [bar.tabText(i) for i in range(bar.count())]
        order = [*range(1, bar.count()), 0] if bar.currentIndex() == 0 else range(bar.count())
        for index in order:
            if index == bar.currentIndex():
                continue
            start = clock.nsecsElapsed() / 1e6
            bar.setCurrentIndex(index)
            wait(SETTLE_MS)
            clicks.append((names[index], worst_since(start)))
    inner = window.training.view.tabs  # the Training dock's own tabs (Run, Results, Gradients)
    for index in range(1, inner.count()):
        start = clock.nsecsElapsed() / 1e6
        inner.setCurrentIndex(index)
        wait(SETTLE_MS)
        clicks.append((f"Training/{inner.tabText(index)}", worst_since(start)))
    timer.stop()
    # As the app ends: the window's threads join when the window is deleted.
    window.training.shutdown()
    window.close()
    window.deleteLater()
    app = QApplication.instance()
    assert app is not None
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()
    folder.cleanup()
    return {
        "idle_max": idle,
        "priming_max": priming,
        "steps": primer.steps_run,
        "clicks": clicks,
    }


def main() -> int:
    quiet_qt()
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(measure(sys.argv[2] == "primed")))
        return 0
    goals = Goals("bench_first_tabs")
    results = {}
    for mode in ("unprimed", "primed"):
        # Each in a fresh process: the first paint of pyqtgraph is a first-time cost of the
        # process (fonts, glyph caches), so one run would flatter the second.
        out = subprocess.run(
            [sys.executable, __file__, "--child", mode],
            capture_output=True,
            text=True,
            env=dict(os.environ),
            check=True,
        ).stdout
        results[mode] = json.loads(out.strip().splitlines()[-1])
    for mode, r in results.items():
        clicks = ", ".join(f"{name} {ms:.0f}" for name, ms in r["clicks"])
        print(
            f"{mode:9s}: idle floor max {r['idle_max']:.1f} ms; warm-up"
            f"{' and priming (' + str(r['steps']) + ' steps)' if mode == 'primed' else ''}: "
            f"max {r['priming_max']:.1f} ms; first clicks (max ms): {clicks}"
        )
    worst = {mode: max(ms for _, ms in r["clicks"]) for mode, r in results.items()}
    print(
        f"worst first click: {worst['primed']:.1f} ms primed vs {worst['unprimed']:.1f} ms "
        f"unprimed (ratio {worst['primed'] / worst['unprimed']:.2f})"
    )
    primed = results["primed"]
    goals.check(
        f"no stall over {STALL_GOAL_MS:g} ms while the hidden docks are primed",
        primed["priming_max"] < STALL_GOAL_MS,
        f"max {primed['priming_max']:.1f} ms",
    )
    goals.check(
        f"no stall over {STALL_GOAL_MS:g} ms on the first click of any tab",
        worst["primed"] < STALL_GOAL_MS,
        f"max {worst['primed']:.1f} ms",
    )
    return goals.exit_code()


if __name__ == "__main__":
    sys.exit(main())
