"""Benchmark: how the cost of one edit and of opening the window grows with the design's size.

ResNet-style designs (bottleneck blocks, four stages) of about 200, 800 and 3,000 layers are
opened in a full `MainWindow`; one local edit (a bias of a block deep inside) is pushed through
the session and the events processed (analysis, canvas, table, inspector, painted), as
`bench_gui` measures it. A growth curve, not a single timing: the edit should cost what it
changes, so its time should hardly grow with the layer count. Goals (issue 16): one edit at
3,000 layers <= 16 ms median, the window opened on it <= 1.5 s, and the cold analysis linear in
the layer count (time per layer at 3,000 within 2x of that at 200).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cnnstudio.core.design import Design

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (200, 800, 3000)
EDIT_GOAL_MS = 16.0
OPEN_GOAL_S = 1.5


def _design(layers: int) -> Design:
    from cnnstudio.core.templates import resnet_design

    # A bottleneck block is 10 layers; stem, head and the four downsampling shortcuts 16.
    per_stage = max(1, round((layers - 16) / 40))
    return resnet_design((per_stage,) * 4, bottleneck=True, name=f"ResNet-{layers}")


def _cold_analysis_ms(designs: list[Design], rounds: int = 5) -> list[float]:
    """The fastest of ``rounds`` cold analyses of each design (fresh copies, no memo).

    The sizes take turns round by round and the minimum is kept, so that load from other
    processes on a shared machine does not fall on one size more than another.
    """
    import gc

    from cnnstudio.core.analysis import analyze

    best = [float("inf")] * len(designs)
    for _ in range(rounds):
        for n, design in enumerate(designs):
            fresh = design.clone()
            gc.collect()
            start = time.perf_counter()
            analyze(fresh)
            best[n] = min(best[n], (time.perf_counter() - start) * 1000)
    return best


def _window_figures(design: Design, repeats: int = 40) -> dict[str, float]:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from cnnstudio.core.commands import SetParam
    from cnnstudio.gui.app import create_application
    from cnnstudio.gui.main_window import MainWindow
    from cnnstudio.gui.session import DesignSession
    from cnnstudio.gui.settings import AppSettings

    app = create_application()
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        settings = AppSettings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        start = time.perf_counter()
        window = MainWindow(DesignSession(design), settings)
        window.persist_layout = False
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        window.canvas.fit_all()
        app.processEvents()
        opened = time.perf_counter() - start
        session = window.session
        # A conv in the middle of the third stage: "a block deep inside".
        convs = [lid for lid in session.design.layers if lid.startswith("layer3_")]
        target = [lid for lid in convs if lid.endswith("conv2")][len(convs) // 20]
        session.select([target])
        app.processEvents()
        times = []
        for n in range(repeats):
            session.history.break_merge()
            begin = time.perf_counter()
            session.push(SetParam(target, "bias", n % 2 == 0))
            app.processEvents()
            times.append((time.perf_counter() - begin) * 1000)
        session.history.mark_clean()
        window.close()
        window.deleteLater()
        app.processEvents()
    return {"edit": statistics.median(times), "open": opened}


def main() -> int:
    import gc

    designs = [_design(size) for size in SIZES]
    colds = _cold_analysis_ms(designs)  # before any window, so no size pays for its garbage
    rows = []
    for design, cold in zip(designs, colds, strict=True):
        gc.collect()
        figures = _window_figures(design)
        rows.append((len(design), figures["edit"], figures["open"], cold))
    print("growth with the design's size (ResNet-style, one local edit deep inside)")
    print("  layers | one edit (median) | window opens | cold analysis (best of 5) | per layer")
    for n, edit, opened, cold in rows:
        print(
            f"  {n:6d} | {edit:14.2f} ms | {opened:10.2f} s | {cold:10.2f} ms | "
            f"{cold * 1000 / n:6.2f} us"
        )
    n, edit, opened, cold = rows[-1]
    small_per_layer = rows[0][3] / rows[0][0]
    linear = cold / n <= 2 * small_per_layer
    ok = edit <= EDIT_GOAL_MS and opened <= OPEN_GOAL_S and linear
    print(
        f"  edit growth {rows[-1][1] / rows[0][1]:.2f}x for {n / rows[0][0]:.0f}x the layers; "
        f"goals at {n} layers: edit <= {EDIT_GOAL_MS:g} ms, open <= {OPEN_GOAL_S:g} s, "
        f"cold analysis linear -> {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
