"""The ``cnnstudio`` command line: summary, templates, new, export, train, import, check,
lr-find, figure and gui.

User errors print one line ``cnnstudio: error: ...`` on stderr and exit 2 (not a design, or a
usage error such as ``--epochs abc``) or 1 (a design with errors, a data problem); never a
traceback. Heavy modules (torch, Qt) are imported only by the subcommands that need them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from . import __version__
from .core.analysis import Analysis, analyze
from .core.errors import CnnStudioError, DesignError
from .core.fileio import SUFFIX, load_design, save_design
from .core.formatting import fmt_compact, fmt_int, fmt_shape, one_line
from .core.templates import TEMPLATES, TemplateError, adapt, get_template

EXIT_OK, EXIT_INVALID, EXIT_NOT_A_DESIGN = 0, 1, 2
EXIT_USAGE = 2  # argparse's convention, shared with "not a design": the command cannot run
EXIT_BROKEN_PIPE = 128 + 13  # what a shell tool killed by SIGPIPE reports (``summary | head``)


def _error(message: str) -> None:
    print(f"cnnstudio: error: {one_line(message)}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line like every other error (exit 2)."""

    def error(self, message: str) -> NoReturn:
        _error(f"{self.prog}: {message} (see {self.prog} --help)")
        sys.exit(EXIT_USAGE)


# -- summary ----------------------------------------------------------------------------------
def summary_json(analysis: Analysis, design_layers: dict[str, Any]) -> dict[str, Any]:
    """The ``summary --json`` document: one entry per layer in topological order, then totals."""
    layers = []
    for lid, info in analysis.layers.items():
        layers.append(
            {
                "id": lid,
                "type": design_layers[lid].type,
                "group": design_layers[lid].group,
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
        # Blocks left out of the totals because their parameter count is unknown.
        "unknown_blocks": len(analysis.unknown_blocks),
    }


def unknown_text(count: int) -> str:
    """``3 blocks``: how many blocks the totals leave out."""
    return f"{count} block{'s' if count != 1 else ''}"


def summary_table(analysis: Analysis, extra: Sequence[str] = ()) -> str:
    """The textbook table: layer, type, output shape, parameters, MACs, then totals and errors.

    ``extra`` lines (the memory estimate) follow the totals."""
    rows = [("layer", "type", "output", "params", "MACs")]
    for lid, info in analysis.layers.items():
        known = info.output_shape is not None
        rows.append(
            (
                one_line(lid),
                one_line(info.type),
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
    unknown = analysis.unknown_blocks
    if unknown:
        lines.append(f"unknown: {unknown_text(len(unknown))} not counted ({', '.join(unknown)})")
    lines.extend(extra)
    for diag in analysis.diagnostics:
        lines.append(f"{diag.severity}: {diag.message}")
    lines.append("valid" if analysis.valid else f"invalid: {len(analysis.errors)} error(s)")
    return "\n".join(lines)


def _memory_for(args: argparse.Namespace, design: Any, analysis: Analysis) -> Any:
    """One training step's memory with the batch size and optimizer asked for (else the
    design's training settings, else 64 and sgd)."""
    from .core.memory import estimate_memory

    training = design.training if isinstance(design.training, dict) else {}
    batch = args.batch_size or training.get("batch_size") or 64
    optimizer = args.optimizer or training.get("optimizer") or "sgd"
    momentum = training.get("momentum", 0.9)
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        batch = 64
    if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
        momentum = 0.9
    return estimate_memory(
        design, analysis, batch_size=batch, optimizer=str(optimizer), momentum=float(momentum)
    )


def cmd_summary(args: argparse.Namespace) -> int:
    from .core.memory import MemoryEstimateError, available_memory

    design = load_design(args.file)
    analysis = analyze(design)
    try:
        memory = _memory_for(args, design, analysis)
    except MemoryEstimateError as exc:
        raise CnnStudioError(str(exc)) from None
    free = available_memory()
    if args.json:
        document = summary_json(analysis, design.layers)
        document["memory"] = {
            **memory.to_dict(),
            "available": free,
            "fits": memory.fits(free) if free is not None else None,
            "largest_batch": memory.largest_batch(free) if free is not None else None,
        }
        print(json.dumps(document, indent=2))
    else:
        print(summary_table(analysis, memory_line(memory, free).splitlines()))
    return EXIT_OK if analysis.valid else EXIT_INVALID


def memory_line(memory: Any, free: int | None) -> str:
    """``training step (batch 64): 12.3 MB = weights 0.2 + gradients 0.2 + ...``, and the fit."""
    from .core.formatting import fmt_bytes

    text = (
        f"training step (batch {memory.batch_size}): {fmt_bytes(memory.total)} = "
        f"weights {fmt_bytes(memory.weights)} + gradients {fmt_bytes(memory.gradients)} + "
        f"optimizer {fmt_bytes(memory.optimizer)} + activations {fmt_bytes(memory.activations)}"
    )
    if free is not None:
        verdict = "fits" if memory.fits(free) else "does NOT fit"
        text += (
            f"\n{verdict} in the {fmt_bytes(free)} of memory free here; "
            f"the largest batch that fits: {fmt_int(memory.largest_batch(free))}"
        )
    return text


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
    parser = _Parser(
        prog="cnnstudio",
        description="Design, validate, train and export convolutional neural networks.",
    )
    parser.add_argument("--version", action="version", version=f"cnnstudio {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("summary", help="per-layer table of shapes, parameters and MACs")
    p.add_argument("file", help=f"design file ({SUFFIX})")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--batch-size", type=_positive_int, metavar="N", help="batch size for the memory estimate"
    )
    p.add_argument(
        "--optimizer",
        choices=("sgd", "adam", "adamw", "rmsprop"),
        help="optimizer for the memory estimate (default: the design's, else sgd)",
    )
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

    p = sub.add_parser("figure", help="draw the network as SVG, PDF or PNG for slides")
    if command == "figure":
        from .figure_cli import add_figure_arguments, run_figure

        add_figure_arguments(p)
        p.set_defaults(func=run_figure)

    p = sub.add_parser("check", help="sanity checks before training (init loss, overfit a batch)")
    if command == "check":
        from .engine.sanity_cli import add_check_arguments, run_check

        add_check_arguments(p)
        p.set_defaults(func=run_check)

    p = sub.add_parser("lr-find", help="sweep the learning rate and suggest one")
    if command == "lr-find":
        from .engine.sanity_cli import add_lr_find_arguments, run_lr_find

        add_lr_find_arguments(p)
        p.set_defaults(func=run_lr_find)

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
    except BrokenPipeError:
        # The reader went away (``summary FILE | head``): stop quietly, like a shell tool. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
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


_COMMANDS = (
    "summary",
    "templates",
    "new",
    "export",
    "train",
    "import",
    "check",
    "lr-find",
    "figure",
    "gui",
)
