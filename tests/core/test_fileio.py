"""Design files: the version-1 contract, stable bytes, atomic saves and one-line refusals."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cnnstudio.core.analysis import analyze
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import dumps_design, load_design, loads_design, save_design
from cnnstudio.core.templates import TEMPLATES, get_template

FORMAT_PAGE_EXAMPLE = {
    "format": "cnnstudio-design",
    "version": 1,
    "name": "LeNet-5",
    "layers": [
        {"id": "input", "type": "Input", "params": {"shape": [1, 28, 28]}},
        {
            "id": "conv1",
            "type": "Conv",
            "inputs": ["input"],
            "params": {"out_channels": 6, "kernel_size": 5, "padding": 2},
            "pos": [120, 40],
        },
        {"id": "relu1", "type": "ReLU", "inputs": ["conv1"]},
        {"id": "pool1", "type": "MaxPool", "inputs": ["relu1"], "params": {"kernel_size": 2}},
        {"id": "flat", "type": "Flatten", "inputs": ["pool1"]},
        {"id": "fc1", "type": "Dense", "inputs": ["flat"], "params": {"out_features": 10}},
    ],
}


def test_format_page_example_loads_and_analyses() -> None:
    design = load_design(FORMAT_PAGE_EXAMPLE)
    a = analyze(design)
    assert a.valid
    assert a.layers["conv1"].output_shape == (6, 28, 28)
    assert a.layers["fc1"].output_shape == (10,)
    assert a.total_params == 156 + 6 * 14 * 14 * 10 + 10
    assert design["conv1"].pos == (120.0, 40.0)


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_round_trip_is_byte_identical(name: str, tmp_path: Path) -> None:
    design = get_template(name)
    path = tmp_path / "d.cnn.json"
    save_design(design, path)
    first = path.read_bytes()
    again = load_design(path)
    save_design(again, path)
    assert path.read_bytes() == first
    assert json.loads(first)["layers"][0]["type"] == "Input"


def test_text_is_one_layer_per_line_with_fixed_key_order() -> None:
    design = load_design(FORMAT_PAGE_EXAMPLE)
    design.training = {"epochs": 3, "lr": 0.1}
    text = dumps_design(design)
    lines = text.splitlines()
    assert lines[1:4] == [
        '  "format": "cnnstudio-design",',
        '  "version": 1,',
        '  "name": "LeNet-5",',
    ]
    conv = next(line for line in lines if '"conv1"' in line and '"Conv"' in line)
    assert conv.strip().startswith(
        '{"id": "conv1", "type": "Conv", "inputs": ["input"], "params": '
    )
    assert json.loads(text)["training"] == {"epochs": 3, "lr": 0.1}


def test_save_is_atomic_and_keeps_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "net.cnn.json"
    design = get_template("lenet5")
    save_design(design, path)
    old = path.read_bytes()
    design.name = "Changed"
    save_design(design, path)
    assert (tmp_path / "net.cnn.json.bak").read_bytes() == old
    assert load_design(path).name == "Changed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.cnn.json", "net.cnn.json.bak"]


def test_unwritable_path_is_a_design_error(tmp_path: Path) -> None:
    with pytest.raises(DesignError, match="cannot be written"):
        save_design(get_template("lenet5"), tmp_path / "missing" / "x.cnn.json")
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "not valid JSON (line 1, column 2"),
        ("[1, 2]", "not a cnnstudio design (the document is not a JSON object)"),
        ('{"format": "other", "version": 1, "layers": []}', '"format" is "other"'),
        ('{"version": 1, "layers": []}', 'no "format" key'),
        ('{"format": "cnnstudio-design", "version": 1}', 'no "layers" list'),
        ('{"format": "cnnstudio-design", "version": 1, "layers": {}}', '"layers" is not a list'),
        (
            '{"format": "cnnstudio-design", "version": 7, "layers": []}',
            "newer cnnstudio (format version 7",
        ),
        (
            '{"format": "cnnstudio-design", "version": "1", "layers": []}',
            '"version" must be a positive',
        ),
        ('{"format": "cnnstudio-design", "version": 1, "layers": [3]}', "layer 1 is not an object"),
        (
            '{"format": "cnnstudio-design", "version": 1, "layers": [{"type": "ReLU"}]}',
            'layer 1 has no "id"',
        ),
        (
            '{"format": "cnnstudio-design", "version": 1, "layers": [{"id": "a", "type": "ReLU"},'
            ' {"id": "a", "type": "ReLU"}]}',
            "layer id 'a' is used twice",
        ),
        (
            '{"format": "cnnstudio-design", "version": 1, "layers": [{"id": "a", "type": "ReLU", '
            '"pos": [1]}]}',
            '"pos" must be [x, y]',
        ),
    ],
)
def test_not_a_design_is_refused_with_one_line(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.cnn.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DesignError) as info:
        load_design(path)
    assert message in str(info.value)
    assert str(info.value).startswith(str(path))
    assert "\n" not in str(info.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(DesignError, match="no such file"):
        load_design(tmp_path / "nope.cnn.json")
    (tmp_path / "bin.cnn.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DesignError, match="not a text file"):
        load_design(tmp_path / "bin.cnn.json")
    with pytest.raises(DesignError, match="is a folder"):
        load_design(tmp_path)


def test_rule_breaking_design_still_loads() -> None:
    doc = {
        "format": "cnnstudio-design",
        "version": 1,
        "layers": [
            {"id": "input", "type": "Input", "params": {"shape": [3, 4, 4]}},
            {"id": "fc", "type": "Dense", "inputs": ["input"], "params": {"out_features": "ten"}},
            {"id": "x", "type": "Teleporter", "inputs": ["fc"]},
        ],
    }
    design = loads_design(json.dumps(doc))
    a = analyze(design)
    assert [d.code for d in a.errors] == ["bad-param", "unknown-type"]
    # Unknown params and types survive a save: nothing the user wrote is lost.
    assert json.loads(dumps_design(design))["layers"] == doc["layers"]


def test_mutated_files_only_raise_design_error(tmp_path: Path) -> None:
    text = dumps_design(get_template("mini-inception"))
    path = tmp_path / "m.cnn.json"
    for cut in range(0, len(text), max(1, len(text) // 60)):
        path.write_text(text[:cut], encoding="utf-8")
        try:
            analyze(load_design(path))
        except DesignError as exc:
            assert str(exc).count("\n") == 0
    assert os.path.exists(path)


def test_saved_files_get_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "perm.cnn.json"
    old = os.umask(0o022)
    try:
        save_design(get_template("lenet5"), path)
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    save_design(get_template("lenet5"), path)
    assert path.stat().st_mode & 0o777 == 0o600
