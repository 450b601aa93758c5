"""Convolution and pooling worked out by hand, the way a lecture writes them on the board.

`convolve` and `pool` compute what ``torch.nn.functional.conv2d`` and ``max_pool2d`` /
``avg_pool2d`` compute (cross-correlation, as every deep-learning framework does), but keep
everything a student needs to follow the arithmetic: the padded input, which input pixels each
output pixel reads, the output-size formula with the numbers in it, the input pixels that a
stride which does not divide evenly never reaches, and each output pixel written out as a sum of
products (``206×0.0625 + 205×0.125 + … = 177.75 ≈ 178``) or as the max/average/min of a window.

numpy only: the Convolution Lab window draws these objects, and notebooks can use them directly
through `cnnstudio.lab`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..catalog import PADDING_MODES as CONV_PADDING_MODES
from ..i18n import QT_TRANSLATE_NOOP, translate

PaddingMode = Literal["zeros", "reflect", "replicate", "circular"]
PoolKind = Literal["max", "average", "min"]

PADDING_MODES: tuple[str, ...] = CONV_PADDING_MODES  # the modes a Conv block offers
POOL_KINDS: tuple[str, ...] = ("max", "average", "min")

# torch's padding modes by their numpy names ("zeros" is torch's name for constant 0).
_NUMPY_PAD_MODE = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "edge",
    "circular": "wrap",
}
_POOL_ALIASES = {
    "max": "max",
    "average": "average",
    "avg": "average",
    "mean": "average",
    "min": "min",
}


class LabError(ValueError):
    """A value the lab cannot work with, said in words (shown in the lab, raised to notebooks)."""


# The names the messages below put in, as their words in the interface's language.
_NAMES = (
    QT_TRANSLATE_NOOP("Lab", "image"),
    QT_TRANSLATE_NOOP("Lab", "kernel"),
    QT_TRANSLATE_NOOP("Lab", "height"),
    QT_TRANSLATE_NOOP("Lab", "width"),
    QT_TRANSLATE_NOOP("Lab", "the kernel size"),
    QT_TRANSLATE_NOOP("Lab", "stride"),
    QT_TRANSLATE_NOOP("Lab", "padding"),
    QT_TRANSLATE_NOOP("Lab", "dilation"),
)


def _pair(value: int | Sequence[int], name: str, *, minimum: int) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; ``(2, 1)`` stays; anything else is refused with the parameter's name."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        pair = (int(value), int(value))
    elif (
        isinstance(value, Sequence)
        and len(value) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)
    ):
        pair = (int(value[0]), int(value[1]))
    else:
        raise LabError(
            translate(
                "Lab", "{name} must be a whole number or a pair of them, not {value!r}"
            ).format(name=translate("Lab", name), value=value)
        )
    if min(pair) < minimum:
        raise LabError(
            translate("Lab", "{name} must be at least {minimum}, not {value!r}").format(
                name=translate("Lab", name), minimum=minimum, value=value
            )
        )
    return pair


def _as_image(image: ArrayLike, name: str = "image") -> NDArray[np.float64]:
    """The input as float64 ``(C, H, W)``; a 2-D matrix is one channel."""
    try:
        array = np.asarray(image, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise LabError(
            translate("Lab", "the {name} must be a matrix of numbers").format(
                name=translate("Lab", name)
            )
        ) from exc
    if array.ndim == 2:
        array = array[np.newaxis]
    if array.ndim != 3 or 0 in array.shape:
        raise LabError(
            translate(
                "Lab", "the {name} must be a non-empty matrix (H x W) or channels x H x W"
            ).format(name=translate("Lab", name))
        )
    if not np.all(np.isfinite(array)):
        raise LabError(
            translate("Lab", "the {name} holds a value that is not a finite number").format(
                name=translate("Lab", name)
            )
        )
    return array


def format_number(value: float, decimals: int = 4) -> str:
    """A number as a lecture writes it: ``206``, ``0.0625``, ``-1``, ``177.75`` (no float noise)."""
    if not math.isfinite(value):
        return "∞" if value > 0 else "−∞" if value < 0 else "NaN"
    rounded = round(float(value), decimals)
    if rounded == 0:
        return "0"
    if rounded == int(rounded) and abs(rounded) < 1e15:
        return str(int(rounded))
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")


def _signed_term(text: str, first: bool) -> str:
    """``-3`` after ``+`` reads better as ``(-3)``; the first term keeps its sign as it is."""
    return text if first or not text.startswith("-") else f"({text})"


def _factor(weight: float) -> str:
    """A negative factor goes in parentheses: ``2×(-1)``."""
    text = format_number(weight)
    return f"({text})" if text.startswith("-") else text


def _round_half_away(value: float) -> int:
    """Rounding as taught at school (177.5 -> 178, -6.5 -> -7), not Python's banker's rounding."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


