"""Loading a design to train or check, and its dataset: shared by ``train``, ``check`` and
``lr-find`` so that they refuse a design, and pick a dataset, the same way.

A file that is not a design raises `DesignError` (exit 2, reported by `cnnstudio.cli.main`); a
design that cannot be trained raises `CnnStudioError` with a one-line message naming the file
and its first error. torch is imported only when a dataset is involved.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.analysis import Analysis, analyze
from ..core.design import Design
from ..core.errors import CnnStudioError
from ..core.fileio import load_design

if TYPE_CHECKING:
    from ..engine.datasets import DatasetBundle

__all__ = [
    "TrainableDesign",
    "add_dataset_arguments",
    "load_checkable",
    "load_trainable",
    "training_settings",
]

DEFAULT_DATASET = "digits"
"""The dataset when neither ``--dataset`` nor the design's training settings name one (it
ships with cnnstudio, so the default works offline)."""


@dataclass(frozen=True)
class TrainableDesign:
    """A design without errors, with the shapes a training run needs."""

    design: Design
    analysis: Analysis
    input_shape: tuple[int, ...]
    """The Input's shape, without the batch axis."""
    output_id: str
    output_shape: tuple[int, ...] | None


def load_trainable(file: str) -> TrainableDesign:
    """Load ``file`` and refuse it, in one line, when it has errors or no Input."""
    design = load_design(file)
    result = analyze(design)
    if not result.valid:
        errors = result.errors
        first = errors[0].message if errors else "the design has no output layer"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise CnnStudioError(f"{file}: {first}{more}")
    assert result.output_id is not None  # a valid analysis has found the output
    input_shape = result.layers[result.input_id].output_shape if result.input_id else None
    if input_shape is None:
        raise CnnStudioError(f"{file}: the design has no Input layer")
    output_shape = result.layers[result.output_id].output_shape
    return TrainableDesign(
        design,
        result,
        tuple(input_shape),
        result.output_id,
        tuple(output_shape) if output_shape is not None else None,
    )


def training_settings(design: Design) -> dict[str, Any]:
    """The design's own training settings (a copy; empty when it has none)."""
    training = getattr(design, "training", None)
    return dict(training) if isinstance(training, Mapping) else {}


def add_dataset_arguments(parser: argparse.ArgumentParser) -> None:
    """``--dataset NAME|PATH`` and ``--data-dir DIR``, as every command that reads data has them."""
    from ..engine.datasets import BUILTIN_DATASETS

    parser.add_argument(
        "--dataset",
        metavar="NAME|PATH",
        help=f"{', '.join(BUILTIN_DATASETS)} or a folder with one sub-folder per class "
        f"(default: the design's training setting, else {DEFAULT_DATASET})",
    )
    parser.add_argument(
        "--data-dir", metavar="DIR", help="folder where the datasets are kept (and downloaded)"
    )


def load_checkable(args: argparse.Namespace) -> tuple[Design, DatasetBundle, dict[str, Any]]:
    """The design of ``args.file`` (refused as ``train`` refuses it, and when its input is not an
    image), the dataset ``--dataset``/``--data-dir`` or its training settings name, and those
    settings. Raises `CnnStudioError` or `DatasetError`."""
    from ..engine.datasets import load_dataset

    loaded = load_trainable(args.file)
    if len(loaded.input_shape) != 3:
        raise CnnStudioError(f"{args.file}: the checks need an image input (C x H x W)")
    training = training_settings(loaded.design)
    name = args.dataset or training.get("dataset") or DEFAULT_DATASET
    bundle = load_dataset(
        str(name),
        loaded.input_shape,
        data_dir=args.data_dir or training.get("data_dir"),
        seed=args.seed,
    )
    return loaded.design, bundle, training
