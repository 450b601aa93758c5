"""The wheel carries resources/ and works from a fresh virtual environment.

The fresh venv gets the heavy dependencies (torch, PySide6) through a .pth line pointing at the
test interpreter's site-packages, so no download happens; cnnstudio itself comes only from the
wheel (checked through ``cnnstudio.__file__``).
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("cnnstudio-*.whl")
    return path


def test_wheel_contains_resources_and_entry_points(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "cnnstudio/resources/digits.npz" in names
    assert "cnnstudio/resources/icons/cnnstudio.svg" in names
    assert "cnnstudio/core/catalog.py" in names
    # The translations: their source and the catalog setup.py's build_py compiles.
    assert "cnnstudio/translations/cnnstudio_pt_BR.ts" in names
    assert "cnnstudio/translations/cnnstudio_pt_BR.qm" in names
    # Every package in the source tree is in the wheel (pyproject lists them explicitly).
    for init in (ROOT / "cnnstudio").rglob("__init__.py"):
        assert init.relative_to(ROOT).as_posix() in names
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry).decode()
    assert "cnnstudio = cnnstudio.cli:main" in text
    # The version is written once (cnnstudio/__init__.py); the wheel's metadata reads it.
    import cnnstudio

    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    lines = zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
    assert f"Version: {cnnstudio.__version__}" in lines


def test_fresh_venv_runs_summary_and_screenshot(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    deps = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    Path(purelib, "deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(py),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    where = subprocess.run(
        [str(py), "-c", "import cnnstudio, importlib.resources as r; print(cnnstudio.__file__); "
         "print((r.files('cnnstudio.resources') / 'digits.npz').is_file())"],
        check=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    ).stdout.split()  # fmt: skip
    assert where[0].startswith(str(venv)) and where[1] == "True"
    exe = venv / "bin" / "cnnstudio"
    (tmp_path / "d.cnn.json").write_text(
        subprocess.run(
            [str(exe), "new", "-t", "lenet5"], check=True, capture_output=True, text=True, env=env
        ).stdout,
        encoding="utf-8",
    )
    summary = subprocess.run(
        [str(exe), "summary", str(tmp_path / "d.cnn.json")], capture_output=True, text=True, env=env
    )
    assert summary.returncode == 0, summary.stderr
    assert "total params: 61,706" in summary.stdout
    png = tmp_path / "shot.png"
    shot = subprocess.run(
        [str(exe), "gui", str(tmp_path / "d.cnn.json"), "--screenshot", str(png)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert shot.returncode == 0, shot.stderr
    assert png.stat().st_size > 10_000
