"""The suite runs in a home of its own (tests/isolation.py): proofs, in and out of process.

- In this process, every folder the app reads or writes (settings, recovery folder, dataset
  folder, Qt's standard locations) lies in the suite's home, none in the real one.
- A pytest run of GUI tests that write settings, recent files, a window layout and an autosave,
  started in a child whose "real" home holds a user's files, leaves that home byte-identical.
- The same GUI tests pass in a suite home seeded first with what a real machine can hold: a
  stale autosave of an instance that died, a dark theme and an odd window layout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.isolation import HOME_VARIABLE, REAL_ENVIRONMENT, REDIRECTED, home_environment

ROOT = Path(__file__).resolve().parents[1]

#: GUI tests that go through the app's default settings and folders: recent files and the
#: theme (run_gui in process), the window layout and an autosave (test_default_home).
GUI_TESTS = [
    "tests/gui/test_default_home.py",
    "tests/gui/test_startup.py::test_run_gui_opens_a_file_in_process",
]


def _inside(path: str | Path, folder: str | Path) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def test_every_folder_the_app_uses_is_in_the_suites_home() -> None:
    from PySide6.QtCore import QSettings, QStandardPaths

    from cnnstudio.engine.datasets import default_data_dir
    from cnnstudio.gui.autosave import default_recovery_folder
    from cnnstudio.gui.settings import APPLICATION, ORGANIZATION

    home = Path(os.environ["HOME"])
    assert str(home) != REAL_ENVIRONMENT["HOME"]
    assert QStandardPaths.isTestModeEnabled()
    for name, value in home_environment(home).items():
        assert os.environ[name] == value, name
    locations = QStandardPaths.StandardLocation
    used = {
        "settings": QSettings(ORGANIZATION, APPLICATION).fileName(),
        "recovery": default_recovery_folder(),
        "datasets": default_data_dir(),
        "config": QStandardPaths.writableLocation(locations.GenericConfigLocation),
        "data": QStandardPaths.writableLocation(locations.AppLocalDataLocation),
        "cache": QStandardPaths.writableLocation(locations.GenericCacheLocation),
    }
    for what, path in used.items():
        assert _inside(path, home), f"{what}: {path}"


def _snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def _pytest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *args]
    return subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def _child_environment(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in (*REDIRECTED, HOME_VARIABLE)}
    env.update(changes)
    env.pop("PYTHONWARNINGS", None)
    return env


def test_a_gui_test_run_leaves_the_real_home_byte_identical(tmp_path: Path) -> None:
    real = tmp_path / "real-home"
    # What a user's machine holds: settings with recent files, an autosave, a dataset cache.
    config = real / ".config" / "cnnstudio" / "cnnstudio.conf"
    config.parent.mkdir(parents=True)
    config.write_text("[General]\nrecent_files=/home/user/mine.cnn.json\ntheme=light\n")
    recovery = real / ".local" / "share" / "cnnstudio" / "cnnstudio" / "recovery"
    recovery.mkdir(parents=True)
    (recovery / "4242.meta.json").write_text('{"source": null, "saved_at": 1, "name": "x"}')
    cache = real / ".cache" / "cnnstudio" / "data"
    cache.mkdir(parents=True)
    (cache / "README").write_text("the user's downloaded datasets\n")
    before = _snapshot(real)
    suite_home = tmp_path / "suite-home"  # given, so that the writes can be seen afterwards
    env = _child_environment(
        HOME=str(real),
        XDG_CONFIG_HOME=str(real / ".config"),
        XDG_DATA_HOME=str(real / ".local" / "share"),
        XDG_CACHE_HOME=str(real / ".cache"),
        **{HOME_VARIABLE: str(suite_home)},
    )
    result = _pytest(env, *GUI_TESTS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert _snapshot(real) == before
    # The run did write settings and recent files: into the suite's home.
    written = [p.read_text() for p in suite_home.rglob("cnnstudio.conf")]
    assert any("resnet.cnn.json" in text and "window" in text for text in written)


SEED = """
import os, sys
from PySide6.QtCore import QStandardPaths
QStandardPaths.setTestModeEnabled(True)  # the same paths as the suite's own
from PySide6.QtWidgets import QDockWidget
from cnnstudio.core.recovery import RecoveryStore
from cnnstudio.core.templates import get_template
from cnnstudio.gui.app import create_application
from cnnstudio.gui.autosave import default_recovery_folder
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.settings import AppSettings

settings = AppSettings()
settings.set_theme("dark")
settings.store.setValue("recent_files", ["/nowhere/gone.cnn.json"])
app = create_application()
window = MainWindow(DesignSession(get_template("lenet5")), settings)
window.persist_layout = False
window.show()
app.processEvents()
# An odd layout: a tiny window far off every screen, every dock floating or hidden.
for n, dock in enumerate(window.findChildren(QDockWidget)):
    dock.setFloating(True) if n % 2 else dock.hide()
window.resize(160, 120)
window.move(-5000, -4000)
app.processEvents()
settings.save_window(window.saveGeometry(), window.saveState())
settings.sync()
# A stale autosave: written by this process, which then dies without cleaning up.
store = RecoveryStore(default_recovery_folder())
store.acquire()
store.write(get_template("lenet5"), None)
print(json.dumps({"settings": settings.store.fileName(), "autosave": str(store.recovery_path)}))
sys.stdout.flush()
os._exit(0)
"""


def test_gui_tests_pass_in_a_home_seeded_with_odd_state(tmp_path: Path) -> None:
    seeded = tmp_path / "seeded-home"
    env = _child_environment(**home_environment(seeded), **{HOME_VARIABLE: str(seeded)})
    seed = subprocess.run(
        [sys.executable, "-c", "import json\n" + SEED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert seed.returncode == 0, seed.stderr[-2000:]
    paths = json.loads(seed.stdout.strip().splitlines()[-1])
    assert _inside(paths["settings"], seeded)
    assert "theme=dark" in Path(paths["settings"]).read_text()
    assert Path(paths["autosave"]).is_file()  # its lock died with the process: an orphan

    result = _pytest(env, *GUI_TESTS)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert not Path(paths["autosave"]).exists()  # offered once, declined, removed
