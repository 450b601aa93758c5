"""Fixed weights (format version 3): loading, saving, versions, the analysis' checks, undo."""

from __future__ import annotations

import json

import numpy as np
import pytest

from cnnstudio.core.analysis import analyze
from cnnstudio.core.commands import History, SetParam, fix_command
from cnnstudio.core.design import Design, Layer
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import dumps_design, loads_design
from cnnstudio.core.fixed_weights import MAX_FIXED_VALUES, nested_shape, weights_problem
from cnnstudio.core.lab import LabError, frozen_conv, kernel_preset

SOBEL = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]


def _design(channels: int = 1, **extra: object) -> Design:
    layers = [
        Layer("input", "Input", params={"shape": [channels, 8, 8]}, pos=(0.0, 0.0)),
        Layer("conv1", "Conv", ["input"], {"out_channels": 4}),
        Layer("flat", "Flatten", ["conv1"]),
        Layer("fc", "Dense", ["flat"], {"out_features": 3}),
    ]
    return Design(layers, name="tiny", **extra)  # type: ignore[arg-type]


def test_nested_shapes() -> None:
    assert nested_shape([[[1, 2], [3, 4]]]) == (1, 2, 2)
    assert nested_shape(2.5) == ()
    assert nested_shape([[1, 2], [3]]) is None  # ragged
    assert nested_shape([[1, "2"]]) is None
    assert nested_shape([[True]]) is None  # JSON true is not a number
    assert nested_shape([]) is None


def test_a_design_with_fixed_weights_is_written_as_version_3_and_reads_back() -> None:
    design = _design()
    assert json.loads(dumps_design(design))["version"] == 1
    command, new_id = frozen_conv(design, analyze(design), SOBEL, "input", padding=1)
    command.do(design)
    text = dumps_design(design)
    assert json.loads(text)["version"] == 3
    again = loads_design(text)
    assert again[new_id].weights == {
        "weight": [[[[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]]]]
    }
    assert again[new_id].frozen
    assert dumps_design(again) == text  # stable


def test_groups_alone_still_write_version_2() -> None:
    design = _design()
    design.set_group("conv1", "stem")
    assert json.loads(dumps_design(design))["version"] == 2


@pytest.mark.parametrize(
    ("weights", "why"),
    [
        ([1, 2], "must be an object"),
        ({}, "must be an object"),
        ({"weight": [[1, 2], [3]]}, "rows of equal length"),
        ({"weight": "abc"}, "nested list of numbers"),
        ({"1x": [1.0]}, "not a name"),
        ({"weight": [0.0] * (MAX_FIXED_VALUES + 1)}, "more than the 65,536"),
    ],
)
def test_a_bad_weights_value_is_refused_in_one_line(weights: object, why: str) -> None:
    doc = {
        "format": "cnnstudio-design",
        "version": 3,
        "layers": [
            {"id": "input", "type": "Input", "params": {"shape": [1, 8, 8]}},
            {"id": "c", "type": "Conv", "inputs": ["input"], "params": {"out_channels": 1},
             "weights": weights},
        ],
    }  # fmt: skip
    assert weights_problem(weights) is not None
    with pytest.raises(DesignError, match=why) as caught:
        loads_design(json.dumps(doc))
    assert "layer 'c'" in str(caught.value) and "\n" not in str(caught.value)


def test_weights_that_no_longer_fit_are_an_error_with_a_one_click_fix() -> None:
    design = _design()
    command, new_id = frozen_conv(design, analyze(design), SOBEL, "input")
    history = History(design)
    history.push(command)
    assert analyze(design).valid
    # The input gains channels: the 1-channel filter no longer fits.
    history.push(SetParam("input", "shape", [3, 8, 8]))
    analysis = analyze(design)
    (error,) = [e for e in analysis.errors if e.code == "bad-fixed-weights"]
    assert error.message == f"{new_id}: the fixed weight is 1x1x3x3, the layer's weight is 1x3x3x3"
    assert error.fix is not None
    history.push(fix_command(design, error.fix))
    assert design[new_id].weights is None and analyze(design).valid
    history.undo()
    assert design[new_id].weights is not None


def test_weights_on_a_type_without_parameters_or_a_wrong_name() -> None:
    design = _design()
    design.set_weights("flat", {"weight": [1.0]})
    design.set_weights("fc", {"kernel": [1.0]})
    messages = sorted(e.message for e in analyze(design).errors)
    assert messages == [
        "fc: fixed weights name 'kernel', which the layer has not (it has weight, bias)",
        "flat: a Flatten has no parameters whose values a design can fix",
    ]


def test_frozen_conv_on_several_channels_reads_their_mean() -> None:
    design = _design(channels=3)
    blur = kernel_preset("gaussian_blur").array()
    command, new_id = frozen_conv(
        design, analyze(design), blur, "input", stride=2, padding=1, bias=0.5, name="gaussian_blur"
    )
    command.do(design)
    layer = design[new_id]
    assert new_id.startswith("gaussian_blur") and layer.frozen
    assert layer.params == {"out_channels": 1, "kernel_size": [3, 3], "stride": 2, "padding": 1}
    weight = np.array(layer.weights["weight"])  # type: ignore[index]
    assert weight.shape == (1, 3, 3, 3)
    np.testing.assert_allclose(weight[0].sum(axis=0), blur)
    assert layer.weights["bias"] == [0.5]  # type: ignore[index]
    assert design["conv1"].inputs == [new_id]  # wired in after the input
    assert analyze(design).layers[new_id].output_shape == (1, 4, 4)


def test_frozen_conv_refuses_in_words() -> None:
    design = _design(channels=3)
    analysis = analyze(design)
    with pytest.raises(LabError, match="not an image"):
        frozen_conv(design, analysis, SOBEL, "fc")
    with pytest.raises(LabError, match="outputs 3 channels"):
        frozen_conv(design, analysis, np.ones((2, 3, 3)), "input")
    with pytest.raises(LabError, match="padding mode"):
        frozen_conv(design, analysis, SOBEL, "input", padding_mode="mirror")


@pytest.mark.parametrize(
    ("mode", "padding", "ok"),
    [("reflect", 7, True), ("reflect", 8, False), ("circular", 8, True), ("circular", 9, False),
     ("replicate", 20, True), ("zeros", 20, True)],
)  # fmt: skip
def test_conv_padding_modes_follow_torchs_limits(mode: str, padding: int, ok: bool) -> None:
    design = _design()
    design.set_param("conv1", "padding_mode", mode)
    design.set_param("conv1", "padding", padding)
    analysis = analyze(design)
    errors = [e.message for e in analysis.layers["conv1"].errors]
    assert (not errors) == ok, errors
    if not ok:
        assert errors[0].startswith(f"conv1: {mode} padding of {padding} on an input of size 8")
