"""The ``cnnstudio`` command line: summary, templates, new, export, train, import and gui.

User errors print one line ``cnnstudio: error: ...`` on stderr and exit 2 (not a design) or 1
(a design with errors, a data problem); never a traceback. Heavy modules (torch, Qt) are
imported only by the subcommands that need them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__
from .core.analysis import Analysis, analyze
from .core.errors import CnnStudioError, DesignError
from .core.fileio import SUFFIX, load_design, save_design
from .core.formatting import fmt_compact, fmt_int, fmt_shape
from .core.templates import TEMPLATES, TemplateError, adapt, get_template

EXIT_OK, EXIT_INVALID, EXIT_NOT_A_DESIGN = 0, 1, 2


def _error(message: str) -> None:
    print(f"cnnstudio: error: {message}", file=sys.stderr)


# -- summary ----------------------------------------------------------------------------------
def summary_json(analysis: Analysis, design_layers: dict[str, Any]) -> dict[str, Any]:
    """The ``summary --json`` document: one entry per layer in topological order, then totals."""
    layers = []
    for lid, info in analysis.layers.items():
        layers.append(
            {
                "id": lid,
                "type": design_layers[lid].type,
                "output_shape": list(info.output_shape) if info.output_shape is not None else None,
                "params": info.params if info.output_shape is not None else None,
                "trainable_params": info.trainable_params
                if info.output_shape is not None
                else None,
                "macs": info.macs if info.output_shape is not None else None,
                "errors": [d.message for d in info.errors if d.severity == "error"],
            }
        )
    return {
        "layers": layers,
        "total_params": analysis.total_params,
        "trainable_params": analysis.trainable_params,
        "total_macs": analysis.total_macs,
        "valid": analysis.valid,
        "errors": [d.message for d in analysis.errors],
    }


def summary_table(analysis: Analysis) -> str:
    """The textbook table: layer, type, output shape, parameters, MACs, then totals and errors."""
    rows = [("layer", "type", "output", "params", "MACs")]
    for lid, info in analysis.layers.items():
        known = info.output_shape is not None
        rows.append(
            (
                lid,
                info.type,
                fmt_shape(info.output_shape),
                fmt_int(info.params) if known else "?",
                fmt_int(info.macs) if known else "?",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for n, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines.append("")
    lines.append(
        f"total params: {fmt_int(analysis.total_params)} "
        f"(trainable {fmt_int(analysis.trainable_params)}, "
        f"frozen {fmt_int(analysis.frozen_params)})"
    )
    lines.append(f"total MACs: {fmt_int(analysis.total_macs)} ({fmt_compact(analysis.total_macs)})")
    lines.append(f"model size: {analysis.size_mb:.2f} MB (float32 parameters)")
    for diag in analysis.diagnostics:
        lines.append(f"{diag.severity}: {diag.message}")
    lines.append("valid" if analysis.valid else f"invalid: {len(analysis.errors)} error(s)")
    return "\n".join(lines)


def cmd_summary(args: argparse.Namespace) -> int:
    design = load_design(args.file)
    analysis = analyze(design)
    if args.json:
        print(json.dumps(summary_json(analysis, design.layers), indent=2))
    else:
        print(summary_table(analysis))
    return EXIT_OK if analysis.valid else EXIT_INVALID


# -- templates / new ----------------------------------------------------------------------------
def cmd_templates(args: argparse.Namespace) -> int:
    width = max(len(n) for n in TEMPLATES)
    for name, info in TEMPLATES.items():
        print(f"{name.ljust(width)}  {info.title}: {info.description}")
    return EXIT_OK


def _parse_shape(text: str) -> list[int]:
    try:
        shape = [int(part) for part in text.replace("x", ",").split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 1,28,28, got {text!r}") from None
    if not 1 <= len(shape) <= 3 or any(v < 1 for v in shape):
        raise argparse.ArgumentTypeError(
            f"expected 1 to 3 positive sizes like 1,28,28, got {text!r}"
        )
    return shape


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def cmd_new(args: argparse.Namespace) -> int:
    design = get_template(args.template)
    if args.input is not None or args.classes is not None:
        design = adapt(design, args.input, args.classes)
    if args.name:
        design.name = args.name
    analysis = analyze(design)
    if args.output in (None, "-"):
        from .core.fileio import dumps_design

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


# -- gui ----------------------------------------------------------------------------------------
def cmd_gui(args: argparse.Namespace) -> int:
    from .gui.app import run_gui

    return run_gui(args.file, screenshot=args.screenshot)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser. ``command`` names the subcommand about to run: only that one's
    engine module (which imports torch) is loaded to add its arguments."""
    parser = argparse.ArgumentParser(
        prog="cnnstudio",
        description="Design, validate, train and export convolutional neural networks.",
    )
    parser.add_argument("--version", action="version", version=f"cnnstudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("summary", help="per-layer table of shapes, parameters and MACs")
    p.add_argument("file", help=f"design file ({SUFFIX})")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser("templates", help="list the built-in templates")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser("new", help="write a new design from a template")
    p.add_argument("--template", "-t", default="lenet5", choices=list(TEMPLATES), metavar="NAME")
    p.add_argument("--input", type=_parse_shape, metavar="C,H,W", help="adapt the input shape")
    p.add_argument("--classes", type=_positive_int, metavar="N", help="adapt the number of classes")
    p.add_argument("--name", help="design name")
    p.add_argument("-o", "--output", metavar="FILE", help="where to write (default: stdout)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("export", help="export as Python code, TorchScript, torch.export or ONNX")
    if command == "export":
        from .engine.export_cli import add_export_arguments, run_export

        add_export_arguments(p)
        p.set_defaults(func=run_export)

    p = sub.add_parser("train", help="train a design on a dataset")
    if command == "train":
        from .engine.train_cli import add_train_arguments, run_train

        add_train_arguments(p)
        p.set_defaults(func=run_train)

    p = sub.add_parser("import", help="import a torchvision model, an nn.Module or a .pt2")
    if command == "import":
        from .engine.import_cli import add_import_arguments, run_import

        add_import_arguments(p)
        p.set_defaults(func=run_import)

    p = sub.add_parser("gui", help="open the designer window (the default command)")
    p.add_argument("file", nargs="?", help="design file to open (default: the LeNet-5 template)")
    p.add_argument("--screenshot", metavar="PNG", help="render the window to PNG and exit")
    p.set_defaults(func=cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``cnnstudio`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in _COMMANDS and not argv[0].startswith("-")):
        argv = ["gui", *argv]  # `cnnstudio` and `cnnstudio FILE` open the window
    command = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(command)
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.func(args))
    except DesignError as exc:
        _error(str(exc))
        return EXIT_NOT_A_DESIGN
    except (CnnStudioError, TemplateError) as exc:
        _error(str(exc))
        return EXIT_INVALID
    except KeyboardInterrupt:
        _error("interrupted")
        return 130


def gui_main() -> int:
    """Entry point of the ``cnnstudio-gui`` launcher (desktop file)."""
    return main(["gui", *sys.argv[1:]])


_COMMANDS = ("summary", "templates", "new", "export", "train", "import", "gui")
