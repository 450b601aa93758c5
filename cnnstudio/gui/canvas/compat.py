"""A guard against a reference-count bug of the installed PySide6 build on Python < 3.12.

With PySide6 6.12.0 on CPython 3.11, a Qt method that returns nothing (``void``) or a null
pointer hands back ``None`` without taking a reference to it, and ``SignalInstance.emit``
does the same with ``True``: each call lowers the singleton's reference count by one.
Painting makes thousands of such calls per frame and every edit emits several signals; once a
count reaches zero the interpreter aborts ("Fatal Python error: none_dealloc" or
"bool_dealloc", sometimes only at exit). Python 3.12 made these singletons immortal (PEP 683),
which is why only older interpreters are hit.

`guard_singleton_refcounts` detects the bug and, only when it is present, raises the counts of
``None``, ``True`` and ``False`` by 2**48, which is what 3.12 does in effect: no program makes
that many Qt calls. Call it once, early, in any process that uses Qt (the canvas package does
on import).
"""

from __future__ import annotations

import ctypes
import platform
import sys

_BALLAST = 1 << 48
_guarded = False


def singleton_refcounts_leak() -> bool:
    """True when Qt calls lower the reference count of ``None`` or ``True`` (the bug)."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    from PySide6.QtCore import QObject, QPointF, Signal

    class _Probe(QObject):
        ping = Signal()

    point, probe = QPointF(), _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(64):
        point.setX(1.0)
        probe.ping.emit()
    return sys.getrefcount(None) < none_before - 32 or sys.getrefcount(True) < true_before - 32


def guard_singleton_refcounts() -> bool:
    """Keep ``None``, ``True`` and ``False`` alive for good when the bug is present.

    Returns whether the guard is in place. Idempotent.
    """
    global _guarded
    if _guarded:
        return True
    if not singleton_refcounts_leak():
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object (a Py_ssize_t).
        ctypes.c_ssize_t.from_address(id(singleton)).value += _BALLAST
    _guarded = True
    return True
