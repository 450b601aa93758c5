"""``cnnstudio figure DESIGN -o net.svg``: the network drawn for slides, from the command line.

The same drawing as File ▸ Export Figure (the light theme, the blocks as the canvas shows
them), rendered offscreen: no window opens, so it works on a server or in a Makefile. Qt is
imported only when the command runs.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..core.errors import CnnStudioError
from ..core.fileio import SUFFIX, load_design
from .common import EXIT_OK

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=f"design file ({SUFFIX})")
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="figure to write: .svg, .pdf or .png"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=2.0,
        metavar="S",
        help="PNG pixels per point (default 2; SVG and PDF are vector drawings)",
    )
    parser.add_argument(
        "--only", metavar="ID,ID", help="draw only these blocks (and the connections between them)"
    )


def run(args: argparse.Namespace) -> int:
    design = load_design(args.file)
    selection = None
    if args.only:
        selection = [part.strip() for part in args.only.split(",") if part.strip()]
        missing = [lid for lid in selection if lid not in design]
        if missing:
            raise CnnStudioError(f"--only: no block named {', '.join(missing)} in {args.file}")
    # Nothing is shown: draw offscreen whatever display there is (and where there is none).
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["cnnstudio"])
    from ..gui.figures import export_design_figure

    written = export_design_figure(design, args.output, scale=args.scale, selection=selection)
    del app
    print(f"wrote {written}", file=sys.stderr)
    return EXIT_OK
