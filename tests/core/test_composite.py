"""Composite blocks: a group saved as a block, written, read back, and put into other designs
with fresh ids as one undo step; the library of block files and what it does with bad ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnnstudio.core.analysis import analyze
from cnnstudio.core.block_library import SUFFIX, BlockLibrary
from cnnstudio.core.commands import History
from cnnstudio.core.composite import (
    CompositeError,
    add_block,
    append_block_after,
    block_from_group,
    dumps_block,
    insert_block_between,
    loads_block,
)
from cnnstudio.core.fileio import dumps_design
from cnnstudio.core.groups import group_members
from cnnstudio.core.templates import get_template


@pytest.fixture(scope="module")
def basic_down():
    """ResNet-18's first downsampling block: a shortcut beside two convolutions."""
    return block_from_group(get_template("resnet18"), "layer2.0", "Basic down")


def test_a_group_becomes_a_block_with_one_entry_one_exit_and_relative_places(basic_down):
    design = get_template("resnet18")
    members = group_members(design)["layer2.0"]
    block = basic_down
    assert [lay.id for lay in block.inner()] == members
    entry = block.entry
    assert block.design[entry].type == "Input"
    assert block.design[entry].params == {"shape": [64, 56, 56]}
    # Both the main path and the shortcut start at the entry.
    assert [lay.id for lay in block.inner() if entry in lay.inputs] == [
        "layer2_0_conv1",
        "layer2_0_downsample_conv",
    ]
    assert block.exit == "layer2_0_relu"
    xs = [lay.pos[0] for lay in block.inner() if lay.pos]
    ys = [lay.pos[1] for lay in block.inner() if lay.pos]
    assert min(xs) == 0 and min(ys) == 0
    assert all(lay.group is None for lay in block.inner())  # the group itself is the block
    for lay in block.inner():
        assert lay.params == design[lay.id].params


def test_sub_groups_are_kept_relative_to_the_saved_group() -> None:
    block = block_from_group(get_template("resnet18"), "layer3", "Stage")
    assert {lay.group for lay in block.inner()} == {"0", "1"}


def test_round_trip_is_stable_and_loses_nothing(basic_down) -> None:
    text = dumps_block(basic_down)
    again = loads_block(text)
    assert again.name == "Basic down"
    assert dumps_block(again) == text
    assert dumps_design(again.design) == dumps_design(basic_down.design)
    doc = json.loads(text)
    assert doc["format"] == "cnnstudio-block" and doc["version"] == 1
    assert doc["design"]["format"] == "cnnstudio-design"


@pytest.mark.parametrize(
    ("ids", "why"),
    [
        (["input", "conv1"], "holds the network's Input"),
        (["conv1", "conv2"], "2 inputs"),
        # The head: one entry, and the network's output as its exit.
        (["fc1", "relu3", "fc2", "relu4", "fc3"], None),
    ],
)
def test_only_a_group_shaped_like_one_block_can_be_saved(ids, why) -> None:
    from cnnstudio.core.commands import SetGroups

    design = get_template("lenet5")
    SetGroups(dict.fromkeys(ids, "g")).do(design)
    if why is None:
        assert block_from_group(design, "g", "Head").exit == "fc3"
        return
    with pytest.raises(CompositeError, match=why) as info:
        block_from_group(design, "g", "x")
    assert "\n" not in str(info.value)


def test_a_group_with_two_outputs_is_refused() -> None:
    from cnnstudio.core.commands import SetGroups

    design = get_template("resnet18")
    # The stem's maxpool feeds both the first block's main path and its shortcut: grouping the
    # maxpool with only the main path's conv leaves two outputs.
    SetGroups({"maxpool": "g", "layer1_0_conv1": "g"}).do(design)
    with pytest.raises(CompositeError, match="2 outputs"):
        block_from_group(design, "g", "x")


def test_inserted_after_a_layer_with_fresh_ids_shapes_follow_and_one_undo_removes_it(
    basic_down,
) -> None:
    design = get_template("lenet5")
    history = History(design)
    before = dumps_design(design)
    command, placed = append_block_after(design, basic_down, "pool1", (10, 500))
    history.push(command)
    new = {lay.id for lay in placed.layers}
    assert len(design) == 13 + len(basic_down.inner())
    assert all(design[lid].group == "Basic_down" for lid in new)
    assert design["conv2"].inputs == [placed.exit]
    fed = [lay for lay in placed.layers if "pool1" in lay.inputs]
    assert len(fed) == 2  # the main path and the shortcut both come from pool1
    analysis = analyze(design)
    assert analysis.layers[placed.exit].output_shape == (128, 7, 7)  # from 6x14x14 now
    assert analysis.layers["layer2_0_conv1"].params == 128 * 6 * 9  # no bias; 6 channels in
    assert design["layer2_0_conv1"].pos == (10, 500)
    # A second copy gets its own ids and group.
    command2, placed2 = append_block_after(design, basic_down, placed.exit)
    history.push(command2)
    assert not new & {lay.id for lay in placed2.layers}
    assert placed2.group == "Basic_down1"
    history.undo()
    history.undo()
    assert dumps_design(design) == before


