"""``cnnstudio check DESIGN``: the sanity checks before training (the loss at initialization,
overfitting a tiny batch...), one line per check (``--json``: the whole report).

Exit 0 when every check passes, 1 when one fails or the data cannot be loaded, 2 when the file
is not a design.
"""

from __future__ import annotations

import argparse
import json

from ..core.errors import CnnStudioError, DesignError
from ..engine.datasets import DatasetError
from ..engine.sanity import SanityError, check_design
from .common import EXIT_INVALID, EXIT_OK, error
from .loading import add_dataset_arguments, load_checkable

__all__ = ["add_arguments", "add_common_arguments", "run"]


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments ``check`` and ``lr-find`` share: the design, its data, the seed, --json."""
    parser.add_argument("file", help="design file (.cnn.json)")
    add_dataset_arguments(parser)
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="seed (default 0)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument(
        "--samples",
        type=int,
        default=8,
        metavar="N",
        help="size of the tiny batch to overfit (2-16)",
    )
    parser.add_argument(
        "--steps", type=int, default=300, metavar="N", help="step budget for overfitting it"
    )


def run(args: argparse.Namespace) -> int:
    try:
        design, bundle, _ = load_checkable(args)
        report = check_design(
            design, bundle, seed=args.seed, samples=args.samples, steps=args.steps
        )
    except DesignError:
        raise  # not a design: exit 2, as for every command
    except (CnnStudioError, DatasetError, SanityError) as exc:
        return error(str(exc))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for line in report.lines():
            print(line)
        print("all checks passed" if report.passed else "some checks failed")
    return EXIT_OK if report.passed else EXIT_INVALID
