"""What every command shares: exit codes, the one-line error, the parser, argument types.

Errors print one line ``cnnstudio: error: ...`` on stderr (control characters escaped, so a
file name or id from a user's file cannot split it). Argument types raise
``argparse.ArgumentTypeError``, which the parser turns into a one-line usage error (exit 2)
before any work starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import NoReturn, TextIO

from ..core.formatting import one_line

__all__ = [
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_NOT_A_DESIGN",
    "EXIT_OK",
    "EXIT_USAGE",
    "Parser",
    "error",
    "int_between",
    "positive_int",
    "sizes",
]

EXIT_OK, EXIT_INVALID, EXIT_NOT_A_DESIGN = 0, 1, 2
EXIT_USAGE = 2  # argparse's convention, shared with "not a design": the command cannot run
EXIT_BROKEN_PIPE = 128 + 13  # what a shell tool killed by SIGPIPE reports (``summary | head``)
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl+C


def error(message: str, stream: TextIO | None = None) -> int:
    """Print ``cnnstudio: error: MESSAGE`` as one line (on stderr by default); returns 1.

    The stream is looked up at call time, so that a redirected ``sys.stderr`` is honoured."""
    print(f"cnnstudio: error: {one_line(message)}", file=sys.stderr if stream is None else stream)
    return EXIT_INVALID


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line like every other error (exit 2)."""

    def error(self, message: str) -> NoReturn:
        error(f"{self.prog}: {message} (see {self.prog} --help)")
        sys.exit(EXIT_USAGE)


def positive_int(text: str) -> int:
    """An argparse ``type``: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def sizes(example: str) -> Callable[[str], tuple[int, ...]]:
    """An argparse ``type`` for a shape of 1 to 3 positive sizes (``1,28,28`` or ``1x28x28``);
    ``example`` is the shape its messages suggest."""

    def parse(text: str) -> tuple[int, ...]:
        try:
            shape = tuple(int(part) for part in text.replace("x", ",").split(",") if part.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected sizes like {example}, got {text!r}"
            ) from None
        if not 1 <= len(shape) <= 3 or any(v < 1 for v in shape):
            raise argparse.ArgumentTypeError(
                f"expected 1 to 3 positive sizes like {example}, got {text!r}"
            )
        return shape

    parse.__name__ = "shape"  # argparse names the type in some messages
    return parse


def int_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` accepting whole numbers from ``low`` to ``high``.

    A value outside the range (`cnnstudio.engine.ranges`) is then a usage error before any work
    starts, instead of an overflow (``--seed 10**30``) or an OpenMP abort
    (``--num-threads 1000000``) later."""

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
