"""Benchmark: training from the app against the textbook loop, and the GUI's responsiveness.

Same model (the LeNet-5 template, 1x32x32), data (digits resized to 32x32) and batch size (64),
one CPU thread for both (``torch.set_num_threads(1)`` / ``num_threads=1``):

1. the plain ``DataLoader(TensorDataset)`` loop with Adam: training samples/s;
2. the app: a shown main window (offscreen) with the training dock installed, the run started
   through the controller, the worker thread training and the live plots refreshing at 20 Hz;
   training samples/s from the epochs' training time. Goal: ratio app / plain >= 0.9;
3. from the call that the Train button makes to the end of the run (dataset loading and
   model building on the worker included), a 10 ms QTimer on the GUI thread measures how late
   each tick comes: the 99th percentile of the interval (goal < 16 ms) and the longest stall
   (goal < 50 ms).

Run ``QT_QPA_PLATFORM=offscreen python bench/bench_training_gui.py``.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import statistics
import sys
import time
from pathlib import Path

import numpy as np

EPOCHS_PLAIN = 3
EPOCHS_APP = 15  # the template's usual run: about 5 s, some 500 probe ticks
TICK_MS = 10


def plain_loop(epochs: int) -> float:
    """The textbook loop (shared with bench_training) on the template's module; samples/s."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_training import textbook_loop

    from cnnstudio.core.templates import get_template
    from cnnstudio.engine.builder import build_model
    from cnnstudio.engine.datasets import load_dataset

    data = load_dataset("digits", (1, 32, 32))
    return textbook_loop(build_model(get_template("lenet5"), seed=0), data, epochs)


def app_run(epochs: int) -> dict[str, float]:
    """Train from a shown main window; returns throughput and GUI tick statistics."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from cnnstudio.core.templates import get_template
    from cnnstudio.engine.trainer import EpochEnded, RunFinished, TrainSettings
    from cnnstudio.gui.main_window import MainWindow
    from cnnstudio.gui.session import DesignSession
    from cnnstudio.gui.settings import AppSettings
    from cnnstudio.gui.training import install_training

    app = QApplication.instance() or QApplication([])
    store = QSettings(os.devnull, QSettings.Format.IniFormat)
    window = MainWindow(DesignSession(get_template("lenet5")), AppSettings(store))
    window.persist_layout = False
    window._ask_save_changes = lambda: "discard"  # type: ignore[method-assign]
    controller = install_training(window)
    window.resize(1400, 900)
    window.show()
    assert controller.dock is not None
    controller.dock.raise_()  # the curves are on screen while training

    loop = QEventLoop()
    controller.devices_changed.connect(loop.quit)
    controller.warm_up()
    loop.exec()

    train_s: list[float] = []
    samples: list[int] = []
    finished: list[RunFinished] = []
    failed: list[str] = []
    intervals: list[float] = []
    clock = QElapsedTimer()

    def on_epoch(event: EpochEnded) -> None:
        train_s.append(event.train_seconds)

    def on_started(event: object) -> None:
        samples.append(int(event.train_samples))  # type: ignore[attr-defined]

    def tick() -> None:
        if clock.isValid():
            intervals.append(clock.nsecsElapsed() / 1e6)
            clock.restart()

    controller.epoch_ended.connect(on_epoch)
    controller.run_started.connect(on_started)
    controller.run_finished.connect(lambda e: (finished.append(e), loop.quit()))
    controller.run_failed.connect(lambda m, h: (failed.append(f"{m} {h}"), loop.quit()))
    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    settings = TrainSettings(
        dataset="digits", epochs=epochs, batch_size=64, lr=0.001, num_threads=1, device="cpu"
    )
    wall = time.perf_counter()
    clock.start()  # the probe covers everything from the click on Train to the end of the run
    controller.start(settings)
    loop.exec()
    wall = time.perf_counter() - wall
    timer.stop()
    refreshes = controller.view.plots.refreshes if controller.view is not None else 0

    controller.shutdown()
    window.close()
    window.deleteLater()
    app.processEvents()
    if failed:
        raise RuntimeError(f"the app run failed: {failed[0]}")
    # Skip the first epoch: it includes the first-call kernel selection in both setups' warm-up.
    rate = sum(samples[:1] * (len(train_s) - 1)) / sum(train_s[1:])
    data = np.array(intervals)
    return {
        "rate": rate,
        "overall": epochs * samples[0] / wall,
        "p50": float(np.percentile(data, 50)),
        "p99": float(np.percentile(data, 99)),
        "max": float(data.max()),
        "ticks": float(len(data)),
        "refreshes": float(refreshes),
        "val_acc": finished[0].val_acc,
    }


def main() -> int:
    import torch

    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, {os.cpu_count()} cores")
    plain_loop(1)  # warm-up: first calls allocate and pick kernels
    plains = [plain_loop(EPOCHS_PLAIN) for _ in range(2)]
    app = app_run(EPOCHS_APP)
    plains.append(plain_loop(EPOCHS_PLAIN))
    plain = statistics.median(plains)
    ratio = app["rate"] / plain
    print(f"plain DataLoader loop      : {plain:8.0f} samples/s (median of {len(plains)})")
    print(f"app (worker + live plots)  : {app['rate']:8.0f} samples/s training")
    print(f"                             {app['overall']:8.0f} samples/s wall, with validation")
    print(f"ratio app / plain          : {ratio:8.2f}  (goal >= 0.9)")
    print(
        f"GUI {TICK_MS} ms timer during the run: median {app['p50']:.1f} ms, "
        f"p99 {app['p99']:.1f} ms (goal < 16), max {app['max']:.1f} ms (goal < 50), "
        f"{app['ticks']:.0f} ticks, {app['refreshes']:.0f} plot refreshes, "
        f"val acc {app['val_acc']:.1%}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
