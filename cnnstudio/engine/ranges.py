"""Ranges of numeric settings (seed, CPU threads), and the argparse type that enforces them.

`TrainSettings` checks these ranges for settings from any source (a design's ``training``, the
GUI); on the command line `int_between` makes a value outside them a usage error, reported in
one line with exit 2 before any work starts, instead of an overflow (``--seed 10**30``) or an
OpenMP abort (``--num-threads 1000000``) later.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

MAX_SEED = 2**32 - 1
"""Seeds are 32-bit, as numpy's and the exported train.py's generators take them."""

MAX_THREADS = 1024
"""More CPU threads than any machine has cores only costs memory."""


def int_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` accepting whole numbers from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            shown = text if len(text) <= 30 else text[:27] + "..."
            raise argparse.ArgumentTypeError(f"expected a whole number, got {shown!r}") from None
        if not low <= value <= high:
            shown = str(value) if value.bit_length() < 100 else "a number that large"
            raise argparse.ArgumentTypeError(f"expected {low} to {high}, got {shown}")
        return value

    parse.__name__ = "int"  # argparse names the type in some messages
    return parse
