"""``cnnstudio check`` and ``cnnstudio lr-find``: the checks before training, from the terminal.

``check`` prints one line per check (``--json``: the whole report) and exits 0 when every check
passes, 1 when one fails or the data cannot be loaded. ``lr-find`` prints the suggested learning
rate with the other usual markers (``--json``: ``{"suggestion", "lrs", "losses", ...}``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .datasets import BUILTIN_DATASETS, DatasetBundle, DatasetError, load_dataset
from .trainer import OPTIMIZERS

__all__ = ["add_check_arguments", "add_lr_find_arguments", "run_check", "run_lr_find"]


def _error(message: str) -> int:
    print(f"cnnstudio: error: {message}", file=sys.stderr)
    return 1


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="design file (.cnn.json)")
    parser.add_argument(
        "--dataset",
        metavar="NAME|PATH",
        help=f"{', '.join(BUILTIN_DATASETS)} or a folder with one sub-folder per class "
        "(default: the design's training setting, else digits)",
    )
    parser.add_argument("--data-dir", metavar="DIR", help="where the datasets are kept")
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="seed (default 0)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """``cnnstudio check DESIGN --dataset D [--json]``."""
    _common(parser)
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


def add_lr_find_arguments(parser: argparse.ArgumentParser) -> None:
    """``cnnstudio lr-find DESIGN --dataset D [--optimizer O] [--json]``."""
    _common(parser)
    parser.add_argument(
        "--optimizer", choices=OPTIMIZERS, default=None, help="default: the design's, else sgd"
    )
    parser.add_argument("--batch-size", type=int, default=None, metavar="N", help="default 64")
    parser.add_argument(
        "--batches", type=int, default=100, metavar="N", help="length of the sweep (default 100)"
    )
    parser.add_argument("--start-lr", type=float, default=1e-7, metavar="LR")
    parser.add_argument("--end-lr", type=float, default=10.0, metavar="LR")


def _load(args: argparse.Namespace) -> tuple[Any, DatasetBundle, dict[str, Any]]:
    """The design (refused as the train command refuses it) and its dataset."""
    from ..core.analysis import analyze
    from ..core.errors import CnnStudioError
    from ..core.fileio import load_design

    design = load_design(args.file)
    result = analyze(design)
    if not result.valid:
        errors = result.errors
        first = errors[0].message if errors else "the design has no output layer"
        raise CnnStudioError(f"{args.file}: {first}")
    input_shape = result.layers[result.input_id].output_shape if result.input_id else None
    if input_shape is None or len(input_shape) != 3:
        raise CnnStudioError(f"{args.file}: the checks need an image input (C x H x W)")
    training = dict(getattr(design, "training", None) or {})
    name = args.dataset or training.get("dataset") or "digits"
    bundle = load_dataset(
        str(name),
        tuple(input_shape),
        data_dir=args.data_dir or training.get("data_dir"),
        seed=args.seed,
    )
    return design, bundle, training


def run_check(args: argparse.Namespace) -> int:
    from ..core.errors import CnnStudioError
    from .sanity import SanityError, check_design

    try:
        design, bundle, _ = _load(args)
        report = check_design(
            design, bundle, seed=args.seed, samples=args.samples, steps=args.steps
        )
    except (DatasetError, SanityError) as exc:
        return _error(str(exc))
    except CnnStudioError as exc:
        return _error(str(exc))
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for line in report.lines():
            print(line)
        print("all checks passed" if report.passed else "some checks failed")
    return 0 if report.passed else 1


def run_lr_find(args: argparse.Namespace) -> int:
    from ..core.errors import CnnStudioError
    from .builder import build_model
    from .lr_finder import LRFinderError, find_lr

    try:
        design, bundle, training = _load(args)
        optimizer = args.optimizer or str(training.get("optimizer", "sgd"))
        batch_size = args.batch_size or int(training.get("batch_size", 64))
        result = find_lr(
            build_model(design, seed=args.seed),
            bundle,
            optimizer=optimizer,
            batch_size=batch_size,
            start_lr=args.start_lr,
            end_lr=args.end_lr,
            num_batches=args.batches,
            seed=args.seed,
        )
    except (DatasetError, LRFinderError) as exc:
        return _error(str(exc))
    except CnnStudioError as exc:
        return _error(str(exc))
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(f"suggested learning rate: {result.suggestion:.2e} (valley, {result.optimizer})")
        print(f"steepest descent: {result.steep:.2e}; lowest loss / 10: {result.minimum:.2e}")
        print(f"swept {len(result.lrs)} batches from {result.lrs[0]:.1e} to {result.lrs[-1]:.1e}")
    return 0
