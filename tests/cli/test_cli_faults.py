"""The real command line on the files and pipes that broke it (issue 13, items 3, 6, 8 and 10).

A handful of subprocesses (the property suite in tests/core/test_design_fuzz.py runs thousands
of cases in-process): each must end with the documented exit code and at most one
``cnnstudio: error:`` line on stderr, never a traceback, a segfault or an endless read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cnnstudio.core.fileio import dumps_design
from cnnstudio.core.templates import get_template

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, tmp_path: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "cnnstudio", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=tmp_path,
    )


def assert_one_error_line(proc: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert proc.returncode == code, proc.stderr[-2000:]
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("cnnstudio: error: "), proc.stderr[-2000:]
    for word in words:
        assert word in lines[0]


def lenet_text(**layer1: object) -> str:
    doc = json.loads(dumps_design(get_template("lenet5")))
    doc["layers"][1].update(layer1)
    return json.dumps(doc)


@pytest.mark.parametrize("command", ["summary", "train", "gui", "export"])
def test_a_nan_position_is_refused_by_every_command(tmp_path: Path, command: str) -> None:
    path = tmp_path / "nan.cnn.json"
    path.write_text(lenet_text(pos="__POS__").replace('"__POS__"', "[NaN, Infinity]"))
    proc = run(command, str(path), tmp_path=tmp_path)  # gui: Infinity used to segfault
    assert_one_error_line(proc, 2, str(path), "NaN is not a JSON number")


def test_integers_of_thousands_of_digits_are_not_a_design(tmp_path: Path) -> None:
    path = tmp_path / "digits.cnn.json"
    path.write_text(
        lenet_text(params="__P__").replace('"__P__"', '{"padding": ' + "9" * 5000 + "}")
    )
    assert_one_error_line(run("summary", str(path), tmp_path=tmp_path), 2, "too many digits")


def test_summary_of_dev_zero_stops_at_the_size_cap(tmp_path: Path) -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    proc = run("summary", "/dev/zero", tmp_path=tmp_path, timeout=60)
    assert_one_error_line(proc, 2, "/dev/zero: larger than 64 MiB")


def test_summary_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    # A table longer than a pipe holds (64 KiB): the writer is still writing when the reader
    # goes away, whatever the timing, so the broken pipe is certain.
    layers = [{"id": "input", "type": "Input", "params": {"shape": [8]}}]
    layers += [
        {
            "id": f"relu_{i:05d}",
            "type": "ReLU",
            "inputs": [layers[-1]["id"] if i == 0 else f"relu_{i - 1:05d}"],
        }
        for i in range(3000)
    ]
    path = tmp_path / "long.cnn.json"
    path.write_text(json.dumps({"format": "cnnstudio-design", "version": 1, "layers": layers}))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cnnstudio", "summary", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"layer")  # like `| head -1`, then go away
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 141  # 128 + SIGPIPE, what a shell tool reports
    assert err == ""  # was a BrokenPipeError traceback


def test_an_id_with_a_newline_stays_on_one_line(tmp_path: Path) -> None:
    doc = json.loads(dumps_design(get_template("lenet5")))
    doc["layers"][1]["id"] = "conv\n1"
    doc["layers"][2]["inputs"] = ["conv\n1"]
    path = tmp_path / "nl.cnn.json"
    path.write_text(json.dumps(doc))
    proc = run("summary", str(path), tmp_path=tmp_path)
    assert proc.returncode == 1 and proc.stderr == ""
    assert "\nerror: conv\\n1: the id must start with a letter" in proc.stdout
    proc = run("train", str(path), "--epochs", "1", tmp_path=tmp_path)
    assert_one_error_line(proc, 1, "conv\\n1: the id must start")


def test_a_usage_error_is_one_line_and_exit_2(tmp_path: Path) -> None:
    proc = run("train", "x.cnn.json", "--epochs", "abc", tmp_path=tmp_path)
    assert_one_error_line(
        proc, 2, "cnnstudio train: argument --epochs: invalid int value: 'abc'", "--help"
    )
