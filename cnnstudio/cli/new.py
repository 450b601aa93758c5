"""``cnnstudio new``: a design from a template, optionally fitted to another input shape or
number of classes, written to a file or to stdout. Exit 1 when the result has errors (they are
printed as warnings; the design is still written)."""

from __future__ import annotations

import argparse
import sys

from ..core.analysis import analyze
from ..core.fileio import dumps_design, save_design
from ..core.formatting import fmt_int
from ..core.templates import TEMPLATES, adapt, get_template
from .common import EXIT_INVALID, EXIT_OK, positive_int, sizes

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--template", "-t", default="lenet5", choices=list(TEMPLATES), metavar="NAME"
    )
    parser.add_argument(
        "--input", type=sizes("1,28,28"), metavar="C,H,W", help="adapt the input shape"
    )
    parser.add_argument(
        "--classes", type=positive_int, metavar="N", help="adapt the number of classes"
    )
    parser.add_argument("--name", help="design name")
    parser.add_argument("-o", "--output", metavar="FILE", help="where to write (default: stdout)")


def run(args: argparse.Namespace) -> int:
    design = get_template(args.template)
    if args.input is not None or args.classes is not None:
        design = adapt(design, args.input, args.classes)
    if args.name:
        design.name = args.name
    analysis = analyze(design)
    if args.output in (None, "-"):
        sys.stdout.write(dumps_design(design))
    else:
        save_design(design, args.output, backup=False)
        print(
            f"wrote {args.output}: {design.name}, {fmt_int(analysis.total_params)} parameters",
            file=sys.stderr,
        )
    for diag in analysis.errors:
        print(f"warning: {diag.message}", file=sys.stderr)
    return EXIT_OK if analysis.valid else EXIT_INVALID
