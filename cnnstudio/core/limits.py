"""Sizes no machine can build: the analysis' check of parameter and activation bytes.

The shape arithmetic is exact for any integer, so ``padding: 10**18`` or an input of
``[3, 100000, 100000]`` in front of a Dense layer gives a "valid" design whose model would need
terabytes; torch then fails with an overflow or out-of-memory traceback. `check_sizes` turns
those into errors that name the layer and the bytes needed, so the summary reports them and
build, export and train refuse the design in one line like any other error.

It is a separate pass over the finished analysis: the totals decide in O(1) whether anything
can be over the limit, and only then are the layers looked at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .diagnostics import Diagnostic
from .i18n import translate

if TYPE_CHECKING:
    from .analysis import Analysis
    from .design import Design

MAX_PARAM_BYTES = 2**40
"""Parameters (float32) above 1 TiB: more than any single machine's memory holds today."""

MAX_ACTIVATION_BYTES = 2**40
"""Activations of one image (float32, every layer's output) above 1 TiB."""

BYTES_PER_VALUE = 4  # float32, as the analysis counts


def fmt_big_bytes(n: int) -> str:
    """Bytes for people, also far past petabytes: ``4.80 TB``, ``1.6e+61 bytes``."""
    if n < 10**6:
        return f"{n:,} bytes"
    if n < 10**18:
        for div, suffix in ((10**15, "PB"), (10**12, "TB"), (10**9, "GB"), (10**6, "MB")):
            if n >= div:
                return f"{n / div:.2f} {suffix}"
    try:
        return f"{float(n):.2g} bytes"
    except OverflowError:  # beyond 1.8e308
        return "more than 1e308 bytes"


_LIMIT_TEXT = "1 TiB"


def beyond_limits(total_params: int, activation_bytes: int) -> bool:
    """Whether totals this large need `check_sizes` to look at the layers."""
    return (
        total_params * BYTES_PER_VALUE > MAX_PARAM_BYTES or activation_bytes > MAX_ACTIVATION_BYTES
    )


def check_sizes(design: Design, analysis: Analysis) -> bool:
    """Add an error to every layer (and the design) whose size no machine could build.

    Errors go where the analysis keeps them (``LayerInfo.errors``, ``design_errors``), so
    ``analysis.valid`` becomes false and every consumer sees them as usual. Returns whether
    any was added.
    """
    too_many_params = analysis.total_params * BYTES_PER_VALUE > MAX_PARAM_BYTES
    too_many_acts = analysis.activation_bytes > MAX_ACTIVATION_BYTES
    if not (too_many_params or too_many_acts):
        return False
    flagged_params = flagged_acts = False
    too_big_outputs: set[str] = set()
    for lid, info in analysis.layers.items():
        param_bytes = info.params * BYTES_PER_VALUE
        if param_bytes > MAX_PARAM_BYTES:
            flagged_params = True
            info.errors.append(
                Diagnostic(
                    "too-large",
                    translate(
                        "Limits",
                        "{lid}: its {params:,} parameters need {value} (float32), more than the "
                        "{_LIMIT_TEXT} any machine can build",
                    ).format(
                        lid=lid,
                        params=info.params,
                        value=fmt_big_bytes(param_bytes),
                        _LIMIT_TEXT=_LIMIT_TEXT,
                    ),
                    lid,
                )
            )
        if info.activation_bytes > MAX_ACTIVATION_BYTES:
            flagged_acts = True
            if too_big_outputs.intersection(design[lid].inputs):
                # The cause is upstream and already reported (as for any broken input).
                too_big_outputs.add(lid)
                continue
            too_big_outputs.add(lid)
            info.errors.append(
                Diagnostic(
                    "too-large",
                    translate(
                        "Limits",
                        "{lid}: its output needs {value} for one image (float32), more than the "
                        "{_LIMIT_TEXT} any machine can hold",
                    ).format(
                        lid=lid, value=fmt_big_bytes(info.activation_bytes), _LIMIT_TEXT=_LIMIT_TEXT
                    ),
                    lid,
                )
            )
    if too_many_params and not flagged_params:
        need = fmt_big_bytes(analysis.total_params * BYTES_PER_VALUE)
        analysis.design_errors.append(
            Diagnostic(
                "too-large",
                translate(
                    "Limits",
                    "the model's {total_params:,} parameters need {need} (float32), more than the "
                    "{_LIMIT_TEXT} any machine can build",
                ).format(total_params=analysis.total_params, need=need, _LIMIT_TEXT=_LIMIT_TEXT),
            )
        )
    if too_many_acts and not flagged_acts:
        need = fmt_big_bytes(analysis.activation_bytes)
        analysis.design_errors.append(
            Diagnostic(
                "too-large",
                translate(
                    "Limits",
                    "the layers' outputs need {need} for one image (float32), more than the "
                    "{_LIMIT_TEXT} any machine can hold",
                ).format(need=need, _LIMIT_TEXT=_LIMIT_TEXT),
            )
        )
    return True
