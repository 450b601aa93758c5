"""The lab's kernel into the design: a frozen Conv that applies exactly that filter.

"Use this kernel in a Conv block" (issue 17): a hand-made filter (blur, Sobel) becomes a Conv
block with one filter whose values are fixed in the design (`cnnstudio.core.fixed_weights`) and
frozen, so it sits beside the learned filters, trains with them without changing, and exports
with its numbers. The lab works on one grey matrix; on a design whose input has C channels the
filter reads their mean (each channel's weights are the kernel divided by C), the grey picture
the lab shows. A learned filter taken from a Conv keeps all its channels and its bias.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from ..analysis import Analysis
from ..commands import Macro, append_after
from ..design import Design, Layer
from ..i18n import translate
from .arithmetic import PADDING_MODES, LabError


def frozen_conv(
    design: Design,
    analysis: Analysis,
    kernel: ArrayLike,
    after: str,
    *,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    padding_mode: str = "zeros",
    bias: float = 0.0,
    name: str = "kernel",
    label: str | None = None,
) -> tuple[Macro, str]:
    """The undoable command that adds the frozen Conv after layer ``after``, and its new id.

    ``kernel`` is one 2-D filter, or a filter with as many channels as ``after`` outputs
    (``[C, kh, kw]``). Raises `LabError` in words when the layer's output is not an image or
    the channels do not match.
    """
    if after not in design:
        raise LabError(translate("Lab", "the design has no layer {after!r}").format(after=after))
    shape = analysis.layers[after].output_shape if after in analysis.layers else None
    if shape is None or len(shape) != 3:
        what = "unknown" if shape is None else "x".join(map(str, shape))
        raise LabError(
            translate(
                "Lab",
                "{after}'s output is {what}, not an image (channels x height x width): pick a "
                "block that outputs an image",
            ).format(after=after, what=what)
        )
    if padding_mode not in PADDING_MODES:
        raise LabError(
            translate("Lab", "padding mode {padding_mode!r} is not one of {modes}").format(
                padding_mode=padding_mode, modes=", ".join(PADDING_MODES)
            )
        )
    k = np.asarray(kernel, dtype=np.float64)
    channels = shape[0]
    if k.ndim == 2:
        weight = np.repeat(k[None] / channels, channels, axis=0)
    elif k.ndim == 3 and k.shape[0] == channels:
        weight = k
    else:
        raise LabError(
            (
                translate(
                    "Lab",
                    "the kernel is {shape}, but {after} outputs 1 channel: use a 2-D kernel or "
                    "a filter with 1 channels",
                )
                if channels == 1
                else translate(
                    "Lab",
                    "the kernel is {shape}, but {after} outputs {channels} channels: use a 2-D "
                    "kernel or a filter with {channels} channels",
                )
            ).format(shape="x".join(map(str, k.shape)), after=after, channels=channels)
        )
    if not np.isfinite(weight).all() or not np.isfinite(bias):
        raise LabError(translate("Lab", "the kernel holds a number that is not finite"))
    params: dict[str, Any] = {
        "out_channels": 1,
        "kernel_size": [int(weight.shape[1]), int(weight.shape[2])],
    }
    if stride != 1:
        params["stride"] = stride
    if padding:
        params["padding"] = padding
    if dilation != 1:
        params["dilation"] = dilation
    if padding_mode != "zeros":
        params["padding_mode"] = padding_mode
    weights: dict[str, Any] = {"weight": [weight.tolist()]}
    if bias:
        weights["bias"] = [float(bias)]
    else:
        params["bias"] = False
    source = design[after]
    pos = None if source.pos is None else (source.pos[0] + 40.0, source.pos[1] + 90.0)
    layer = Layer(
        design.unique_id(name),
        "Conv",
        params=params,
        frozen=True,
        label=label,
        pos=pos,
        weights=weights,
    )
    command = append_after(design, layer, after)
    command.label = translate("Lab", "Add frozen Conv {id}").format(id=layer.id)
    return command, layer.id
