"""The lab's arithmetic against torch.nn.functional, over random sizes, strides and paddings."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given
from hypothesis import strategies as st

from cnnstudio import lab


@given(
    channels=st.integers(1, 3),
    height=st.integers(1, 9),
    width=st.integers(1, 9),
    kernel=st.tuples(st.integers(1, 4), st.integers(1, 4)),
    stride=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    padding=st.tuples(st.integers(0, 2), st.integers(0, 2)),
    dilation=st.tuples(st.integers(1, 2), st.integers(1, 2)),
    mode=st.sampled_from(lab.PADDING_MODES),
    bias=st.floats(-2, 2),
    seed=st.integers(0, 2**16),
)
def test_convolve_matches_conv2d(
    channels: int,
    height: int,
    width: int,
    kernel: tuple[int, int],
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    mode: str,
    bias: float,
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, size=(channels, height, width)).astype(float)
    weights = rng.normal(size=(channels, *kernel))
    try:
        result = lab.convolve(
            image,
            weights,
            stride=stride,
            padding=padding,
            dilation=dilation,
            padding_mode=mode,
            bias=bias,
        )
    except lab.LabError:
        with pytest.raises(RuntimeError):
            _torch_conv(image, weights, stride, padding, dilation, mode, bias)
        return
    expected = _torch_conv(image, weights, stride, padding, dilation, mode, bias)
    np.testing.assert_allclose(result.output, expected, rtol=1e-9, atol=1e-9)
    row, col = (result.output_shape[0] - 1, result.output_shape[1] - 1)
    assert sum(t.value * t.weight for t in result.terms(row, col)) + bias == pytest.approx(
        result.output[row, col]
    )


def _torch_conv(
    image: np.ndarray,
    weights: np.ndarray,
    stride: tuple[int, int],
    padding: tuple[int, int],
    dilation: tuple[int, int],
    mode: str,
    bias: float,
) -> np.ndarray:
    x = torch.from_numpy(image)[None]
    w = torch.from_numpy(weights)[None]
    b = torch.tensor([bias], dtype=torch.float64)
    if mode != "zeros":
        ph, pw = padding
        x = F.pad(x, (pw, pw, ph, ph), mode=mode)
        padding = (0, 0)
    return F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation)[0, 0].numpy()


@given(
    kind=st.sampled_from(lab.POOL_KINDS),
    height=st.integers(1, 8),
    width=st.integers(1, 8),
    size=st.integers(1, 4),
    stride=st.integers(1, 4),
    padding=st.integers(0, 2),
    seed=st.integers(0, 2**16),
)
def test_pool_matches_torch(
    kind: str, height: int, width: int, size: int, stride: int, padding: int, seed: int
) -> None:
    assume(2 * padding <= size and size <= min(height, width) + 2 * padding)
    rng = np.random.default_rng(seed)
    image = rng.normal(size=(2, height, width))
    result = lab.pool(image, kind, size, stride, padding=padding)
    x = torch.from_numpy(image)[None]
    if kind == "max":
        expected = F.max_pool2d(x, size, stride, padding)
    elif kind == "min":
        expected = -F.max_pool2d(-x, size, stride, padding)
    else:
        expected = F.avg_pool2d(x, size, stride, padding, count_include_pad=True)
    np.testing.assert_allclose(result.output, expected[0].numpy(), rtol=1e-12)
    if kind != "average":
        y, x_ = result.chosen(0, 0, channel=1)
        assert result.sliding.padded[1, y, x_] == result.output[1, 0, 0]