@dataclass(frozen=True)
class AxisSize:
    """The output size along one axis, with the numbers that give it."""

    name: str  # "height" or "width"
    n: int  # input size
    padding: int
    kernel: int
    stride: int
    dilation: int
    size: int  # the output size
    dropped: int  # padded positions at the end that no window reaches

    @property
    def effective_kernel(self) -> int:
        """A dilated kernel covers ``d (f - 1) + 1`` input positions."""
        return self.dilation * (self.kernel - 1) + 1

    def formula(self) -> str:
        """``(28 + 2×0 − 5) / 1 + 1 = 24``, with ⌊ ⌋ when the division is not exact."""
        f = str(self.kernel) if self.dilation == 1 else f"{self.effective_kernel}"
        numerator = f"{self.n} + 2×{self.padding} − {f}"
        exact = (self.n + 2 * self.padding - self.effective_kernel) % self.stride == 0
        division = f"({numerator}) / {self.stride}"
        if not exact:
            division = f"⌊{division}⌋"
        text = f"{division} + 1 = {self.size}"
        if self.dilation != 1:
            text += f"  (dilated kernel: {self.dilation}×({self.kernel} − 1) + 1 = {f})"
        return text


def _axis(name: str, n: int, padding: int, kernel: int, stride: int, dilation: int) -> AxisSize:
    span = n + 2 * padding
    effective = dilation * (kernel - 1) + 1
    if effective > span:
        text = (
            translate(
                "Lab",
                "the dilated kernel {name} {effective} is larger than the padded input {name} "
                "{span}",
            )
            if dilation > 1
            else translate(
                "Lab", "the kernel {name} {effective} is larger than the padded input {name} {span}"
            )
        )
        raise LabError(text.format(name=translate("Lab", name), effective=effective, span=span))
    size = (span - effective) // stride + 1
    last_reached = (size - 1) * stride + effective  # positions 0 .. last_reached-1 are read
    return AxisSize(name, n, padding, kernel, stride, dilation, size, span - last_reached)


@dataclass(frozen=True)
class Term:
    """One product of a convolution sum: an input value times a kernel weight."""

    channel: int
    row: int  # in padded-input coordinates
    col: int
    value: float
    weight: float


@dataclass(frozen=True)
class _Sliding:
    """What convolution and pooling share: the padded input and the window geometry."""

    image: NDArray[np.float64]  # (C, H, W) as given
    padded: NDArray[np.float64]  # (C, H + 2ph, W + 2pw)
    kernel_size: tuple[int, int]
    stride: tuple[int, int]
    padding: tuple[int, int]
    dilation: tuple[int, int]
    axes: tuple[AxisSize, AxisSize] = field(repr=False)

    @property
    def output_shape(self) -> tuple[int, int]:
        return (self.axes[0].size, self.axes[1].size)

    def _check(self, row: int, col: int) -> None:
        rows, cols = self.output_shape
        if not (0 <= row < rows and 0 <= col < cols):
            raise LabError(
                translate(
                    "Lab", "output pixel ({row}, {col}) is outside the {rows}x{cols} output"
                ).format(row=row, col=col, rows=rows, cols=cols)
            )

    def window(self, row: int, col: int) -> list[tuple[int, int]]:
        """The padded-input positions ``(y, x)`` that output pixel ``(row, col)`` reads."""
        self._check(row, col)
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        return [(row * sh + i * dh, col * sw + j * dw) for i in range(kh) for j in range(kw)]

    def input_position(self, y: int, x: int) -> tuple[int, int] | None:
        """A padded position on the original input, or None where it is padding."""
        ph, pw = self.padding
        h, w = self.image.shape[1:]
        iy, ix = y - ph, x - pw
        return (iy, ix) if 0 <= iy < h and 0 <= ix < w else None

    def dropped(self) -> list[tuple[int, int]]:
        """Padded positions that no window reaches (a stride that does not divide evenly)."""
        height, width = self.padded.shape[1:]
        first_row = height - self.axes[0].dropped
        first_col = width - self.axes[1].dropped
        return [
            (y, x) for y in range(height) for x in range(width) if y >= first_row or x >= first_col
        ]

    def size_formulas(self) -> tuple[str, str]:
        """The output-size formula for the height and the width, with the numbers."""
        return (self.axes[0].formula(), self.axes[1].formula())

    def positions(self) -> list[tuple[int, int]]:
        """Every output pixel in the order the kernel slides: row by row, left to right."""
        rows, cols = self.output_shape
        return [(r, c) for r in range(rows) for c in range(cols)]


