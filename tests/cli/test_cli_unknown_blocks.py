"""`cnnstudio summary` of a design with errors: the known totals and how many blocks are unknown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnnstudio import cli
from cnnstudio.core.fileio import save_design
from cnnstudio.core.templates import get_template


def test_summary_counts_the_unknown_blocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = get_template("lenet5")
    design["conv2"].params["kernel_size"] = 40
    path = tmp_path / "broken.cnn.json"
    save_design(design, path)
    assert cli.main(["summary", str(path), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["total_params"] == 156 and doc["unknown_blocks"] == 4
    assert cli.main(["summary", str(path)]) == 1
    out = capsys.readouterr().out
    assert "unknown: 4 blocks not counted (conv2, fc1, fc2, fc3)" in out
