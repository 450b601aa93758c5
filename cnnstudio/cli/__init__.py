"""The ``cnnstudio`` command line: summary, templates, new, export, train, import, check,
lr-find, figure and gui, one module each in this package (see `cnnstudio.cli.parser`), over
the core's and the engine's functions.

User errors print one line ``cnnstudio: error: ...`` on stderr and exit 2 (not a design, or a
usage error such as ``--epochs abc``) or 1 (a design with errors, a data problem); never a
traceback. Heavy modules (torch, Qt) are imported only by the commands that need them.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence

from ..core.errors import CnnStudioError, DesignError
from ..core.templates import TemplateError
from .common import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_NOT_A_DESIGN,
    EXIT_OK,
    error,
)
from .parser import COMMANDS, build_parser

__all__ = ["build_parser", "gui_main", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cnnstudio`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        argv = ["gui", *argv]  # `cnnstudio` and `cnnstudio FILE` open the window
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.func(args))
    except BrokenPipeError:
        # The reader went away (``summary FILE | head``): stop quietly, like a shell tool. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except DesignError as exc:
        error(str(exc))
        return EXIT_NOT_A_DESIGN
    except (CnnStudioError, TemplateError) as exc:
        error(str(exc))
        return EXIT_INVALID
    except KeyboardInterrupt:
        error("interrupted")
        return EXIT_INTERRUPTED


def gui_main() -> int:
    """Entry point of the ``cnnstudio-gui`` launcher (desktop file)."""
    return main(["gui", *sys.argv[1:]])