def test_inserted_on_a_connection_and_dropped_unconnected(basic_down) -> None:
    design = get_template("lenet5")
    command, placed = insert_block_between(design, basic_down, "conv2", 0)
    command.do(design)
    assert design["conv2"].inputs == [placed.exit]
    assert any(lay.inputs == ["pool1"] for lay in placed.layers)
    command.undo(design)
    command, placed = add_block(design, basic_down, (0, 0))
    command.do(design)
    assert not any(
        src not in {lay.id for lay in placed.layers} for lay in placed.layers for src in lay.inputs
    )


def test_inserted_inside_a_group_nests_there(basic_down) -> None:
    design = get_template("resnet18")
    command, placed = append_block_after(design, basic_down, "layer3_0_relu1")
    command.do(design)
    assert placed.group == "layer3.0.Basic_down"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{", "not valid JSON"),
        ('{"format": "cnnstudio-design"}', "not a cnnstudio block"),
        ('{"format": "cnnstudio-block", "version": 9, "name": "x"}', "newer"),
        ('{"format": "cnnstudio-block", "version": 1, "name": ""}', "needs a name"),
        ('{"format": "cnnstudio-block", "version": 1, "name": "x", "design": 3}', "not a"),
    ],
)
def test_a_bad_block_text_is_refused_in_one_line(text: str, why: str) -> None:
    with pytest.raises(CompositeError, match=why) as info:
        loads_block(text, "b.cnnblock.json")
    assert str(info.value).startswith("b.cnnblock.json") or why == "needs a name"
    assert "\n" not in str(info.value)


def test_a_block_must_be_closed_and_have_one_entry(basic_down) -> None:
    doc = json.loads(dumps_block(basic_down))
    doc["design"]["layers"][2]["inputs"] = ["elsewhere"]
    with pytest.raises(CompositeError, match="elsewhere"):
        loads_block(json.dumps(doc))
    doc = json.loads(dumps_block(basic_down))
    doc["design"]["layers"][0]["type"] = "ReLU"
    with pytest.raises(CompositeError, match="exactly one Input"):
        loads_block(json.dumps(doc))


def test_library_saves_renames_deletes_and_keeps_bad_files_aside(
    tmp_path: Path, basic_down
) -> None:
    folder = tmp_path / "blocks"
    library = BlockLibrary(folder)
    assert library.load() == []  # no folder yet: an empty library
    library.save(basic_down)
    assert [p.name for p in folder.iterdir()] == ["Basic_down" + SUFFIX]
    (folder / ("broken" + SUFFIX)).write_text("{not json", encoding="utf-8")
    (folder / ("binary" + SUFFIX)).write_bytes(b"\xff\xfe\x00")
    fresh = BlockLibrary(folder)
    problems = fresh.load()
    assert fresh.names() == ["Basic down"]
    assert len(problems) == 2 and all("\n" not in p for p in problems)
    assert any("binary" in p and "UTF-8" in p for p in problems)
    assert (folder / ("broken" + SUFFIX + ".bad")).read_text(encoding="utf-8") == "{not json"
    assert fresh.load() == []  # kept aside: the next start is quiet
    fresh.rename("Basic down", "Down 128")
    assert sorted(p.name for p in folder.glob("*" + SUFFIX)) == ["Down_128" + SUFFIX]
    assert BlockLibrary(folder).load() == [] and fresh.find("down 128") is not None
    with pytest.raises(CompositeError, match="needs a name"):
        fresh.rename("Down 128", "  ")
    fresh.delete("Down 128")
    assert list(folder.glob("*" + SUFFIX)) == []


def test_the_documented_example_is_a_block() -> None:
    root = Path(__file__).resolve().parents[2]
    text = (root / "docs" / "design-format.md").read_text(encoding="utf-8")
    example = text.split("## Composite blocks", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    block = loads_block(example, "docs")
    assert (block.entry, block.exit, len(block.inner())) == ("entry1", "relu", 2)
