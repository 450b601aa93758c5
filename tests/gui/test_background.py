"""The one background-work abstraction: jobs in order off the GUI thread, results back on it."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from cnnstudio.gui.background import BackgroundThread


def test_jobs_run_in_order_off_the_gui_thread_and_report_on_it(qtbot: QtBot) -> None:
    owner = QObject()
    background = BackgroundThread("test-background", owner)
    gui = threading.get_ident()
    ran_on: list[int] = []
    results: list[tuple[int, int]] = []
    errors: list[str] = []

    def job(i: int) -> int:
        ran_on.append(threading.get_ident())
        if i == 2:
            raise OSError("disk full")
        return i * i

    for i in range(4):
        background.submit(
            lambda i=i: job(i),
            lambda result, i=i: results.append((i, result)),
            lambda exc: errors.append(f"{threading.get_ident() == gui}: {exc}"),
        )
    assert background.wait_idle(5.0)
    qtbot.waitUntil(lambda: len(results) + len(errors) == 4)
    assert results == [(0, 0), (1, 1), (3, 9)]
    assert errors == ["True: disk full"]  # delivered on the GUI thread
    assert len(set(ran_on)) == 1 and ran_on[0] != gui
    assert background.shutdown() and background.shutdown()  # idempotent
    assert not background.submit(lambda: 1)


def test_shutdown_runs_what_was_submitted_first(qtbot: QtBot) -> None:
    background = BackgroundThread("test-background")
    done = threading.Event()
    gate = threading.Event()
    background.submit(gate.wait)
    background.submit(done.set)
    gate.set()
    assert background.shutdown(5.0)
    assert done.is_set()


def test_an_unhandled_job_error_reaches_the_excepthook(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[BaseException] = []
    monkeypatch.setattr("sys.excepthook", lambda kind, exc, tb: seen.append(exc))
    background = BackgroundThread("test-background")
    background.submit(lambda: 1 / 0)
    qtbot.waitUntil(lambda: bool(seen))
    assert isinstance(seen[0], ZeroDivisionError)
    assert background.shutdown()
