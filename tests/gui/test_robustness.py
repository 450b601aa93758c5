"""Issue 7 in the GUI: autosave within 2 s, recovery after a kill, the exception dialog."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from cnnstudio.core.commands import SetParam
from cnnstudio.core.fileio import load_design, save_design
from cnnstudio.core.recovery import RecoveryStore
from cnnstudio.core.templates import get_template
from cnnstudio.gui.autosave import Autosaver, offer_recovery
from cnnstudio.gui.crash import ErrorReporter
from cnnstudio.gui.session import DesignSession


def test_changes_reach_the_recovery_file_within_two_seconds(qtbot, tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.acquire()
    session = DesignSession()
    saver = Autosaver(session, store)
    session.push(SetParam("conv1", "out_channels", 9))
    qtbot.waitUntil(lambda: store.recovery_path.exists(), timeout=2000)
    assert load_design(store.recovery_path)["conv1"].params["out_channels"] == 9
    target = tmp_path / "saved.cnn.json"
    session.save(target)  # saved: the autosave is no longer needed
    qtbot.waitUntil(lambda: not store.recovery_path.exists(), timeout=2000)
    saver.shutdown()
    assert not (tmp_path / f"{os.getpid()}.lock").exists()


APP = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    from cnnstudio.core.commands import SetParam
    from cnnstudio.core.recovery import RecoveryStore
    from cnnstudio.gui.autosave import Autosaver
    from cnnstudio.gui.session import DesignSession
    app = QApplication([])
    store = RecoveryStore(sys.argv[1]); store.acquire()
    session = DesignSession()
    session.path = None
    saver = Autosaver(session, store)
    session.push(SetParam("fc3", "out_features", 7))
    saver.write_now(); saver.background.wait_idle()
    print("written", flush=True)
    app.exec()
    """
)


def test_after_kill_minus_nine_the_next_start_offers_the_work(qtbot, tmp_path: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", APP, str(tmp_path)], stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "written"
        me = RecoveryStore(tmp_path)
        me.acquire()
        session = DesignSession()
        assert offer_recovery(me, session, lambda entry: True) is False  # still alive: not a crash
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    asked = []
    assert offer_recovery(me, session, lambda entry: asked.append(entry) or True)
    assert session.design["fc3"].params["out_features"] == 7
    assert session.is_modified and len(asked) == 1
    assert me.orphans() == []
    me.release()


def test_declined_recovery_is_discarded(qtbot, tmp_path: Path) -> None:
    other = tmp_path / "999999.cnn.json"
    save_design(get_template("simple-cnn"), other, backup=False)
    me = RecoveryStore(tmp_path)
    me.acquire()
    session = DesignSession()
    assert not offer_recovery(me, session, lambda entry: False)
    assert not other.exists() and session.design.name == "LeNet-5"
    me.release()


def test_unhandled_exceptions_show_a_dialog_and_the_app_continues(qtbot) -> None:
    reporter = ErrorReporter()
    shown: list[tuple[str, str]] = []
    reporter.show_dialog = lambda summary, report: shown.append((summary, report))
    reporter.install()
    try:
        QTimer.singleShot(0, lambda: 1 / 0)  # raised inside the Qt event loop
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)
        thread = threading.Thread(target=lambda: {}["missing"])
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(shown) == 2, timeout=2000)
    finally:
        reporter.uninstall()
    assert shown[0][0] == "ZeroDivisionError: division by zero"
    assert "Traceback" in shown[0][1] and "cnnstudio 0.1.0" in shown[0][1]
    assert shown[1][0] == "KeyError: 'missing'"
    assert QApplication.instance() is not None


def test_copied_blocks_do_not_crash_the_exit(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import os
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6.QtWidgets import QApplication
        from cnnstudio.gui.app import release_clipboard
        from cnnstudio.gui.canvas import CanvasView
        from cnnstudio.gui.session import DesignSession
        app = QApplication([])
        view = CanvasView(DesignSession())
        view.show()
        view.select_all()
        assert view.copy_selected()
        release_clipboard()
        assert '"conv1"' in QApplication.clipboard().text()
        view.close()
        del view
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