def _sliding(
    image: ArrayLike,
    kernel_size: int | Sequence[int],
    stride: int | Sequence[int],
    padding: int | Sequence[int],
    dilation: int | Sequence[int],
    padding_mode: str,
) -> _Sliding:
    array = _as_image(image)
    kh, kw = _pair(kernel_size, "the kernel size", minimum=1)
    sh, sw = _pair(stride, "stride", minimum=1)
    ph, pw = _pair(padding, "padding", minimum=0)
    dh, dw = _pair(dilation, "dilation", minimum=1)
    if padding_mode not in _NUMPY_PAD_MODE:
        raise LabError(
            translate("Lab", "padding mode must be one of {modes}, not {padding_mode!r}").format(
                modes=", ".join(PADDING_MODES), padding_mode=padding_mode
            )
        )
    h, w = array.shape[1:]
    if padding_mode == "reflect" and (ph >= h or pw >= w):
        raise LabError(
            translate(
                "Lab", "reflect padding must be smaller than the input ({h}x{w}), not {ph}x{pw}"
            ).format(h=h, w=w, ph=ph, pw=pw)
        )
    if padding_mode == "circular" and (ph > h or pw > w):
        raise LabError(
            translate(
                "Lab", "circular padding can be at most the input size ({h}x{w}), not {ph}x{pw}"
            ).format(h=h, w=w, ph=ph, pw=pw)
        )
    axes = (_axis("height", h, ph, kh, sh, dh), _axis("width", w, pw, kw, sw, dw))
    padded = np.pad(array, ((0, 0), (ph, ph), (pw, pw)), mode=_NUMPY_PAD_MODE[padding_mode])  # type: ignore[call-overload]
    return _Sliding(array, padded, (kh, kw), (sh, sw), (ph, pw), (dh, dw), axes)


class _Geometry:
    """The window geometry of a worked result, for the lab to draw (from its `_Sliding`)."""

    sliding: _Sliding

    @property
    def output_shape(self) -> tuple[int, int]:
        return self.sliding.output_shape

    def window(self, row: int, col: int) -> list[tuple[int, int]]:
        return self.sliding.window(row, col)

    def size_formulas(self) -> tuple[str, str]:
        return self.sliding.size_formulas()

    def dropped(self) -> list[tuple[int, int]]:
        return self.sliding.dropped()


