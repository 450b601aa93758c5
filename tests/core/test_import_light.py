"""The core (and the package's top level) load without Qt or torch."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "PySide6", "pyqtgraph", "numpy")


def _loaded_after(statement: str) -> list[str]:
    code = f"import sys; {statement}; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in out.stdout.strip().split(",") if m]


def test_core_imports_neither_qt_nor_torch() -> None:
    statement = (
        "import cnnstudio.core.analysis, cnnstudio.core.commands, cnnstudio.core.fileio, "
        "cnnstudio.core.templates, cnnstudio.core.layout, cnnstudio.core.composite, "
        "cnnstudio.core.block_library"
    )
    assert _loaded_after(statement) == []


def test_top_level_api_and_summary_stay_light() -> None:
    assert (
        _loaded_after("import cnnstudio; cnnstudio.analyze(cnnstudio.get_template('resnet50'))")
        == []
    )
    assert _loaded_after("import cnnstudio.cli; cnnstudio.cli.build_parser()") == []
