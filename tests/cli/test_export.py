"""The ``export`` command: quiet on success, the file beside the design by default, errors
listed or in one line, nothing half-written; its parser imports no torch.

What each format writes, and that it runs outside cnnstudio, is tested in
tests/engine/test_export.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from cnnstudio.cli import main
from cnnstudio.cli.export import add_arguments, default_output, run
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import save_design
from cnnstudio.core.templates import get_template
from cnnstudio.engine.export import EXPORT_FORMATS

# The model formats; "train-script" writes a training program (tests/engine/test_train_script.py).
FORMATS = [name for name in EXPORT_FORMATS if name != "train-script"]


def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_cli_export_is_quiet(lenet_file: Path, capfd: pytest.CaptureFixture[str]) -> None:
    for fmt in ("python", "onnx"):
        out = lenet_file.with_name(f"net_{fmt}{EXPORT_FORMATS[fmt].suffix}")
        assert main(["export", str(lenet_file), "-f", fmt, "-o", str(out)]) == 0
        captured = capfd.readouterr()
        assert captured.out == ""
        assert captured.err == f"wrote {out} ({EXPORT_FORMATS[fmt].title})\n"
    assert files_in(lenet_file.parent) == {"lenet.cnn.json", "net_python.py", "net_onnx.onnx"}


def test_cli_default_output_is_beside_the_design(lenet_file: Path) -> None:
    assert main(["export", str(lenet_file), "-f", "exported-program"]) == 0
    assert (lenet_file.parent / "lenet.pt2").is_file()
    assert default_output("a/b/net.cnn.json", "python") == Path("a/b/net.py")
    assert default_output("net.json", "onnx") == Path("net.onnx")


def test_cli_design_with_errors_lists_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = get_template("lenet5")
    design["conv1"].params["kernel_size"] = 99
    design["fc3"].params["bogus"] = 1
    path = tmp_path / "bad.cnn.json"
    save_design(design, path, backup=False)
    assert main(["export", str(path), "-o", str(tmp_path / "bad.py")]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert "the design has 2 errors" in lines[0]
    assert lines[1].strip().startswith("conv1: kernel 99")
    assert lines[2].strip().startswith("fc3: unknown parameter 'bogus'")
    assert files_in(tmp_path) == {"bad.cnn.json"}


def test_not_a_design_propagates_design_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.cnn.json"
    path.write_text("{not json", encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with pytest.raises(DesignError):
        run(parser.parse_args([str(path)]))
    assert main(["export", str(path)]) == 2


@pytest.mark.parametrize("where", ["missing/folder/net.py", "lenet.cnn.json/net.py"])
def test_unwritable_output_is_one_line_and_leaves_nothing(
    lenet_file: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = files_in(lenet_file.parent)
    out = lenet_file.parent / where
    assert main(["export", str(lenet_file), "-f", "torchscript", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"cnnstudio: error: {out}: cannot be written")
    assert files_in(lenet_file.parent) == before


def test_export_cli_does_not_import_torch() -> None:
    code = "import sys, cnnstudio.cli.export; assert 'torch' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_help_recommends_exported_program() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    text = " ".join(parser.format_help().split())
    assert "exported-program is recommended over the deprecated torchscript" in text
    for fmt in FORMATS:
        assert fmt in text