@dataclass(frozen=True)
class Convolution(_Geometry):
    """A worked convolution: `output` plus everything needed to explain any pixel of it."""

    sliding: _Sliding
    kernel: NDArray[np.float64]  # (C, kh, kw)
    bias: float
    padding_mode: str
    output: NDArray[np.float64]  # (Ho, Wo)

    def terms(self, row: int, col: int) -> list[Term]:
        """The products that make output pixel ``(row, col)``, channel by channel, row by row."""
        positions = self.sliding.window(row, col)
        kw = self.sliding.kernel_size[1]
        return [
            Term(
                c, y, x, float(self.sliding.padded[c, y, x]), float(self.kernel[c, k // kw, k % kw])
            )
            for c in range(self.kernel.shape[0])
            for k, (y, x) in enumerate(positions)
        ]

    def explain(self, row: int, col: int, *, max_terms: int | None = None) -> str:
        """``206×0.0625 + 205×0.125 + … = 177.75 ≈ 178``: the pixel as the lecture writes it.

        Every product is written out unless ``max_terms`` is smaller than their number; then
        the first ``max_terms - 1`` and the last one are kept around an ellipsis. The ``≈``
        rounding is added when the input is whole pixel values and the result is not whole.
        """
        terms = self.terms(row, col)
        texts = [
            _signed_term(f"{format_number(t.value)}×{_factor(t.weight)}", i == 0)
            for i, t in enumerate(terms)
        ]
        if max_terms is not None and len(texts) > max(max_terms, 2):
            texts = [*texts[: max(max_terms, 2) - 1], "…", texts[-1]]
        if self.bias != 0:
            texts.append(_signed_term(format_number(self.bias), False))
        value = float(self.output[row, col])
        text = f"{' + '.join(texts)} = {format_number(value)}"
        whole_input = bool(np.all(self.sliding.image == np.round(self.sliding.image)))
        if whole_input and round(value, 4) != _round_half_away(value):
            text += f" ≈ {_round_half_away(value)}"
        return text


def convolve(
    image: ArrayLike,
    kernel: ArrayLike,
    *,
    stride: int | Sequence[int] = 1,
    padding: int | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
    padding_mode: str = "zeros",
    bias: float = 0.0,
) -> Convolution:
    """Slide ``kernel`` over ``image`` as ``torch.nn.functional.conv2d`` does (one output channel).

    ``image`` is ``H x W`` or ``C x H x W``; ``kernel`` is ``kh x kw`` (for a one-channel image)
    or ``C x kh x kw``, as one filter of a Conv layer with ``C`` input channels is.
    """
    weights = _as_image(kernel, "kernel")
    sliding = _sliding(image, weights.shape[1:], stride, padding, dilation, padding_mode)
    channels = sliding.image.shape[0]
    if weights.shape[0] != channels:
        raise LabError(
            translate(
                "Lab",
                "the kernel has {n} channel(s) but the image has {channels}; a filter "
                "needs one kernel matrix per input channel",
            ).format(n=weights.shape[0], channels=channels)
        )
    if not math.isfinite(bias):
        raise LabError(translate("Lab", "the bias must be a finite number"))
    rows, cols = sliding.output_shape
    (kh, kw), (sh, sw), (dh, dw) = sliding.kernel_size, sliding.stride, sliding.dilation
    output = np.full((rows, cols), float(bias))
    # One shifted slice per kernel entry: the same sums as the written-out explanation.
    for i in range(kh):
        for j in range(kw):
            patch = sliding.padded[
                :,
                i * dh : i * dh + (rows - 1) * sh + 1 : sh,
                j * dw : j * dw + (cols - 1) * sw + 1 : sw,
            ]
            output += np.tensordot(weights[:, i, j], patch, axes=1)
    return Convolution(sliding, weights, float(bias), padding_mode, output)


@dataclass(frozen=True)
class Pooling(_Geometry):
    """A worked pooling: `output` (per channel) and, for any pixel, its window and chosen value."""

    sliding: _Sliding
    kind: str
    output: NDArray[np.float64]  # (C, Ho, Wo), or (Ho, Wo) for a one-channel matrix input
    squeeze: bool

    def _channel_output(self, channel: int) -> NDArray[np.float64]:
        return self.output if self.squeeze else self.output[channel]

    def values(self, row: int, col: int, channel: int = 0) -> list[float]:
        """The window's values, row by row."""
        return [float(self.sliding.padded[channel, y, x]) for y, x in self.sliding.window(row, col)]

    def chosen(self, row: int, col: int, channel: int = 0) -> tuple[int, int] | None:
        """The padded position whose value max or min pooling takes (the first on a tie)."""
        if self.kind == "average":
            return None
        values = self.values(row, col, channel)
        pick = max if self.kind == "max" else min
        index = values.index(pick(values))
        return self.sliding.window(row, col)[index]

    def explain(self, row: int, col: int, channel: int = 0) -> str:
        """``max(1, 3, 2, 9) = 9`` or ``(1 + 3 + 2 + 9) / 4 = 3.75``."""
        values = [format_number(v) for v in self.values(row, col, channel)]
        result = format_number(float(self._channel_output(channel)[row, col]))
        if self.kind == "average":
            return f"({' + '.join(values)}) / {len(values)} = {result}"
        return f"{self.kind}({', '.join(values)}) = {result}"


def pool(
    image: ArrayLike,
    kind: str,
    size: int | Sequence[int],
    stride: int | Sequence[int] | None = None,
    *,
    padding: int | Sequence[int] = 0,
) -> Pooling:
    """Max, average or min pooling as torch's ``max_pool2d`` / ``avg_pool2d`` compute it.

    ``stride`` defaults to ``size`` (non-overlapping windows), as in torch. Padding is taken by
    max pooling as -inf and by min pooling as +inf (never chosen), and counted as zeros by
    average pooling (torch's ``count_include_pad=True``).
    """
    name = _POOL_ALIASES.get(str(kind).lower())
    if name is None:
        raise LabError(
            translate("Lab", "pooling must be one of {kinds}, not {kind!r}").format(
                kinds=", ".join(POOL_KINDS), kind=kind
            )
        )
    squeeze = np.ndim(image) == 2
    fill = {"max": -math.inf, "min": math.inf, "average": 0.0}[name]
    plain = _sliding(image, size, size if stride is None else stride, padding, 1, "zeros")
    ph, pw = plain.padding
    if 2 * ph > plain.kernel_size[0] or 2 * pw > plain.kernel_size[1]:
        raise LabError(
            translate("Lab", "padding must be at most half the pooling window, as in torch")
        )
    padded = np.pad(plain.image, ((0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    sliding = _Sliding(
        plain.image,
        padded,
        plain.kernel_size,
        plain.stride,
        plain.padding,
        plain.dilation,
        plain.axes,
    )
    rows, cols = sliding.output_shape
    (kh, kw), (sh, sw) = sliding.kernel_size, sliding.stride
    windows = np.stack(
        [
            padded[:, i : i + (rows - 1) * sh + 1 : sh, j : j + (cols - 1) * sw + 1 : sw]
            for i in range(kh)
            for j in range(kw)
        ]
    )
    if name == "max":
        output = windows.max(axis=0)
    elif name == "min":
        output = windows.min(axis=0)
    else:
        output = windows.mean(axis=0)
    return Pooling(sliding, name, output[0] if squeeze else output, squeeze)
