"""The layer catalog verified by torch: every spec's shapes and counts against a real module.

Each layer type is built in small designs (images, sequences and vectors, with the parameter
variants that change the arithmetic) and compared layer by layer with the analysis. Property
tests do the same for random valid designs and check that broken ones are reported, never
raised.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from hypothesis import given, settings

from cnnstudio.core.analysis import analyze
from cnnstudio.core.catalog import SPECS
from cnnstudio.core.design import Design, Layer
from cnnstudio.core.errors import DesignInvalidError
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.codegen import generate_code

from .strategies import (
    MUTATIONS,
    assert_matches_torch,
    broken_designs,
    examples,
    garbage_designs,
    valid_designs,
)

IMAGE, SEQUENCE, VECTOR = [3, 9, 8], [4, 11], [6]


def single(type_: str, shape: list[int], params: dict[str, Any] | None = None, **kw: Any) -> Design:
    """Input -> one layer of ``type_``."""
    return Design(
        [
            Layer("input", "Input", params={"shape": shape}),
            Layer("layer", type_, ["input"], dict(params or {}), frozen=kw.get("frozen", False)),
        ],
        name=f"{type_} test",
    )


def merge(type_: str, shape: list[int], params: dict[str, Any], widths: list[int]) -> Design:
    """Input -> parallel branches (a 1x1 Conv / Dense of each width, or ReLU for 0) -> merge."""
    layers = [Layer("input", "Input", params={"shape": shape})]
    names = []
    for i, width in enumerate(widths):
        name = f"branch{i}"
        if width == 0:
            layers.append(Layer(name, "ReLU", ["input"]))
        elif len(shape) == 1:
            layers.append(Layer(name, "Dense", ["input"], {"out_features": width}))
        else:
            layers.append(Layer(name, "Conv", ["input"], {"out_channels": width, "kernel_size": 1}))
        names.append(name)
    layers.append(Layer("merged", type_, names, params))
    return Design(layers, name=f"{type_} test")


CASES: list[tuple[str, Design]] = [
    ("conv 3x3", single("Conv", IMAGE, {"out_channels": 4})),
    ("conv 1d", single("Conv", SEQUENCE, {"out_channels": 2, "kernel_size": 3, "stride": 2})),
    (
        "conv per-axis",
        single(
            "Conv",
            IMAGE,
            {"out_channels": 5, "kernel_size": [3, 1], "stride": [2, 1], "padding": [1, 0]},
        ),
    ),
    (
        "conv same dilated",
        single("Conv", IMAGE, {"out_channels": 2, "padding": "same", "dilation": 2}),
    ),
    (
        "conv same even",
        single("Conv", SEQUENCE, {"out_channels": 3, "kernel_size": 4, "padding": "same"}),
    ),
    (
        "conv valid",
        single(
            "Conv", IMAGE, {"out_channels": 2, "kernel_size": 2, "padding": "valid", "stride": 2}
        ),
    ),
    ("conv groups", single("Conv", [4, 6, 6], {"out_channels": 6, "groups": 2, "bias": False})),
    ("conv depthwise", single("Conv", [4, 6, 6], {"out_channels": 4, "groups": 4, "padding": 1})),
    (
        "conv dilated 1d",
        single(
            "Conv", SEQUENCE, {"out_channels": 2, "kernel_size": 3, "dilation": 3, "padding": 2}
        ),
    ),
    ("conv frozen", single("Conv", IMAGE, {"out_channels": 2}, frozen=True)),
    (
        "conv odd stride floor",
        single("Conv", [1, 10, 7], {"out_channels": 1, "kernel_size": 3, "stride": 3}),
    ),
    (
        "conv reflect",
        single("Conv", IMAGE, {"out_channels": 2, "padding": 2, "padding_mode": "reflect"}),
    ),
    (
        "conv circular same",
        single("Conv", IMAGE, {"out_channels": 2, "padding": "same", "padding_mode": "circular"}),
    ),
    (
        "conv replicate 1d",
        single("Conv", SEQUENCE, {"out_channels": 2, "padding": 3, "padding_mode": "replicate"}),
    ),
    ("maxpool", single("MaxPool", IMAGE)),
    ("maxpool padded", single("MaxPool", IMAGE, {"kernel_size": 3, "stride": 1, "padding": 1})),
    ("maxpool per-axis", single("MaxPool", IMAGE, {"kernel_size": [2, 3], "stride": [1, 2]})),
    ("maxpool 1d", single("MaxPool", SEQUENCE, {"kernel_size": 3, "stride": 2})),
    ("avgpool", single("AvgPool", IMAGE, {"kernel_size": 3, "padding": 1})),
    ("avgpool 1d", single("AvgPool", SEQUENCE, {"kernel_size": 2, "stride": 1})),
    ("minpool", single("MinPool", IMAGE, {"kernel_size": 2, "stride": 1})),
    ("minpool 1d", single("MinPool", SEQUENCE, {"kernel_size": 3, "padding": 1})),
    ("global avg", single("GlobalAvgPool", IMAGE)),
    ("global avg 1d", single("GlobalAvgPool", SEQUENCE)),
    ("global max", single("GlobalMaxPool", IMAGE)),
    ("global max 1d", single("GlobalMaxPool", SEQUENCE)),
    ("dense", single("Dense", VECTOR, {"out_features": 5})),
    ("dense no bias", single("Dense", VECTOR, {"out_features": 3, "bias": False})),
    ("dense frozen", single("Dense", VECTOR, {"out_features": 3}, frozen=True)),
    ("flatten image", single("Flatten", IMAGE)),
    ("flatten sequence", single("Flatten", SEQUENCE)),
    ("flatten vector", single("Flatten", VECTOR)),
    ("dropout", single("Dropout", IMAGE, {"p": 0.3})),
    ("batchnorm 2d", single("BatchNorm", IMAGE, {"eps": 1e-3, "momentum": 0.2})),
    ("batchnorm 1d", single("BatchNorm", SEQUENCE)),
    ("batchnorm vector", single("BatchNorm", VECTOR)),
    ("batchnorm frozen", single("BatchNorm", IMAGE, frozen=True)),
    ("relu", single("ReLU", IMAGE)),
    ("leaky relu", single("LeakyReLU", SEQUENCE, {"negative_slope": 0.2})),
    ("elu", single("ELU", VECTOR, {"alpha": 0.5})),
    ("gelu", single("GELU", IMAGE)),
    ("sigmoid", single("Sigmoid", SEQUENCE)),
    ("tanh", single("Tanh", VECTOR)),
    ("softmax vector", single("Softmax", VECTOR)),
    ("softmax channels", single("Softmax", IMAGE, {"dim": 0})),
    ("softmax last axis", single("Softmax", IMAGE, {"dim": -1})),
    ("add", merge("Add", IMAGE, {}, [3, 3])),
    ("add three", merge("Add", SEQUENCE, {}, [4, 0, 4])),
    ("add vectors", merge("Add", VECTOR, {}, [2, 2])),
    ("concat channels", merge("Concat", IMAGE, {}, [2, 5, 0])),
    ("concat width", merge("Concat", IMAGE, {"dim": -1}, [0, 3])),
    ("concat height", merge("Concat", IMAGE, {"dim": 1}, [3, 0])),
    ("concat sequence", merge("Concat", SEQUENCE, {"dim": 1}, [4, 0])),
    ("concat vectors", merge("Concat", VECTOR, {}, [2, 3])),
    (
        "maxpool ceil",
        single("MaxPool", [2, 7, 9], {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    ),
    (
        "avgpool ceil padded",
        single(
            "AvgPool", [2, 8, 5], {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True}
        ),
    ),
    ("minpool ceil 1d", single("MinPool", SEQUENCE, {"kernel_size": 2, "ceil_mode": True})),
    ("silu", single("SiLU", IMAGE)),
    ("hardswish", single("Hardswish", SEQUENCE)),
    ("hardsigmoid", single("Hardsigmoid", VECTOR)),
    ("relu6", single("ReLU6", IMAGE)),
    ("identity", single("Identity", IMAGE)),
    ("mul", merge("Mul", IMAGE, {}, [3, 3])),
    ("mul three vectors", merge("Mul", VECTOR, {}, [2, 2, 2])),
    ("adaptive avg 1", single("AdaptiveAvgPool", IMAGE)),
    ("adaptive avg up", single("AdaptiveAvgPool", IMAGE, {"output_size": [12, 5]})),
    ("adaptive avg 1d", single("AdaptiveAvgPool", SEQUENCE, {"output_size": 4})),
    ("adaptive max", single("AdaptiveMaxPool", IMAGE, {"output_size": 3})),
    ("layernorm sample", single("LayerNorm", SEQUENCE)),
    ("layernorm vector", single("LayerNorm", VECTOR, {"eps": 1e-6})),
    ("layernorm channels", single("LayerNorm", IMAGE, {"channels": True})),
    ("layernorm no affine", single("LayerNorm", IMAGE, {"channels": True, "affine": False})),
    ("stochastic depth", single("StochasticDepth", IMAGE, {"p": 0.3, "mode": "batch"})),
    ("channel shuffle", single("ChannelShuffle", [6, 4, 4], {"groups": 3})),
    ("chunk channels", single("Chunk", [5, 4, 4], {"chunks": 2, "index": 1})),
    ("chunk width", single("Chunk", IMAGE, {"chunks": 3, "index": 0, "dim": -1})),
    ("reshape", single("Reshape", IMAGE, {"shape": [27, 8]})),
    ("permute channels last", single("Permute", IMAGE, {"dims": [1, 2, 0]})),
    ("permute sequence", single("Permute", SEQUENCE, {"dims": [1, 0]})),
    (
        "opaque conv",
        single(
            "Opaque",
            IMAGE,
            {
                "module": "torch.nn.modules.conv.Conv2d",
                "args": "3, 4, kernel_size=3",
                "input_shape": IMAGE,
                "output_shape": [4, 7, 6],
                "param_count": 112,
                "macs": 4 * 7 * 6 * 27,
            },
        ),
    ),
]


@pytest.mark.parametrize(("name", "design"), CASES, ids=[c[0] for c in CASES])
def test_layer_matches_torch(name: str, design: Design) -> None:
    assert_matches_torch(design)


def test_every_layer_type_is_verified() -> None:
    covered = {lay.type for _, design in CASES for lay in design}
    assert covered == set(SPECS)


def test_mul_broadcasts_a_per_channel_scale() -> None:
    design = Design(
        [
            Layer("input", "Input", params={"shape": IMAGE}),
            Layer("scale", "AdaptiveAvgPool", ["input"]),
            Layer("gate", "Sigmoid", ["scale"]),
            Layer("out", "Mul", ["input", "gate"]),
        ]
    )
    assert analyze(design).layers["out"].output_shape == tuple(IMAGE)
    assert_matches_torch(design)
    broken = design.clone()
    broken["out"].inputs = ["input", "input", "gate"]
    broken["scale"].params = {"output_size": 2}
    message = analyze(broken).errors[0].message
    assert "agree on every axis" in message and "scale" not in message.split(":")[0]


def test_channel_shuffle_matches_torchvision() -> None:
    from torchvision.models.shufflenetv2 import channel_shuffle

    model = build_model(single("ChannelShuffle", [6, 2, 2], {"groups": 3})).eval()
    x = torch.randn(2, 6, 2, 2)
    assert torch.equal(model(x), channel_shuffle(x, 3))


@pytest.mark.parametrize("dims", [[1, 2, 0], [2, 0, 1], [0, 2, 1], [0, 1, 2]])
def test_permute_moves_the_values_as_torch_permute(dims: list[int]) -> None:
    design = single("Permute", IMAGE, {"dims": dims})
    x = torch.randn(2, *IMAGE)
    out = build_model(design).eval()(x)
    torch.testing.assert_close(out, x.permute(0, *(d + 1 for d in dims)), rtol=0, atol=0)
    info = analyze(design).layers["layer"]
    assert info.output_shape == tuple(out.shape[1:])
    assert info.params == 0 and info.macs == 0


def test_permute_refuses_dims_that_are_not_an_order_of_the_axes() -> None:
    for dims in ([1, 1, 0], [1, 0], [0, 1, 3]):
        errors = analyze(single("Permute", IMAGE, {"dims": dims})).errors
        assert [e.message for e in errors] == [
            f"layer: dims {','.join(map(str, dims))} must list each axis of the 3x9x8 input "
            "once: 0, 1, 2 in some order"
        ]


def test_reshape_reads_the_values_in_order() -> None:
    design = single("Reshape", IMAGE, {"shape": [27, 8]})
    x = torch.randn(2, *IMAGE)
    torch.testing.assert_close(build_model(design).eval()(x), x.reshape(2, 27, 8))


def test_stochastic_depth_is_identity_in_eval() -> None:
    model = build_model(single("StochasticDepth", IMAGE, {"p": 0.9})).eval()
    x = torch.randn(2, *IMAGE)
    assert torch.equal(model(x), x)


def window_min(x: torch.Tensor, k: int, s: int) -> torch.Tensor:
    """The minimum of each k x k window (stride s), computed without pooling."""
    patches = x.unfold(2, k, s).unfold(3, k, s)
    return patches.amin(dim=(-1, -2))


def test_minpool_takes_the_window_minimum() -> None:
    model = build_model(single("MinPool", IMAGE, {"kernel_size": 2, "stride": 2})).eval()
    x = torch.randn(2, *IMAGE)
    assert torch.equal(model(x), window_min(x, 2, 2))


@pytest.mark.parametrize(
    ("shape", "dim", "torch_dim"), [(IMAGE, 0, 1), (IMAGE, -1, 3), (VECTOR, 0, 1)]
)
def test_softmax_normalizes_the_declared_axis(shape: list[int], dim: int, torch_dim: int) -> None:
    model = build_model(single("Softmax", shape, {"dim": dim})).eval()
    y = model(torch.randn(3, *shape))
    torch.testing.assert_close(y.sum(dim=torch_dim), torch.ones_like(y.sum(dim=torch_dim)))


def test_concat_keeps_input_order() -> None:
    design = merge("Concat", VECTOR, {}, [2, 3])
    model = build_model(design).eval()
    x = torch.randn(2, *VECTOR)
    expected = torch.cat([model.branch0(x), model.branch1(x)], dim=1)
    assert torch.equal(model(x), expected)


def test_frozen_layers_have_no_trainable_parameters_in_torch() -> None:
    design = single("Conv", IMAGE, {"out_channels": 2}, frozen=True)
    model = build_model(design)
    assert all(not p.requires_grad for p in model.parameters())
    assert analyze(design).trainable_params == 0
    assert analyze(design).total_params == sum(p.numel() for p in model.parameters())


@settings(max_examples=examples(30), deadline=None)
@given(valid_designs())
def test_random_valid_designs_match_torch(design: Design) -> None:
    assert_matches_torch(design)


@settings(max_examples=examples(60), deadline=None)
@given(broken_designs())
def test_broken_designs_report_errors_and_never_raise(case: tuple[Design, str]) -> None:
    design, mutation = case
    assert mutation in MUTATIONS
    analysis = analyze(design)
    assert not analysis.valid
    assert analysis.errors or analysis.output_id is None
    for diag in analysis.errors:
        assert diag.message and "\n" not in diag.message
    with pytest.raises(DesignInvalidError) as info:
        generate_code(design, analysis)
    assert info.value.messages


@settings(max_examples=examples(60), deadline=None)
@given(garbage_designs())
def test_garbage_designs_never_raise(design: Design) -> None:
    analysis = analyze(design)
    if analysis.valid:
        assert_matches_torch(design)
    else:
        with pytest.raises(DesignInvalidError):
            build_model(design)
