"""The test suite's own home: where settings, autosaves and datasets go while tests run.

`tests/conftest.py` calls :func:`isolate` when pytest loads it, before any test module (and so
before Qt or the app) reads a path: ``HOME``, the XDG folders and ``CNNSTUDIO_DATA`` then point
into one temporary folder for the whole session, and Qt's `QStandardPaths` test mode is on, so
that nothing a test does reaches the real user's ``~/.config/cnnstudio``, recovery folder or
dataset cache, and nothing the user left there changes a test's result. Subprocesses the tests
start inherit the environment.

``CNNSTUDIO_TEST_HOME=FOLDER`` makes the suite use FOLDER (kept afterwards) instead of a fresh
temporary folder: the isolation tests seed one with odd content and run tests on it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["HOME_VARIABLE", "REAL_ENVIRONMENT", "REDIRECTED", "home_environment", "isolate"]

#: Set it to a folder to run the suite in that home instead of a fresh temporary one.
HOME_VARIABLE = "CNNSTUDIO_TEST_HOME"

#: The variables the suite's home replaces.
REDIRECTED = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "CNNSTUDIO_DATA")

#: Their values before `isolate` changed them (None: unset), for the tests that check the
#: real folders were left alone.
REAL_ENVIRONMENT: dict[str, str | None] = {}

_created: list[Path] = []


def home_environment(home: Path) -> dict[str, str]:
    """The variables that make ``home`` the whole home of a process (an empty data folder too).

    The digits dataset ships in the package (``cnnstudio/resources``), so an empty
    ``CNNSTUDIO_DATA`` still trains; the downloadable datasets are never fetched by tests.
    """
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "CNNSTUDIO_DATA": str(home / "datasets"),
    }


def isolate() -> Path:
    """Point this process (and its children) at the suite's home; returns the home folder.

    Idempotent: a second call (both conftests, or a re-import) keeps the first home.
    """
    if REAL_ENVIRONMENT:
        return Path(os.environ["HOME"])
    for name in REDIRECTED:
        REAL_ENVIRONMENT[name] = os.environ.get(name)
    chosen = os.environ.get(HOME_VARIABLE)
    if chosen:
        home = Path(chosen).resolve()
        home.mkdir(parents=True, exist_ok=True)
    else:
        home = Path(tempfile.mkdtemp(prefix="cnnstudio-test-home-")).resolve()
        _created.append(home)
    os.environ.update(home_environment(home))
    try:
        from PySide6.QtCore import QStandardPaths
    except ImportError:  # the core tests also run where Qt is not installed
        return home
    # Qt's own paths (QSettings' native file, AppLocalDataLocation for the recovery folder) go
    # under HOME/.qttest, and Qt itself knows this is a test run.
    QStandardPaths.setTestModeEnabled(True)
    return home


def remove_created_home() -> None:
    """Delete the temporary home `isolate` made (never one given by ``CNNSTUDIO_TEST_HOME``)."""
    while _created:
        shutil.rmtree(_created.pop(), ignore_errors=True)
