"""Every edit is an undoable command; undo returns the identical document."""

from __future__ import annotations

from cnnstudio.core.commands import (
    MISSING,
    AddLayer,
    History,
    Macro,
    MoveLayers,
    RenameLayer,
    SetFrozen,
    SetLabel,
    SetMeta,
    SetParam,
    append_after,
    connect,
    disconnect,
    insert_between,
    paste_layers,
    remove_layers,
)
from cnnstudio.core.design import Layer
from cnnstudio.core.fileio import dumps_design
from cnnstudio.core.layout import auto_layout
from cnnstudio.core.templates import get_template


def _roundtrip(history: History, *commands) -> None:
    design = history.design
    start = dumps_design(design)
    states = [start]
    for make in commands:
        # Gesture helpers read the design, so each command is made when its turn comes.
        history.push(make())
        states.append(dumps_design(design))
    for expected in reversed(states[:-1]):
        assert history.undo()
        assert dumps_design(design) == expected
    for expected in states[1:]:
        assert history.redo()
        assert dumps_design(design) == expected


def test_every_command_undoes_and_redoes_exactly() -> None:
    design = get_template("lenet5")
    h = History(design)
    _roundtrip(
        h,
        lambda: AddLayer(Layer("drop", "Dropout", ["fc1"], {"p": 0.3}, pos=(10, 20))),
        lambda: SetParam("conv1", "kernel_size", 3),
        lambda: SetParam("conv1", "padding", MISSING),
        lambda: connect(design, "drop", "relu3"),
        lambda: disconnect(design, "drop", "relu3"),
        lambda: MoveLayers({"conv1": (5.0, 6.0), "relu1": (7.0, 8.0)}),
        lambda: SetFrozen("conv2", True),
        lambda: SetLabel("conv2", "features"),
        lambda: RenameLayer("fc3", "logits"),
        lambda: SetMeta({"name": "Renamed", "training": {"epochs": 2}}),
        lambda: remove_layers(["relu2", "pool2"]),
        lambda: insert_between(design, Layer("bn", "BatchNorm"), "relu1"),
        lambda: append_after(design, Layer("sm", "Softmax"), "fc2"),
        lambda: paste_layers(design, [design["conv1"], design["relu1"]]),
        lambda: MoveLayers(dict(auto_layout(design)), label="Auto layout"),
    )


def test_remove_bridges_a_chain_and_restores_on_undo() -> None:
    design = get_template("lenet5")
    h = History(design)
    h.push(remove_layers(["relu1", "pool1"]))
    assert design["conv2"].inputs == ["conv1"]
    h.undo()
    assert design["conv2"].inputs == ["pool1"]


def test_consecutive_edits_of_one_param_merge() -> None:
    design = get_template("lenet5")
    h = History(design)
    before = dumps_design(design)
    for k in (3, 4, 5, 7):
        h.push(SetParam("conv1", "kernel_size", k))
    h.push(SetParam("conv1", "stride", 2))
    assert h.undo_label == "Set conv1.stride"
    h.undo()
    h.undo()
    assert dumps_design(design) == before
    assert not h.can_undo


def test_merge_stops_at_a_break_and_at_the_saved_point() -> None:
    design = get_template("lenet5")
    h = History(design)
    h.push(SetParam("conv1", "kernel_size", 3))
    h.break_merge()
    h.push(SetParam("conv1", "kernel_size", 4))
    h.mark_clean()
    h.push(SetParam("conv1", "kernel_size", 5))
    assert not h.is_clean
    h.undo()
    assert h.is_clean and design["conv1"].params["kernel_size"] == 4
    h.undo()
    assert design["conv1"].params["kernel_size"] == 3
    assert not h.is_clean


def test_paste_gives_fresh_ids_and_keeps_inner_connections() -> None:
    design = get_template("lenet5")
    h = History(design)
    h.push(paste_layers(design, [design["conv1"].copy(), design["relu1"].copy()]))
    assert design["conv3"].inputs == []
    assert design["relu5"].inputs == ["conv3"]
    assert design["conv3"].pos == (design["conv1"].pos[0] + 40, design["conv1"].pos[1] + 40)


def test_macro_is_one_step_and_listeners_hear_every_change() -> None:
    design = get_template("lenet5")
    events = []
    design.subscribe(events.append)
    h = History(design)
    changes = []
    h.subscribe(lambda: changes.append(h.can_undo))
    h.push(Macro("two", [SetParam("conv1", "stride", 2), SetParam("conv2", "stride", 2)]))
    assert [e.kind for e in events] == ["param_changed", "param_changed"]
    assert changes == [True]
    h.undo()
    assert not h.can_undo
