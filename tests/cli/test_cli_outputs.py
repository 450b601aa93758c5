"""Issue 13 item 4 from the command line: ``new -o``, ``export -o`` and checkpoints write
through symlinks and refuse (one line, nothing replaced) an output that is not a regular file.

A named pipe in the test's folder stands for ``/dev/null``: the tests run as root, and the
system's device must never be at risk.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cnnstudio.cli import main
from cnnstudio.core.fileio import load_design, save_design
from cnnstudio.core.templates import get_template

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def _one_error_line(err: str) -> str:
    assert err.count("\n") == 1 and err.startswith("cnnstudio: error: "), err
    assert "Traceback" not in err
    return err.strip()


def test_new_refuses_a_named_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "dev-null"
    os.mkfifo(fifo)
    assert main(["new", "-o", str(fifo)]) == 2
    line = _one_error_line(capsys.readouterr().err)
    assert line == (
        f"cnnstudio: error: {fifo}: cannot be written "
        "(a named pipe, not a regular file: left as it is)"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dev-null"]


def test_new_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "designs" / "mine.cnn.json"
    target.parent.mkdir()
    link = tmp_path / "mine.cnn.json"
    link.symlink_to(target)  # dangling until the first write
    assert main(["new", "--template", "simple-cnn", "-o", str(link)]) == 0
    assert link.is_symlink() and load_design(target).name == get_template("simple-cnn").name


def test_export_refuses_a_named_pipe(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design = tmp_path / "net.cnn.json"
    save_design(get_template("lenet5"), design)
    fifo = tmp_path / "out.py"
    os.mkfifo(fifo)
    assert main(["export", str(design), "--format", "python", "-o", str(fifo)]) == 1
    line = _one_error_line(capsys.readouterr().err)
    assert line.endswith(
        f"{fifo}: cannot be written (a named pipe, not a regular file: left as it is)"
    )
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_export_writes_through_a_symlink_and_keeps_the_mode(tmp_path: Path) -> None:
    design = tmp_path / "net.cnn.json"
    save_design(get_template("lenet5"), design)
    target = tmp_path / "real_model.py"
    target.write_text("# old\n", encoding="utf-8")
    os.chmod(target, 0o640)
    link = tmp_path / "model.py"
    link.symlink_to(target.name)
    assert main(["export", str(design), "--format", "python", "-o", str(link)]) == 0
    assert link.is_symlink()
    assert "class" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_checkpoint_is_never_written_over_a_pipe(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from cnnstudio.engine.checkpoint import CheckpointError, save_checkpoint

    fifo = tmp_path / "last.pt"
    os.mkfifo(fifo)
    with pytest.raises(CheckpointError, match="a named pipe, not a regular file") as info:
        save_checkpoint(
            fifo,
            design={},
            model_state={"w": torch.zeros(2)},
            optimizer_state=None,
            history=[],
            settings={},
            epoch=0,
        )
    assert "\n" not in str(info.value)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_the_gui_screenshot_refuses_a_named_pipe(tmp_path: Path) -> None:
    fifo = tmp_path / "shot.png"
    os.mkfifo(fifo)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    result = subprocess.run(
        [sys.executable, "-m", "cnnstudio", "gui", "--screenshot", str(fifo)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors == [
        f"cnnstudio: error: {fifo}: cannot write the screenshot "
        "(a named pipe, not a regular file: left as it is)"
    ]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_summary_measure_runs_one_real_step_beside_the_estimate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import torch

    path = tmp_path / "lenet.cnn.json"
    save_design(get_template("lenet5"), path)
    args = ["summary", str(path), "--batch-size", "8", "--optimizer", "adam", "--measure"]
    assert main([*args, "--device", "cpu", "--json"]) == 0
    memory = json.loads(capsys.readouterr().out)["memory"]
    measured = memory["measured"]
    assert measured["device"] == "cpu" and measured["method"] == "tensors held"
    assert measured["estimate"] == memory["total"]
    assert abs(measured["error_percent"]) < 20
    assert main([*args, "--device", "cpu"]) == 0
    text = capsys.readouterr().out
    assert "measured on cpu: " in text and "(tensors held); the estimate is " in text
    # A device that is not there: one line, exit 1, no traceback.
    if not torch.cuda.is_available():
        assert main([*args, "--device", "cuda"]) == 1
        err = capsys.readouterr().err.strip()
        assert (
            err == "cnnstudio: error: device cuda is not available on this machine: use auto or cpu"
        )
