"""Compiles the interface's translations (``.ts`` -> ``.qm``) into wheels and sdists' builds.

Everything else is declared in pyproject.toml. ``build_py`` runs ``pyside6-lrelease`` over
``cnnstudio/translations/*.ts`` into the build folder; where no lrelease can be found (an
isolated build without PySide6) it says so and goes on: the app then compiles the catalog at
start-up, or reads the ``.ts`` itself (`cnnstudio.gui.i18n`). Editable installs skip this
step; their catalogs are compiled at run time into the user's cache folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


def _lrelease() -> str | None:
    try:
        import PySide6
    except ImportError:
        return shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    bundled = Path(PySide6.__file__).parent / "lrelease"
    return str(bundled) if bundled.is_file() else shutil.which("pyside6-lrelease")


class BuildWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        tool = _lrelease()
        target = Path(self.build_lib) / "cnnstudio" / "translations"
        for ts in sorted(Path("cnnstudio/translations").glob("*.ts")):
            if tool is None:
                print(f"warning: no lrelease found; {ts.name} ships uncompiled", file=sys.stderr)
                continue
            target.mkdir(parents=True, exist_ok=True)
            qm = target / ts.with_suffix(".qm").name
            subprocess.run([tool, "-silent", str(ts), "-qm", str(qm)], check=True)


setup(cmdclass={"build_py": BuildWithTranslations})
