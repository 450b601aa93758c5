"""Starting the designer: the QApplication, the first design, the window, ``--screenshot``.

`run_gui` is what ``cnnstudio gui [FILE] [--screenshot PNG]`` and plain ``cnnstudio`` call.
It loads the design before creating any window (a bad file is reported on stderr with exit
code 2 and no window), opens the LeNet-5 template when no file is given, and never imports
torch: training and export load it when they are used.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

from ..core.atomic_file import atomic_write
from ..core.design import Design
from ..core.errors import DesignError
from ..core.fileio import load_design
from ..core.i18n import translate
from ..core.templates import DEFAULT_TEMPLATE, get_template

SCREENSHOT_SIZE = (1400, 900)
ICON_PATH = Path(__file__).resolve().parents[2] / "resources" / "icons" / "cnnstudio.svg"


def _png_bytes(pixmap: object) -> bytes:
    """``pixmap`` (a QPixmap) encoded as PNG; empty when Qt cannot encode it."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QPixmap

    assert isinstance(pixmap, QPixmap)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = pixmap.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data()) if ok else b""


def _error(message: str) -> None:
    print(f"cnnstudio: error: {message}", file=sys.stderr)


def has_display() -> bool:
    """False on Linux/BSD when neither X11, Wayland nor an explicit Qt platform is set."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _icon_path() -> Path | None:
    """The application icon, from the source tree or the installed package."""
    if ICON_PATH.is_file():
        return ICON_PATH
    try:
        from importlib.resources import files

        candidate = files("cnnstudio.resources").joinpath("icons/cnnstudio.svg")
        return Path(str(candidate)) if candidate.is_file() else None
    except (ModuleNotFoundError, OSError):
        return None


def create_application() -> object:
    """The running QApplication, created (Fusion style, theme, names, icon) if needed."""
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from .i18n import choose_language, install_language
    from .qt_messages import install_filter
    from .settings import APPLICATION, ORGANIZATION, AppSettings
    from .theme import apply_theme

    install_filter()  # Qt's known offscreen noise off stderr; every other message goes through
    app = QApplication.instance()
    if app is None:
        QApplication.setOrganizationName(ORGANIZATION)
        QApplication.setApplicationName(APPLICATION)
        QApplication.setApplicationDisplayName("cnnstudio")
        QApplication.setDesktopFileName("cnnstudio")
        app = QApplication([sys.argv[0] if sys.argv else "cnnstudio"])
    assert isinstance(app, QApplication)
    settings = AppSettings()
    apply_theme(app, settings.theme())
    # Before any window exists: every widget takes its texts from the translator when built.
    install_language(choose_language(settings.language()))
    icon = _icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _settle(app: object, seconds: float = 0.15) -> None:
    """Process events until the window has laid out and painted (offscreen needs a few rounds)."""
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    deadline = time.monotonic() + seconds
    while True:
        app.processEvents()
        if time.monotonic() >= deadline:
            break
        time.sleep(0.01)


def release_clipboard() -> None:
    """Hand the clipboard's content over to Qt before the application goes.

    Mime data created in Python (the canvas copies blocks as its own type plus JSON text) is
    owned by Qt once on the clipboard, and Qt frees it in its exit handlers, after Python has
    finalized: the process then dies with a segmentation fault. Replacing it with a plain-text
    copy made in C++ keeps what the user copied and frees the Python-made object now.
    """
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        return
    clipboard = QApplication.clipboard()
    text = clipboard.text()
    if text:
        clipboard.setText(text)
    else:
        clipboard.clear()


def run_gui(path: str | None, *, screenshot: str | None = None) -> int:
    """Open the designer on ``path`` (default: the LeNet-5 template); returns the exit code.

    With ``screenshot``, render the window to that PNG and exit instead of running the loop.
    """
    if not has_display():
        if screenshot is None:
            _error("no display found (set DISPLAY, or use --screenshot PNG)")
            return 1
        print("cnnstudio: no display found; rendering the screenshot offscreen", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from .xcb_check import xcb_problem

    problem = xcb_problem()
    if problem is not None:  # Qt would abort with a message that names no library
        _error(problem)
        return 1

    design: Design
    try:
        design = load_design(path) if path else get_template(DEFAULT_TEMPLATE)
    except DesignError as exc:
        _error(str(exc))
        return 2

    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow
    from .session import DesignSession

    app = create_application()
    assert isinstance(app, QApplication)
    session = DesignSession(design)
    if path:
        session.path = Path(path)
    window = MainWindow(session)
    window.install_tools()
    if path:
        window.settings.add_recent_file(path)
    code = 0
    try:
        if screenshot is not None:
            window.persist_layout = False
            window.resize(*SCREENSHOT_SIZE)
            window.show()
            _settle(app)
            window.canvas.show_start()
            _settle(app, 0.05)
            target = Path(screenshot)
            if target.parent and not target.parent.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
            png = _png_bytes(window.grab())
            reason = None if png else "rendering failed"
            if png:
                try:
                    # Like every other output: atomic, through a symlink, never over a device.
                    atomic_write(target, png)
                except OSError as exc:
                    reason = exc.strerror or str(exc)
            if reason is not None:
                _error(f"{target}: cannot write the screenshot ({reason})")
                code = 1
            session.history.mark_clean()  # nothing to ask: the screenshot edits nothing
        else:
            code = _run_interactive(app, window, path)
    finally:
        # Qt widgets (and any pyqtgraph plots inside docks) must go before the QApplication
        # does, or the interpreter may crash at exit.
        window.session.history.mark_clean()
        release_clipboard()
        window.close()
        window.deleteLater()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
        del window
    return code


def _run_interactive(app: object, window: object, path: str | None) -> int:
    """The event loop, with crash recovery (autosave + restore offer) and the error dialog."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from ..core.recovery import RecoveryEntry, RecoveryStore, remove_stale_temps
    from .autosave import Autosaver, default_recovery_folder, offer_recovery
    from .crash import ErrorReporter
    from .main_window import MainWindow

    assert isinstance(app, QApplication) and isinstance(window, MainWindow)
    reporter = ErrorReporter(lambda: window)
    reporter.install()
    store = RecoveryStore(default_recovery_folder())
    autosaver: Autosaver | None = None
    try:
        store.acquire()
    except OSError as exc:  # a read-only home must not keep the editor from starting
        print(f"cnnstudio: autosave disabled: {exc}", file=sys.stderr)
    else:
        if path:
            remove_stale_temps(path)

        def ask(entry: RecoveryEntry) -> bool:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.saved_at))
            origin = entry.source or translate("App", "an unsaved design")
            answer = QMessageBox.question(
                window,
                translate("App", "Restore unsaved work?"),
                translate(
                    "App",
                    'cnnstudio did not close cleanly. Unsaved changes to {origin} ("{name}", '
                    "autosaved {when}) can be restored.",
                ).format(origin=origin, name=entry.name, when=when),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            )
            return answer == QMessageBox.StandardButton.Yes

        autosaver = Autosaver(window.session, store)
        window.show()
        offer_recovery(store, window.session, ask)
    if not window.isVisible():
        window.show()
    window.canvas.show_start()
    # Move everything built so far out of the collector's view: a full collection then scans
    # only what the session creates, instead of stalling the GUI for 100+ ms over Qt and torch.
    gc.collect()
    gc.freeze()
    try:
        return app.exec()
    finally:
        if autosaver is not None:
            autosaver.shutdown()
        reporter.uninstall()
