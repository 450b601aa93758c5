"""``train``, ``check`` and ``lr-find`` load a design the same way (`cnnstudio.cli.loading`):
a design with errors is refused in one line naming its first error and how many more, before
any data is read; a file that is not a design exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnnstudio.cli import main
from cnnstudio.core.design import Design, Layer
from cnnstudio.core.fileio import save_design
from cnnstudio.core.templates import get_template


@pytest.fixture
def broken_file(tmp_path: Path) -> Path:
    design = get_template("lenet5")
    design["conv1"].params["kernel_size"] = 99
    design["fc3"].params["bogus"] = 1
    path = tmp_path / "broken.cnn.json"
    save_design(design, path, backup=False)
    return path


@pytest.mark.parametrize("command", ["train", "check", "lr-find"])
def test_a_design_with_errors_is_refused_in_one_line(
    command: str, broken_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["--out", str(tmp_path / "run")] if command == "train" else []
    assert main([command, str(broken_file), "--dataset", "nope", *extra]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"cnnstudio: error: {broken_file}: conv1: kernel 99")
    assert err.endswith(" (and 1 more)\n")  # not the dataset's error: the design comes first
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("command", ["train", "check", "lr-find"])
def test_not_a_design_exits_2(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "junk.cnn.json"
    path.write_text("{not json", encoding="utf-8")
    assert main([command, str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("cnnstudio: error: ")


def test_the_checks_need_an_image_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design = Design(
        [
            Layer("input", "Input", params={"shape": [16]}),
            Layer("fc", "Dense", ["input"], {"out_features": 10}),
        ],
        name="vector",
    )
    path = tmp_path / "vector.cnn.json"
    save_design(design, path, backup=False)
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"cnnstudio: error: {path}: the checks need an image input (C x H x W)\n"
    )
