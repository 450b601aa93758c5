"""Shape, parameter, MAC and receptive-field arithmetic, and the diagnostics with their fixes."""

from __future__ import annotations

import pytest

from cnnstudio.core.analysis import analyze
from cnnstudio.core.commands import History, fix_command
from cnnstudio.core.design import Design, Layer
from tests.core.helpers import chain, codes


def test_textbook_conv_table_row() -> None:
    # CONV1 (f=5) 8 filters on 3x32x32 -> 28x28x8, 608 parameters
    a = analyze(chain([3, 32, 32], ("Conv", {"out_channels": 8, "kernel_size": 5})))
    info = a.layers["l1"]
    assert info.output_shape == (8, 28, 28)
    assert info.params == 608
    assert info.macs == 28 * 28 * 8 * 5 * 5 * 3
    assert info.activation_bytes == 8 * 28 * 28 * 4
    assert "params: (5*5*3 + 1) * 8 = 608" in a.explain("l1")
    assert "size: (32 + 2*0 - 5) / 1 + 1 = 28" in a.explain("l1")
    assert info.receptive_field == (5, 5)


@pytest.mark.parametrize(
    ("params", "shape"),
    [
        ({"out_channels": 4, "kernel_size": 3, "padding": 1}, (4, 10, 10)),
        ({"out_channels": 4, "kernel_size": 3, "stride": 2}, (4, 4, 4)),
        ({"out_channels": 4, "kernel_size": 3, "padding": "same"}, (4, 10, 10)),
        ({"out_channels": 4, "kernel_size": 3, "padding": "valid"}, (4, 8, 8)),
        ({"out_channels": 4, "kernel_size": 3, "dilation": 2}, (4, 6, 6)),
        ({"out_channels": 4, "kernel_size": [1, 3]}, (4, 10, 8)),
        ({"out_channels": 4, "kernel_size": 1, "groups": 2}, (4, 10, 10)),
    ],
)
def test_conv_shapes(params: dict, shape: tuple) -> None:
    a = analyze(chain([2, 10, 10], ("Conv", params)))
    assert a.valid, a.errors
    assert a.layers["l1"].output_shape == shape


def test_floor_is_explained() -> None:
    a = analyze(chain([1, 7, 7], ("MaxPool", {"kernel_size": 2})))
    assert a.layers["l1"].output_shape == (1, 3, 3)
    assert "size: floor((7 + 2*0 - 2) / 2) + 1 = 3" in a.explain("l1")


def test_one_d_sequence_layers() -> None:
    d = chain(
        [3, 50],
        ("Conv", {"out_channels": 8, "kernel_size": 5}),
        "BatchNorm",
        "ReLU",
        ("MinPool", {"kernel_size": 2}),
        "GlobalAvgPool",
        ("Dense", {"out_features": 4}),
        ("Softmax", {}),
    )
    a = analyze(d)
    assert a.valid, a.errors
    shapes = [a.layers[f"l{i}"].output_shape for i in range(1, 8)]
    assert shapes == [(8, 46), (8, 46), (8, 46), (8, 23), (8,), (4,), (4,)]
    assert a.layers["l1"].params == 8 * 3 * 5 + 8
    assert a.layers["l2"].params == 16
    assert a.layers["l4"].receptive_field == (6,)


def test_pool_stride_default_and_padding_rule() -> None:
    a = analyze(chain([1, 8, 8], ("AvgPool", {"kernel_size": 3, "stride": 1, "padding": 1})))
    assert a.layers["l1"].output_shape == (1, 8, 8)
    a = analyze(chain([1, 8, 8], ("MaxPool", {"kernel_size": 3, "padding": 2})))
    (err,) = a.errors
    assert err.code == "pool-padding-too-large"
    assert err.message == "l1: padding 2 is more than half the kernel 3 (at most 1)"
    assert err.fix is not None


def test_kernel_too_large_offers_a_kernel_that_fits_first_then_padding() -> None:
    """Issue 12 item 8: not only padding "same", which a student rarely means."""
    d = chain([1, 28, 28], ("Conv", {"out_channels": 2, "kernel_size": 30}))
    (err,) = analyze(d).errors
    assert err.code == "kernel-too-large"
    assert err.message == "l1: kernel 30 is larger than the padded input 28x28"
    assert [f.label for f in err.fixes] == [
        "Set l1's kernel_size to 28 (the largest that fits 28x28)",
        "Set l1's padding to 1 (pads the input to 30x30)",
        'Set l1\'s padding to "same" (keeps 28x28)',
    ]
    assert err.fix is err.fixes[0]
    outputs = []
    for fix in err.fixes:  # each choice alone repairs the design, as one undo step
        work = d.clone()
        history = History(work)
        history.push(fix_command(work, fix))
        result = analyze(work)
        assert result.valid, fix.label
        outputs.append(result.layers["l1"].output_shape)
        history.undo()
        assert work.layers["l1"].params == d.layers["l1"].params
    assert outputs == [(2, 1, 1), (2, 1, 1), (2, 28, 28)]


