"""The lab's hand-worked arithmetic: the lectures' examples, written-out sums, typed matrices."""

from __future__ import annotations

import numpy as np
import pytest

from cnnstudio import lab


def test_blur_pixel_is_written_as_the_lecture_writes_it() -> None:
    image = lab.image_preset("digit_patch").array()
    result = lab.convolve(image, lab.kernel_preset("gaussian_blur").array())
    text = result.explain(0, 0)
    assert text.startswith("206×0.0625 + 205×0.125 + 201×0.0625 + 204×0.125 + 203×0.25")
    expected = float(np.sum(image[:3, :3] * lab.kernel_preset("gaussian_blur").array()))
    assert text.endswith(f"= {lab.format_number(expected)} ≈ {round(expected)}")
    short = result.explain(0, 0, max_terms=3)
    assert short.count("×") == 3 and " + … + " in short


def test_edge_kernel_finds_the_classic_vertical_edge() -> None:
    result = lab.convolve(
        lab.image_preset("vertical_step").array(), lab.kernel_preset("vertical_edge").array()
    )
    assert result.output.tolist() == [[0, 30, 30, 0]] * 4
    assert result.size_formulas() == ("(6 + 2×0 − 3) / 1 + 1 = 4",) * 2


def test_negative_weights_and_bias_read_as_a_sum() -> None:
    result = lab.convolve([[1, 2], [3, 4]], [[1, -1], [-2, 0]], bias=0.5)
    assert result.explain(0, 0) == "1×1 + 2×(-1) + 3×(-2) + 4×0 + 0.5 = -6.5 ≈ -7"


def test_uneven_stride_marks_the_dropped_pixels() -> None:
    result = lab.convolve(np.zeros((6, 6)), np.ones((3, 3)), stride=2)
    assert result.output_shape == (2, 2)
    assert result.size_formulas()[0] == "⌊(6 + 2×0 − 3) / 2⌋ + 1 = 2"
    dropped = set(result.dropped())
    assert dropped == {(y, x) for y in range(6) for x in range(6) if y == 5 or x == 5}
    covered = {p for pos in result.sliding.positions() for p in result.window(*pos)}
    assert covered.isdisjoint(dropped)
    assert len(covered | dropped) == 36


def test_padding_positions_are_told_apart_from_the_input() -> None:
    result = lab.convolve(np.ones((3, 3)), np.ones((3, 3)), padding=1)
    window = result.window(0, 0)
    on_input = [result.sliding.input_position(y, x) for y, x in window]
    assert on_input.count(None) == 5
    assert result.output[0, 0] == 4


def test_max_pooling_of_the_4x4_example() -> None:
    result = lab.pool(lab.image_preset("pooling_4x4").array(), "max", 2)
    assert result.output.tolist() == [[9, 2], [6, 3]]
    assert result.explain(0, 0) == "max(1, 3, 2, 9) = 9"
    assert result.chosen(0, 0) == (1, 1)
    average = lab.pool(lab.image_preset("pooling_4x4").array(), "average", 2)
    assert average.explain(0, 0) == "(1 + 3 + 2 + 9) / 4 = 3.75"
    assert average.chosen(0, 0) is None
    minimum = lab.pool(lab.image_preset("pooling_4x4").array(), "min", 2, 2)
    assert minimum.output.tolist() == [[1, 1], [1, 1]]
    assert minimum.chosen(1, 0) == (2, 0)


def test_multichannel_filter_sums_every_channel() -> None:
    image = np.arange(2 * 4 * 4, dtype=float).reshape(2, 4, 4)
    kernel = np.stack([np.eye(2), -np.eye(2)])
    result = lab.convolve(image, kernel)
    terms = result.terms(0, 0)
    assert [t.channel for t in terms] == [0, 0, 0, 0, 1, 1, 1, 1]
    assert result.output[0, 0] == pytest.approx(sum(t.value * t.weight for t in terms))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lab.convolve(np.zeros((4, 4)), np.ones((5, 5))), "kernel height 5 is larger"),
        (
            lambda: lab.convolve(np.zeros((2, 4, 4)), np.ones((3, 3))),
            "1 channel(s) but the image has 2",
        ),
        (
            lambda: lab.convolve(np.zeros((4, 4)), np.ones((3, 3)), stride=0),
            "stride must be at least 1",
        ),
        (
            lambda: lab.convolve(np.zeros((4, 4)), np.ones((3, 3)), padding=-1),
            "padding must be at least 0",
        ),
        (
            lambda: lab.convolve(np.zeros((4, 4)), np.ones((3, 3)), padding_mode="mirror"),
            "padding mode",
        ),
        (lambda: lab.convolve([[1, "a"]], np.ones((1, 1))), "matrix of numbers"),
        (lambda: lab.convolve([[np.nan]], np.ones((1, 1))), "not a finite number"),
        (lambda: lab.pool(np.zeros((4, 4)), "median", 2), "pooling must be one of"),
        (lambda: lab.convolve(np.zeros((3, 3)), np.ones((1, 1))).explain(3, 0), "outside the 3x3"),
    ],
)
def test_bad_values_are_refused_in_words(call: object, message: str) -> None:
    with pytest.raises(lab.LabError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()  # type: ignore[operator]


def test_typed_and_pasted_matrices() -> None:
    assert lab.parse_matrix("1 2 1; 2 4 2\n1 2 1").tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    assert lab.parse_matrix("1,2,3\n4,5,6").tolist() == [[1, 2, 3], [4, 5, 6]]
    assert lab.parse_matrix("0,5\t-1,25\n1/16 −2").tolist() == [[0.5, -1.25], [0.0625, -2]]
    with pytest.raises(lab.LabError, match="same number of values"):
        lab.parse_matrix("1 2\n3")
    with pytest.raises(lab.LabError, match="row 2: 'x' is not a number"):
        lab.parse_matrix("1 2\n3 x")
    with pytest.raises(lab.LabError, match="empty"):
        lab.parse_matrix("  \n ")
    matrix = np.array([[0.0625, -1.0], [3.0, 2.5]])
    assert np.array_equal(lab.parse_matrix(lab.format_matrix(matrix)), matrix)


def test_every_preset_is_a_matrix() -> None:
    for preset in (*lab.KERNELS, *lab.IMAGES):
        assert preset.array().ndim == 2 and preset.name and preset.description
    with pytest.raises(KeyError, match="presets are"):
        lab.kernel_preset("nope")
