"""Groups: the `group` path, format version 2, making and dissolving groups, shorthands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnnstudio.core.analysis import analyze
from cnnstudio.core.commands import History, SetGroups, paste_layers
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import dumps_design, loads_design
from cnnstudio.core.groups import (
    common_group,
    group_members,
    group_problem,
    grouping,
    summarize,
    ungrouping,
)
from cnnstudio.core.templates import get_template

DATA = Path(__file__).parent / "data"


def test_a_version_1_file_loads_unchanged_and_is_written_back_as_version_1() -> None:
    text = (DATA / "mini-inception-v1.cnn.json").read_text(encoding="utf-8")
    design = loads_design(text)
    assert all(layer.group is None for layer in design)
    again = dumps_design(design)
    assert json.loads(again)["version"] == 1
    assert dumps_design(loads_design(again)) == again


def test_groups_are_written_as_version_2_and_read_back() -> None:
    design = get_template("resnet50")
    text = dumps_design(design)
    doc = json.loads(text)
    assert doc["version"] == 2
    by_id = {layer["id"]: layer for layer in doc["layers"]}
    assert by_id["layer3_4_conv2"]["group"] == "layer3.4"
    assert "group" not in by_id["fc"]
    back = loads_design(text)
    assert back["layer3_4_conv2"].group == "layer3.4"
    assert dumps_design(back) == text


@pytest.mark.parametrize("bad", ['"layer 2"', '"a..b"', "3", '""', '".a"'])
def test_a_bad_group_is_refused_with_one_line(bad: str) -> None:
    text = (
        '{"format": "cnnstudio-design", "version": 2, "layers": '
        f'[{{"id": "input", "type": "Input", "params": {{"shape": [1, 8, 8]}}, "group": {bad}}}]}}'
    )
    with pytest.raises(DesignError, match=r"layer 'input': \"group\" must be") as caught:
        loads_design(text)
    assert "\n" not in str(caught.value)


def test_a_newer_version_than_the_programs_is_refused() -> None:
    with pytest.raises(DesignError, match="reads up to 3"):
        loads_design('{"format": "cnnstudio-design", "version": 4, "layers": []}')


def test_group_rules() -> None:
    assert group_problem("layer2.0") is None
    assert group_problem("layer2.") is not None
    assert common_group(["layer2.0", "layer2.1"]) == "layer2"
    assert common_group(["layer2.0", "layer3.0"]) is None
    assert common_group(["layer2.0", None]) is None


def test_grouping_and_ungrouping_are_one_undo_step_each() -> None:
    design = get_template("resnet18")
    history = History(design)
    before = dumps_design(design)
    ids = [lid for lid in design.layers if lid.startswith(("layer2_0_", "layer2_1_"))]
    history.push(SetGroups(grouping(design, ids)))
    assert {design[lid].group for lid in ids} == {"layer2.group1.0", "layer2.group1.1"}
    assert "layer2.group1" in group_members(design)
    history.push(SetGroups(ungrouping(design, "layer2.group1"), label="Ungroup"))
    assert dumps_design(design) == before
    history.undo()
    assert design["layer2_0_conv1"].group == "layer2.group1.0"
    history.undo()
    assert dumps_design(design) == before


def test_grouping_ungrouped_layers_makes_a_top_level_group() -> None:
    design = get_template("lenet5")
    changes = grouping(design, ["conv1", "relu1"])
    assert changes == {"conv1": "group1", "relu1": "group1"}
    assert grouping(design, ["conv1"], name="features") == {"conv1": "features"}


def test_a_pasted_group_becomes_a_new_sibling_group() -> None:
    design = get_template("resnet18")
    block = [design[lid] for lid, lay in design.layers.items() if lay.group == "layer1.1"]
    History(design).push(paste_layers(design, block))
    groups = group_members(design)
    assert len(groups["layer1.1_copy1"]) == len(block)
    assert len(groups["layer1.1"]) == len(block)


@pytest.mark.parametrize(
    ("template", "path", "shorthand"),
    [
        ("resnet50", "layer1", "Bottleneck 256 x3"),
        ("resnet50", "layer3.2", "Bottleneck 1024"),
        ("resnet18", "layer4", "Basic block 512 x2"),
        ("mini-inception", "inception3a", "Inception 3a"),
        ("vgg16", "features.block3", "Conv 3x3 256 x3 + pool"),
    ],
)
def test_a_folded_group_shows_the_lecture_name_and_its_numbers(
    template: str, path: str, shorthand: str
) -> None:
    design = get_template(template)
    analysis = analyze(design)
    members = group_members(design)[path]
    summary = summarize(design, analysis, path, members)
    assert summary.shorthand == shorthand
    assert summary.params == sum(analysis.layers[m].params for m in members)
    assert summary.macs == sum(analysis.layers[m].macs for m in members)
    assert summary.errors == ()


def test_a_folded_group_carries_the_errors_inside() -> None:
    design = get_template("resnet18")
    design["layer3_1_conv1"].params["kernel_size"] = 40
    analysis = analyze(design)
    summary = summarize(design, analysis, "layer3", group_members(design)["layer3"])
    assert [d.layer for d in summary.errors if d.severity == "error"] == ["layer3_1_conv1"]
    assert summary.unknown > 0
    assert summary.output_shapes == (None,)