def test_kernel_too_large_fixes_per_axis_dilation_and_pooling() -> None:
    d = chain([1, 8, 12], ("Conv", {"out_channels": 2, "kernel_size": [3, 9], "dilation": 2}))
    (err,) = analyze(d).errors
    kernel, padding, dilation, same = err.fixes
    assert kernel.edits[0].value == [3, 6]  # 2*(6-1)+1 = 11 <= 12; height already fits
    assert padding.edits[0].value == [0, 3]  # 12 + 2*3 = 18 >= 2*(9-1)+1 = 17
    assert dilation.edits[0].value == 1 and same.edits[0].value == "same"
    for fix in err.fixes:
        work = d.clone()
        History(work).push(fix_command(work, fix))
        assert analyze(work).valid, fix.label
    # Pooling has no "same"; both repairs respect its padding limit (half the kernel).
    for n, kernel, pad in ((4, 6, 0), (1, 9, 3), (1, 10, 4), (2, 9, 0)):
        d = chain([1, n, n], ("MaxPool", {"kernel_size": kernel, "padding": pad}))
        (err,) = analyze(d).errors
        assert [f.edits[0].name for f in err.fixes] == ["kernel_size", "padding"]
        for fix in err.fixes:
            work = d.clone()
            History(work).push(fix_command(work, fix))
            assert analyze(work).valid, fix.label


def test_same_padding_needs_stride_one() -> None:
    a = analyze(chain([1, 8, 8], ("Conv", {"out_channels": 2, "padding": "same", "stride": 2})))
    assert codes(a.errors) == ["same-needs-stride-1"]


def test_dense_fed_an_image_gets_flatten_fix() -> None:
    d = chain([2, 4, 4], ("Dense", {"out_features": 3}))
    a = analyze(d)
    (err,) = a.errors
    assert err.code == "dense-needs-vector"
    assert "2x4x4" in err.message
    History(d).push(fix_command(d, err.fix))
    a = analyze(d)
    assert a.valid
    assert a.layers["l1"].params == 32 * 3 + 3
    assert [lay.type for lay in d] == ["Input", "Flatten", "Dense"]
    assert d["l1"].inputs == ["flatten1"]


def test_add_mismatch_gets_projection_fix() -> None:
    layers = [
        Layer("input", "Input", params={"shape": [4, 8, 8]}),
        Layer(
            "conv",
            "Conv",
            ["input"],
            {"out_channels": 8, "kernel_size": 3, "stride": 2, "padding": 1},
        ),
        Layer("add", "Add", ["conv", "input"]),
    ]
    d = Design(layers)
    a = analyze(d)
    (err,) = a.errors
    assert err.code == "add-shape-mismatch"
    assert (
        err.message == "add: inputs must have the same shape: conv gives 8x4x4, input gives 4x8x8"
    )
    History(d).push(fix_command(d, err.fix))
    a = analyze(d)
    assert a.valid, a.errors
    proj = next(lay for lay in d if lay.id.startswith("proj"))
    assert proj.params == {"out_channels": 8, "kernel_size": 1, "stride": 2}
    assert d["add"].inputs == ["conv", proj.id]


def test_concat_channels_and_mismatch() -> None:
    layers = [
        Layer("input", "Input", params={"shape": [3, 8, 8]}),
        Layer("a", "Conv", ["input"], {"out_channels": 4, "kernel_size": 1}),
        Layer("b", "Conv", ["input"], {"out_channels": 6, "kernel_size": 3, "padding": 1}),
        Layer("cat", "Concat", ["a", "b"]),
    ]
    a = analyze(Design(layers))
    assert a.layers["cat"].output_shape == (10, 8, 8)
    layers[2].params["padding"] = 0
    a = analyze(Design(layers))
    assert codes(a.errors) == ["concat-shape-mismatch"]


def test_downstream_errors_are_not_separate_causes() -> None:
    d = chain(
        [1, 4, 4],
        ("Conv", {"out_channels": 2, "kernel_size": 9}),
        "ReLU",
        ("Dense", {"out_features": 3}),
    )
    a = analyze(d)
    assert codes(a.errors) == ["kernel-too-large"]
    assert a.layers["l3"].output_shape is None


