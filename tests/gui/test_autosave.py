"""Issue 13 item 1: the autosave wait is bounded, and the write never runs on the GUI thread.

The end-to-end proof (a real app edited once a second, then killed) is in
test_autosave_kill_app.py; these check the pieces: the bound, the thread, the last state.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pytestqt.qtbot import QtBot

from cnnstudio.core.commands import SetParam
from cnnstudio.core.fileio import load_design
from cnnstudio.core.recovery import RecoveryStore
from cnnstudio.gui import autosave
from cnnstudio.gui.autosave import Autosaver, LatestJobWriter
from cnnstudio.gui.session import DesignSession


def test_a_steady_stream_of_edits_cannot_postpone_the_autosave(
    qtbot: QtBot, tmp_path: Path
) -> None:
    store = RecoveryStore(tmp_path)
    store.acquire()
    session = DesignSession()
    saver = Autosaver(session, store)
    seen_during_edits = False
    # An edit every 0.4 s: each restarts the debounce, which therefore never fires by itself.
    for n in range(1, 9):
        session.push(SetParam("conv1", "out_channels", n))
        qtbot.wait(400)
        seen_during_edits = seen_during_edits or store.recovery_path.exists()
    assert seen_during_edits, "no autosave while the edits went on"
    assert saver.flush()
    assert load_design(store.recovery_path)["conv1"].params["out_channels"] == 8
    saver.shutdown()


def test_serialising_and_writing_run_off_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, monkeypatch
) -> None:
    store = RecoveryStore(tmp_path)
    store.acquire()
    threads: dict[str, threading.Thread] = {}
    real_dumps, real_write = autosave.dumps_design, store.write_text

    def dumps(design):  # type: ignore[no-untyped-def]
        threads["serialise"] = threading.current_thread()
        return real_dumps(design)

    def write(text, name, source):  # type: ignore[no-untyped-def]
        threads["write"] = threading.current_thread()
        real_write(text, name, source)

    monkeypatch.setattr(autosave, "dumps_design", dumps)
    monkeypatch.setattr(store, "write_text", write)
    session = DesignSession()
    saver = Autosaver(session, store)
    session.push(SetParam("conv1", "out_channels", 5))
    qtbot.waitUntil(store.recovery_path.exists, timeout=5000)
    assert saver.flush()
    gui = threading.main_thread()
    assert threads["serialise"] is not gui and threads["write"] is not gui
    saver.shutdown()


def test_the_snapshot_is_taken_when_the_write_is_asked_for(tmp_path: Path) -> None:
    """Edits made while the writer is busy do not leak into the snapshot being written."""
    store = RecoveryStore(tmp_path)
    store.acquire()
    session = DesignSession()
    saver = Autosaver(session, store)
    gate = threading.Event()
    saver.writer.submit(gate.wait)  # the writer is busy until the gate opens
    session.push(SetParam("conv1", "out_channels", 3))
    saver.write_now()
    session.design["conv1"].params["out_channels"] = 99  # after the snapshot
    gate.set()
    assert saver.writer.wait_idle(5)
    assert load_design(store.recovery_path)["conv1"].params["out_channels"] == 3
    saver.shutdown()


def test_writes_never_overlap_and_the_last_state_wins() -> None:
    writer = LatestJobWriter()
    written: list[int] = []
    active = 0
    most = 0
    lock = threading.Lock()

    def job(n: int) -> None:
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        time.sleep(0.05)  # a slow disk
        written.append(n)
        with lock:
            active -= 1

    for n in range(20):
        writer.submit(lambda n=n: job(n))
    assert writer.wait_idle(10)
    writer.close()
    assert most == 1
    assert written[-1] == 19
    assert len(written) < 20  # stale snapshots waiting behind a write were dropped
