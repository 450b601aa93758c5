"""The core's tests run where neither Qt nor pytest-qt is installed (issue 14).

A fresh interpreter makes PySide6, shiboken6, pyqtgraph and pytest-qt unimportable (a finder
first on ``sys.meta_path`` answers as for a package that is not there), leaves the pytest-qt
plugin out and
runs tests/core: the root conftest, the settings in pyproject.toml (pytest-qt's ``qt_*``
options among them) and every core test must cope.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RUN_WITHOUT_QT = """
import sys

class NotInstalled:
    # First on sys.meta_path: these packages are not found, as where they are not installed.
    names = {"PySide6", "shiboken6", "pyqtgraph", "pytestqt"}

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
import pytest
sys.exit(pytest.main(["-q", "-p", "no:pytest-qt", "-p", "no:cacheprovider", "tests/core"]))
"""


def test_core_tests_pass_without_qt_or_pytest_qt() -> None:
    proc = subprocess.run(
        [sys.executable, "-c", RUN_WITHOUT_QT],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = proc.stdout[-3000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, tail
    assert " passed" in proc.stdout and "error" not in proc.stdout.splitlines()[-1], tail
