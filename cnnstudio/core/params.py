"""Parameter specifications: the typed, ranged, documented fields of a layer type.

The inspector builds its form from these, the analysis validates with them, and the file
writer orders keys by them, so a parameter is described exactly once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

from .i18n import translate

ParamKind = Literal["int", "float", "bool", "size", "padding", "shape", "axis", "text"]


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One parameter of a layer type.

    Kinds: ``int``; ``float``; ``bool``; ``size`` (a positive int for every spatial axis, or a
    list with one per axis); ``padding`` (like ``size`` but 0 allowed, or one of ``choices``);
    ``shape`` (a list of 1 to 3 positive ints); ``axis`` (an int, negative counts from the end);
    ``text`` (a string, one of ``choices`` when they are given).
    """

    name: str
    kind: ParamKind
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    choices: tuple[str, ...] = ()

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable, in words, or ``None`` when it is."""
        kind = self.kind
        if _too_large(value):
            # torch stores every size and count as a 64-bit integer; past that nothing can be
            # built, and such numbers overflow float arithmetic (and printing, past 4300 digits).
            return f"{self.name} is too large: every integer must be at most {INT_MAX:,}"
        if kind == "int" or kind == "axis":
            if type(value) is not int:
                return f"{self.name} must be an integer, got {_show(value)}"
            return self._range_problem(value)
        if kind == "float":
            if type(value) not in (int, float) or not math.isfinite(value):
                return f"{self.name} must be a number, got {_show(value)}"
            return self._range_problem(value)
        if kind == "bool":
            if type(value) is not bool:
                return f"{self.name} must be true or false, got {_show(value)}"
            return None
        if kind == "text":
            if not isinstance(value, str):
                return f"{self.name} must be a string, got {_show(value)}"
            if self.choices and value not in self.choices:
                options = " or ".join(f'"{c}"' for c in self.choices)
                return f"{self.name} must be {options}, got {_show(value)}"
            return None
        if kind == "padding" and isinstance(value, str):
            if value in self.choices:
                return None
            options = " or ".join(f'"{c}"' for c in self.choices)
            return (
                f"{self.name} must be an integer, a list of integers, {options}, got {_show(value)}"
            )
        if kind in ("size", "padding", "shape"):
            lowest = int(self.minimum if self.minimum is not None else 1)
            what = "a positive integer" if lowest >= 1 else "an integer of at least 0"
            if type(value) is int:
                if kind == "shape":
                    return f"{self.name} must be a list like [1, 28, 28], got {_show(value)}"
                return None if value >= lowest else f"{self.name} must be {what}, got {value}"
            if isinstance(value, list) and value and all(type(v) is int for v in value):
                if kind == "shape" and len(value) > 3:
                    return (
                        f"{self.name} must have 1 to 3 axes ([F], [C, L] or [C, H, W]), got {value}"
                    )
                if all(v >= lowest for v in value):
                    return None
                return f"{self.name} must hold only values of at least {lowest}, got {value}"
            return f"{self.name} must be {what} or a list of them, got {_show(value)}"
        return None  # pragma: no cover - every kind is handled above

    def _range_problem(self, value: float) -> str | None:
        lo, hi = self.minimum, self.maximum
        if (lo is None or value >= lo) and (hi is None or value <= hi):
            return None
        got = _number(value)
        if lo is not None and hi is not None:
            return f"{self.name} must be between {_number(lo)} and {_number(hi)}, got {got}"
        if lo is not None:
            return f"{self.name} must be at least {_number(lo)}, got {got}"
        return f"{self.name} must be at most {_number(hi)}, got {got}"


INT_MAX = 2**63 - 1
"""The largest integer a parameter may hold (torch's int64)."""


def _too_large(value: Any) -> bool:
    """Whether ``value`` is an integer (or a list holding one) outside the int64 range."""
    if type(value) is int:
        return not -INT_MAX <= value <= INT_MAX
    if type(value) is list:
        return any(type(v) is int and not -INT_MAX <= v <= INT_MAX for v in value)
    return False


def _number(value: float | None) -> str:
    """Whole numbers without a decimal point (``16777216``), others as Python prints them."""
    if value is None:
        return "?"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _show(value: Any) -> str:
    text = (
        repr(value)
        if not isinstance(value, str)
        else translate("Params", '"{value}"').format(value=value)
    )
    return text if len(text) <= 30 else text[:27] + "..."
