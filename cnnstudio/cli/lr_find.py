"""``cnnstudio lr-find DESIGN``: sweep the learning rate over a few batches and print the
suggested one with the other usual markers (``--json``: ``{"suggestion", "lrs", "losses", ...}``).

Exit 0 with a suggestion, 1 when the design, the data or the sweep fails, 2 when the file is not
a design.
"""

from __future__ import annotations

import argparse
import json

from ..core.errors import CnnStudioError, DesignError
from ..engine.builder import build_model
from ..engine.datasets import DatasetError
from ..engine.lr_finder import LRFinderError, find_lr
from ..engine.trainer import OPTIMIZERS
from .check import add_common_arguments
from .common import EXIT_OK, error
from .loading import load_checkable

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument(
        "--optimizer", choices=OPTIMIZERS, default=None, help="default: the design's, else sgd"
    )
    parser.add_argument("--batch-size", type=int, default=None, metavar="N", help="default 64")
    parser.add_argument(
        "--batches", type=int, default=100, metavar="N", help="length of the sweep (default 100)"
    )
    parser.add_argument("--start-lr", type=float, default=1e-7, metavar="LR")
    parser.add_argument("--end-lr", type=float, default=10.0, metavar="LR")


def run(args: argparse.Namespace) -> int:
    try:
        design, bundle, training = load_checkable(args)
        result = find_lr(
            build_model(design, seed=args.seed),
            bundle,
            optimizer=args.optimizer or str(training.get("optimizer", "sgd")),
            batch_size=args.batch_size or int(training.get("batch_size", 64)),
            start_lr=args.start_lr,
            end_lr=args.end_lr,
            num_batches=args.batches,
            seed=args.seed,
        )
    except DesignError:
        raise  # not a design: exit 2, as for every command
    except (CnnStudioError, DatasetError, LRFinderError) as exc:
        return error(str(exc))
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(f"suggested learning rate: {result.suggestion:.2e} (valley, {result.optimizer})")
        print(f"steepest descent: {result.steep:.2e}; lowest loss / 10: {result.minimum:.2e}")
        print(f"swept {len(result.lrs)} batches from {result.lrs[0]:.1e} to {result.lrs[-1]:.1e}")
    return EXIT_OK
