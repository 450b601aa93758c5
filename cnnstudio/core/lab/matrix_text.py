"""Matrices typed or pasted by a person: ``1 2 1; 2 4 2; 1 2 1``, a spreadsheet's cells, fractions.

Rows end at a new line or a ``;``; values are separated by spaces, tabs or commas. A value may
be a fraction (``1/16``). When values are separated by spaces or tabs, a comma inside a value is
a decimal comma (``0,5``), as Brazilian Portuguese writes it and as a spreadsheet pastes it.
"""

from __future__ import annotations

import re
from fractions import Fraction

import numpy as np
from numpy.typing import NDArray

from ..i18n import translate
from .arithmetic import LabError, format_number

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _value(token: str, row: int) -> float:
    text = token.strip().replace("−", "-")
    if "/" in text:
        top, _, bottom = text.partition("/")
        if _NUMBER.match(top.strip()) and _NUMBER.match(bottom.strip()):
            denominator = float(bottom)
            if denominator == 0:
                raise LabError(
                    translate("Lab", "row {row}: {token!r} divides by zero").format(
                        row=row, token=token
                    )
                )
            return float(Fraction(top.strip()) / Fraction(bottom.strip()))
    if _NUMBER.match(text):
        return float(text)
    raise LabError(
        translate("Lab", "row {row}: {token!r} is not a number").format(row=row, token=token)
    )


def parse_matrix(text: str) -> NDArray[np.float64]:
    """The matrix written in ``text``; a one-line message names the row and the value at fault."""
    lines = [line.strip() for line in re.split(r"[;\n]", text.strip()) if line.strip()]
    if not lines:
        raise LabError(
            translate(
                "Lab", "the matrix is empty: type numbers separated by spaces, one row a line"
            )
        )
    rows: list[list[float]] = []
    for number, line in enumerate(lines, start=1):
        spaced = re.split(r"[ \t]+", line)
        if len(spaced) > 1:
            # Spaces separate the values; a comma is then a decimal comma or a stray separator.
            tokens = [t for part in spaced for t in _split_commas(part)]
        else:
            tokens = [t for t in line.split(",") if t.strip()]
        rows.append([_value(token, number) for token in tokens])
    widths = {len(row) for row in rows}
    if len(widths) != 1:
        counts = ", ".join(str(len(row)) for row in rows)
        raise LabError(
            translate(
                "Lab", "every row needs the same number of values (the rows have {counts})"
            ).format(counts=counts)
        )
    return np.array(rows, dtype=np.float64)


def _split_commas(part: str) -> list[str]:
    """``0,5`` is one value with a decimal comma; ``1,`` is a value followed by a separator."""
    if re.fullmatch(r"[+-]?\d+,\d+", part):
        return [part.replace(",", ".")]
    return [t for t in part.split(",") if t]


def format_matrix(matrix: NDArray[np.float64], decimals: int = 4) -> str:
    """A matrix as `parse_matrix` reads it back: one row a line, values separated by spaces."""
    array = np.atleast_2d(np.asarray(matrix, dtype=np.float64))
    return "\n".join(" ".join(format_number(v, decimals) for v in row) for row in array)