def test_graph_rule_errors() -> None:
    layers = [
        Layer("input", "Input", params={"shape": [4]}),
        Layer("a", "Dense", ["b"], {"out_features": 4}),
        Layer("b", "Dense", ["a"], {"out_features": 4}),
        Layer("c", "Wobble", ["input"]),
        Layer("d", "ReLU", ["nowhere"]),
        Layer("e", "ReLU", []),
        Layer("f", "ReLU", ["input", "input"]),
        Layer("g", "Dense", ["input"], {"out_features": 0, "colour": "red"}),
        Layer("input2", "Input", params={"shape": [4]}),
        Layer("class", "ReLU", ["input"]),
    ]
    a = analyze(Design(layers))
    by_layer = {lid: codes(info.errors) for lid, info in a.layers.items()}
    assert by_layer["a"] == ["cycle"] and by_layer["b"] == ["cycle"]
    assert by_layer["c"] == ["unknown-type"]
    assert by_layer["d"] == ["unknown-input"]
    assert by_layer["e"] == ["missing-input"]
    assert by_layer["f"] == ["too-many-inputs"]
    assert by_layer["g"] == ["bad-param", "bad-param"]
    assert by_layer["input2"] == ["extra-input"]
    assert by_layer["class"] == ["bad-id"]
    msgs = {d.message for d in a.errors}
    assert "g: out_features must be between 1 and 16777216, got 0" in msgs
    assert any(m.startswith("g: unknown parameter 'colour'") for m in msgs)
    assert not a.valid


def test_no_input_and_several_outputs() -> None:
    a = analyze(Design([Layer("x", "ReLU", [])]))
    assert "no-input" in codes(a.design_errors)
    d = chain([4], "ReLU")
    d.add_layer(Layer("side", "Sigmoid", ["input"]))
    a = analyze(d)
    assert codes(a.design_errors) == ["several-outputs"]
    assert a.output_id is None and not a.valid
    d.set_meta(output="l1")
    a = analyze(d)
    assert a.valid and a.output_id == "l1"
    assert codes(a.warnings) == ["unused"]


def test_frozen_layers_count_as_not_trainable() -> None:
    d = chain([4], ("Dense", {"out_features": 3}), ("Dense", {"out_features": 2}))
    d["l1"].frozen = True
    a = analyze(d)
    assert a.total_params == 15 + 8
    assert a.trainable_params == 8
    assert a.frozen_params == 15
    assert a.size_bytes == 23 * 4


def test_batchnorm_counts_gamma_and_beta_only() -> None:
    a = analyze(chain([6, 4, 4], "BatchNorm"))
    assert a.layers["l1"].params == 12
    assert "2 * 6 = 12" in a.explain("l1")[1]


def test_bad_axis_and_shapes() -> None:
    a = analyze(chain([4], ("Softmax", {"dim": 1})))
    assert codes(a.errors) == ["bad-param"]
    a = analyze(chain([1, 8, 8], ("Conv", {"out_channels": 2, "kernel_size": [3, 3, 3]})))
    assert codes(a.errors) == ["bad-param"]
    a = analyze(chain([8], ("Conv", {"out_channels": 2})))
    assert codes(a.errors) == ["needs-spatial-input"]
    a = analyze(chain([3, 8, 8], ("Conv", {"out_channels": 4, "groups": 2})))
    assert codes(a.errors) == ["bad-groups"]


def test_memo_never_goes_stale_on_in_place_edits() -> None:
    d = chain([1, 8, 8], ("Conv", {"out_channels": 2, "kernel_size": 3}))
    assert analyze(d).layers["l1"].output_shape == (2, 6, 6)
    d["l1"].params["kernel_size"] = 5  # changed in place, without an event
    assert analyze(d).layers["l1"].output_shape == (2, 4, 4)
    d["input"].params["shape"][1] = 10
    assert analyze(d).layers["l1"].output_shape == (2, 6, 4)


def test_even_kernel_same_padding_is_a_warning_not_an_error() -> None:
    a = analyze(
        chain([1, 8, 8], ("Conv", {"out_channels": 2, "kernel_size": 4, "padding": "same"}))
    )
    assert a.valid
    assert [d.code for d in a.warnings] == ["uneven-same-padding"]
    assert a.layers["l1"].output_shape == (2, 8, 8)
    again = analyze(
        chain([1, 8, 8], ("Conv", {"out_channels": 2, "kernel_size": 3, "padding": "same"}))
    )
    assert not again.warnings


def test_ids_that_would_break_exported_code() -> None:
    for bad in ("__hidden", "_modules", "forward", "class", "9lives", "a-b", "é", "卷积1"):
        design = chain([4], "ReLU")
        design.rename("l1", bad)
        a = analyze(design)
        (err,) = a.errors
        assert err.code == "bad-id" and err.fix is not None
        History(design).push(fix_command(design, err.fix))
        assert analyze(design).valid, bad
