"""A Qt message handler that drops Qt's known, harmless noise and passes everything else on.

Qt's offscreen platform (tests, benchmarks, ``cnnstudio gui --screenshot`` without a display)
prints "This plugin does not support propagateSizeHints()" each time a window is shown or
resized; it says only that offscreen windows have no window manager to tell. Dozens of those
lines hid the warnings that matter. `install_filter` (the app calls it before its QApplication
exists; tests and benchmarks call it too) installs a handler that drops the messages listed in
`KNOWN_NOISE`, exactly, and hands every other message to the handler that was installed before
it, or prints it the way Qt's default handler does (``qFormatLogMessage``, so
``QT_MESSAGE_PATTERN`` still applies).

pytest-qt installs its own handler for each test, which replaces this one while the test runs;
`pytest_ignore_patterns` gives the same messages as regular expressions for its
``qt_log_ignore`` option, so they never count for ``qt_log_level_fail`` (tests/conftest.py adds
them).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QtMsgType, qFormatLogMessage, qInstallMessageHandler

__all__ = [
    "KNOWN_NOISE",
    "filtered",
    "install_filter",
    "is_known_noise",
    "pytest_ignore_patterns",
    "uninstall_filter",
]

#: Messages that are dropped, compared whole (after stripping spaces around them).
KNOWN_NOISE: tuple[str, ...] = ("This plugin does not support propagateSizeHints()",)

Handler = Callable[[QtMsgType, Any, str], None]


class _Installed:
    """Whether `install_filter` is in effect, and the handler it found (None: Qt's default)."""

    active = False
    previous: Handler | None = None


def is_known_noise(message: str) -> bool:
    """Whether ``message`` is one of the `KNOWN_NOISE` messages (exactly, not a part of one)."""
    return message.strip() in KNOWN_NOISE


def pytest_ignore_patterns() -> list[str]:
    """`KNOWN_NOISE` as anchored regular expressions, for pytest-qt's ``qt_log_ignore``."""
    return [rf"^\s*{re.escape(text)}\s*$" for text in KNOWN_NOISE]


def _pass_on(previous: Handler | None, kind: QtMsgType, context: Any, message: str) -> None:
    if previous is not None:
        previous(kind, context, message)
        return
    # Qt's default handler, as Qt formats it: the handler API offers no way to call it.
    sys.stderr.write(qFormatLogMessage(kind, context, message) + "\n")
    sys.stderr.flush()


def _make_handler(previous: Handler | None) -> Handler:
    def handle(kind: QtMsgType, context: Any, message: str) -> None:
        if is_known_noise(message):
            return
        _pass_on(previous, kind, context, message)

    return handle


def install_filter() -> None:
    """Install the filter in front of the current handler (once; a second call does nothing)."""
    if _Installed.active:
        return
    previous = qInstallMessageHandler(None)  # None puts Qt's default back; we want its value
    qInstallMessageHandler(_make_handler(previous))
    _Installed.active, _Installed.previous = True, previous


def uninstall_filter() -> None:
    """Put back the handler that `install_filter` found."""
    if not _Installed.active:
        return
    qInstallMessageHandler(_Installed.previous)
    _Installed.active, _Installed.previous = False, None


@contextmanager
def filtered() -> Iterator[None]:
    """The filter in front of the current handler for the block, then the old handler back."""
    previous = qInstallMessageHandler(None)
    qInstallMessageHandler(_make_handler(previous))
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
