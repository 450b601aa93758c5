"""Numbers and shapes formatted for people: thousands separators, k/M suffixes, ``6x28x28``."""

from __future__ import annotations

from collections.abc import Sequence

from .i18n import format_decimal, format_int


def fmt_int(n: int) -> str:
    """``61706`` -> ``61,706`` (``61.706`` where the GUI runs in Portuguese, see `i18n`)."""
    return format_int(n)


def fmt_compact(n: float) -> str:
    """``48120`` -> ``48.1 k``, ``11689512`` -> ``11.7 M``, small numbers as they are."""
    a = abs(n)
    if a < 1000:
        return f"{n:g}" if isinstance(n, float) else str(n)
    for div, suffix in ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= div:
            value = n / div
            text = format_decimal(value, 1) if abs(value) < 100 else format_decimal(value, 0)
            # "48.0 k" reads "48 k", whatever the decimal point ("48,0" in Portuguese).
            return f"{text.removesuffix('.0').removesuffix(',0')} {suffix}"
    return str(n)  # unreachable, keeps type checkers calm


def fmt_shape(shape: Sequence[int] | None) -> str:
    """``(6, 28, 28)`` -> ``6x28x28``; ``None`` (unknown) -> ``?``."""
    if shape is None:
        return "?"
    return "x".join(str(d) for d in shape)


def fmt_bytes(n: int) -> str:
    """Bytes in B, KB, MB or GB (powers of 1000, as model sizes are usually quoted)."""
    if n < 1000:
        return f"{n} B"
    for div, suffix in ((1e9, "GB"), (1e6, "MB"), (1e3, "KB")):
        if n >= div:
            return f"{format_decimal(n / div, 2)} {suffix}"
    return f"{n} B"


def fmt_size(values: Sequence[int]) -> str:
    """A per-axis size as the textbook writes it: ``(5, 5)`` -> ``5x5``, ``(3,)`` -> ``3``."""
    return "x".join(str(v) for v in values)


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (``\\n``), on one line.

    Ids, file names and values come from users' files, so a message that quotes them must not
    split into several lines on a terminal or in a log.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type's name when it says nothing): what a
    status line or a result window shows of a failure whose details are for the log."""
    text = str(exc).strip()
    return one_line(text.splitlines()[0]) if text else type(exc).__name__
