"""Fixed parameter values in a design: a layer's ``weights`` (format version 3).

A design may fix the values of a layer's parameters, e.g. a hand-made 3x3 filter (blur, Sobel)
put into a frozen Conv from the Convolution Lab, so that it sits beside learned filters. The
values are nested lists of numbers shaped as torch shapes the module's parameters
(``Conv2d.weight`` is ``[out, in / groups, kh, kw]``); the code generator writes them into the
exported ``__init__``, so the app's model, every export and training start from them.

A design file is not a checkpoint: at most `MAX_FIXED_VALUES` numbers per layer, so that files
stay small and diffable (trained weights travel as a ``.pt`` state_dict instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .diagnostics import ClearWeightsEdit, Diagnostic, Fix
from .formatting import fmt_shape
from .i18n import translate

MAX_FIXED_VALUES = 65_536

Shape = tuple[int, ...]


def nested_shape(value: Any) -> Shape | None:
    """The shape of a rectangular nested list of numbers (``()`` for one number), else None."""
    if type(value) in (int, float):
        return ()
    if not isinstance(value, list) or not value:
        return None
    inner = [nested_shape(v) for v in value]
    first = inner[0]
    if first is None or any(s != first for s in inner):
        return None
    return (len(value), *first)


def weights_problem(raw: Any) -> str | None:
    """Why ``raw`` cannot be a layer's ``weights`` value, in words, or None when it can."""
    if not isinstance(raw, dict) or not raw:
        return "must be an object of parameter names and nested lists of numbers"
    total = 0
    for name, value in raw.items():
        if not isinstance(name, str) or not name.isidentifier():
            return f"has the parameter name {name!r}, which is not a name"
        shape = nested_shape(value)
        if not shape:
            return f"{name} must be a nested list of numbers with rows of equal length"
        count = 1
        for d in shape:
            count *= d
        total += count
    if total > MAX_FIXED_VALUES:
        return (
            f"holds {total:,} numbers, more than the {MAX_FIXED_VALUES:,} a design keeps "
            "(save trained weights as a .pt file instead)"
        )
    return None


def weights_diagnostic(
    lid: str,
    layer_type: str,
    expected: Mapping[str, Shape] | None,
    weights: Mapping[str, Any],
) -> Diagnostic | None:
    """The error when ``weights`` do not fit the layer's parameters (``expected``), or None."""
    clear = Fix(
        translate("Commands", "Clear {layer}'s fixed weights").format(layer=lid),
        (ClearWeightsEdit(lid),),
    )
    if expected is None:
        text = translate(
            "FixedWeights", "{lid}: a {layer_type} has no parameters whose values a design can fix"
        ).format(lid=lid, layer_type=layer_type)
        return Diagnostic("bad-fixed-weights", text, lid, clear)
    for name, value in weights.items():
        if name not in expected:
            known = ", ".join(expected) or "none"
            text = translate(
                "FixedWeights",
                "{lid}: fixed weights name {name!r}, which the layer has not (it has {known})",
            ).format(lid=lid, name=name, known=known)
            return Diagnostic("bad-fixed-weights", text, lid, clear)
        shape = nested_shape(value)
        if shape != tuple(expected[name]):
            text = translate(
                "FixedWeights", "{lid}: the fixed {name} is {shape}, the layer's {name} is {wanted}"
            ).format(
                lid=lid, name=name, shape=fmt_shape(shape or ()), wanted=fmt_shape(expected[name])
            )
            return Diagnostic("bad-fixed-weights", text, lid, clear)
    return None


def describe(weights: Mapping[str, Any]) -> str:
    """One line for the inspector: ``weight 1x1x3x3, bias 1``."""
    return ", ".join(f"{name} {fmt_shape(nested_shape(v) or ())}" for name, v in weights.items())
