"""``cnnstudio export``: Python, TorchScript, torch.export, ONNX or a train.py.

Exit 0 when written; 1 when the design has errors (listed on stderr, one per line) or the export
fails. A file that is not a design raises `DesignError`, which `cnnstudio.cli.main` reports
(exit 2). Importing this module does not import torch: `cnnstudio.engine.export` imports it
only to export.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.analysis import analyze
from ..core.errors import CnnStudioError
from ..core.fileio import SUFFIX, load_design
from ..engine.export import EXPORT_FORMATS, ExportError, export_design
from ..engine.ranges import MAX_SEED
from .common import EXIT_INVALID, EXIT_OK, error, int_between

__all__ = ["add_arguments", "default_output", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    formats = "; ".join(f"{f.name}: {f.description}" for f in EXPORT_FORMATS.values())
    parser.description = (
        "Export a design as PyTorch code or as a model file. Without --weights the weights are "
        "the design's seeded initialization. Formats: " + formats + "."
    )
    parser.add_argument("file", help=f"design file ({SUFFIX})")
    parser.add_argument(
        "-f",
        "--format",
        choices=list(EXPORT_FORMATS),
        default="python",
        help="what to write (default: %(default)s); for a model file to deploy, "
        "exported-program is recommended over the deprecated torchscript",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="file to write (default: the design file's name with the format's suffix)",
    )
    parser.add_argument(
        "--weights",
        metavar="CKPT",
        help="a checkpoint written by `cnnstudio train`, or a torch.save(state_dict) file",
    )
    parser.add_argument(
        "--seed",
        type=int_between(0, MAX_SEED),
        default=0,
        help=f"seed of the initial weights when --weights is not given, 0 to {MAX_SEED} "
        "(default: %(default)s)",
    )


def default_output(design_file: str | Path, fmt: str) -> Path:
    """Where an export goes without ``-o``: ``net.cnn.json`` -> ``net.py`` in the same folder."""
    path = Path(design_file)
    name = path.name
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else path.stem
    return path.with_name(stem + EXPORT_FORMATS[fmt].suffix)


def run(args: argparse.Namespace) -> int:
    design = load_design(args.file)
    analysis = analyze(design)
    if not analysis.valid:
        messages = [d.message for d in analysis.errors] or ["the design has no output layer"]
        count = len(messages)
        error(
            f"{args.file}: the design has {count} error{'s' if count != 1 else ''}, "
            "nothing was exported"
        )
        for message in messages:
            print(f"  {message}", file=sys.stderr)
        return EXIT_INVALID
    out = Path(args.output) if args.output else default_output(args.file, args.format)
    if out.exists() and out.resolve() == Path(args.file).resolve():
        return error(f"{out}: would overwrite the design file")
    try:
        written = export_design(design, args.format, out, weights=args.weights, seed=args.seed)
    except (ExportError, CnnStudioError) as exc:
        return error(str(exc))
    title = EXPORT_FORMATS[args.format].title
    print(f"wrote {written[0]} ({title})", file=sys.stderr)
    extra_kind = "data for the script" if args.format == "train-script" else "weights"
    for extra in written[1:]:
        print(f"wrote {extra} ({extra_kind})", file=sys.stderr)
    return EXIT_OK
