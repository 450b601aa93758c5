"""The canvas gestures' graph rules, without a display: allowed connections, downstream, ids."""

from __future__ import annotations

import pytest

from cnnstudio.core.commands import History
from cnnstudio.core.design import Design, Layer
from cnnstudio.core.fileio import dumps_design
from cnnstudio.core.graph_rules import (
    connect_problem,
    default_layer,
    disconnect_edges,
    downstream,
)
from cnnstudio.core.templates import get_template


def _branches() -> Design:
    """input -> a -> (b, c) -> cat, so cat has two inputs."""
    return Design(
        [
            Layer("input", "Input", params={"shape": [1, 8, 8]}),
            Layer("a", "ReLU", ["input"]),
            Layer("b", "ReLU", ["a"]),
            Layer("c", "ReLU", ["a"]),
            Layer("cat", "Concat", ["b", "c"]),
        ]
    )


def test_connect_problem_refuses_self_feed_cycles_and_inputs() -> None:
    design = _branches()
    assert connect_problem(design, "a", "a") == "a block cannot feed itself"
    assert connect_problem(design, "cat", "a") == "connecting cat to a would make a loop"
    assert connect_problem(design, "b", "input") == "input is an Input layer and takes no inputs"
    assert connect_problem(design, "b", "c") is None
    assert connect_problem(design, "input", "cat") is None


def test_downstream_walks_every_consumer_once() -> None:
    design = _branches()
    assert downstream(design, ["a"]) == ["a", "b", "cat", "c"]
    assert set(downstream(design, ["b", "c"])) == {"b", "c", "cat"}
    assert downstream(design, ["cat"]) == ["cat"]


def test_default_layer_takes_the_spec_prefix_and_required_params() -> None:
    design = get_template("lenet5")
    conv = default_layer(design, "Conv", (10.0, 20.0))
    assert conv.id.startswith("conv") and conv.id not in design
    assert set(conv.params) == {"out_channels"} and conv.pos == (10.0, 20.0)
    assert default_layer(design, "GlobalMaxPool").id == "maxpool1"
    assert default_layer(design, "LeakyReLU").id == "leakyrelu1"
    with pytest.raises(ValueError, match="unknown layer type 'Nope'"):
        default_layer(design, "Nope")


def test_disconnect_edges_is_one_undo_step() -> None:
    design = _branches()
    history = History(design)
    before = dumps_design(design)
    history.push(disconnect_edges(design, [("b", "cat", 0), ("c", "cat", 1)]))
    assert design["cat"].inputs == []
    assert history.undo() and dumps_design(design) == before
    # A single edge removes every input from its source (a block fed twice by one source).
    twice = Design([*list(_branches())[:4], Layer("cat", "Concat", ["b", "b", "c"])])
    History(twice).push(disconnect_edges(twice, [("b", "cat", 1)]))
    assert twice["cat"].inputs == ["c"]
