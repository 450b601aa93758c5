"""``cnnstudio import``: a torchvision model, a module from a file or a torch.export program as
a design file (and optionally the weights of its generated module).

Exit status: 0 imported and verified; 1 the model cannot be imported, or the import is not
verified (the design is still written); 2 the source is not there (no such file or name).
torch is imported only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..core.errors import CnnStudioError
from ..core.fileio import SUFFIX, save_design
from .common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, error, sizes

__all__ = ["add_arguments", "run"]

EXIT_BAD_SOURCE = EXIT_USAGE  # the command cannot run: no source, or none by that name


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Import a model as an ordinary design, verified against the original: "
        "torchvision:NAME (a classification builder of the installed torchvision), "
        "FILE.py:NAME (an nn.Module class built without arguments, or a function returning "
        "one) or FILE.pt2 (a torch.export program)."
    )
    parser.add_argument("source", nargs="?", help="torchvision:NAME, FILE.py:NAME or FILE.pt2")
    parser.add_argument("-o", "--output", metavar="DESIGN", help=f"design file to write ({SUFFIX})")
    parser.add_argument(
        "--weights-out",
        metavar="WEIGHTS.pt",
        help="write the model's weights as a state_dict of the design's generated module "
        "(what `export --weights` and `train` take)",
    )
    parser.add_argument(
        "--pretrained",
        action="store_true",
        help="torchvision's default weights (downloaded to, or read from, torchvision's cache)",
    )
    parser.add_argument(
        "--input",
        type=sizes("3,224,224"),
        metavar="C,H,W",
        help="input shape (default: the model's own, or 3,224,224 for torchvision)",
    )
    parser.add_argument(
        "--classes",
        type=int,
        metavar="N",
        help="transfer learning: replace the classifier for N classes and freeze every layer "
        "before it (the weights keep the pretrained body and a fresh head)",
    )
    parser.add_argument(
        "--freeze-until",
        metavar="LAYER",
        help="with --classes: freeze only up to and including this layer id",
    )
    parser.add_argument(
        "--list", action="store_true", help="list torchvision's classification models and exit"
    )


def run(args: argparse.Namespace) -> int:
    from ..engine.importer import (
        ImportModelError,
        ImportSourceError,
        classification_models,
        import_model,
    )

    if args.list:
        print("\n".join(classification_models()))
        return EXIT_OK
    if not args.source:
        error("give a SOURCE (or --list)")
        return EXIT_BAD_SOURCE
    if not args.output:
        error(f"give the design file to write with -o DESIGN{SUFFIX}")
        return EXIT_BAD_SOURCE
    try:
        result = import_model(args.source, input_shape=args.input, pretrained=args.pretrained)
    except ImportSourceError as exc:
        error(str(exc))
        return EXIT_BAD_SOURCE
    except ImportModelError as exc:
        return error(str(exc))
    state = result.state_dict
    if args.classes is not None or args.freeze_until is not None:
        from ..core.transfer import transfer_command
        from ..engine.transfer import transfer_state

        if args.classes is None:
            error("--freeze-until needs --classes")
            return EXIT_BAD_SOURCE
        try:
            transfer_command(result.design, args.classes, args.freeze_until).do(result.design)
        except CnnStudioError as exc:
            return error(str(exc))
        state, fresh = transfer_state(state, result.design)
        frozen = sum(lay.frozen for lay in result.design)
        print(
            f"transfer learning: {frozen} layers frozen, new head ({', '.join(fresh)})",
            file=sys.stderr,
        )
    try:
        save_design(result.design, args.output)
        if args.weights_out:
            from ..engine.export import save_weights

            save_weights(state, Path(args.weights_out))
    except (OSError, CnnStudioError) as exc:
        return error(f"cannot write: {exc}")
    for line in result.report():
        print(line, file=sys.stderr)
    written = f"wrote {args.output}"
    if args.weights_out:
        written += f" and {args.weights_out}"
    print(written, file=sys.stderr)
    return EXIT_OK if result.verification.ok else EXIT_INVALID
