"""``cnnstudio summary DESIGN``: the textbook per-layer table (or ``--json``), the totals and one
training step's memory. Exit 1 when the design has errors (the table still shows what is known).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from ..core.analysis import Analysis, analyze
from ..core.design import Design
from ..core.errors import CnnStudioError
from ..core.fileio import SUFFIX, load_design
from ..core.formatting import fmt_bytes, fmt_compact, fmt_int, fmt_shape, one_line
from ..core.memory import MemoryEstimate
from .common import EXIT_INVALID, EXIT_OK, positive_int

__all__ = [
    "add_arguments",
    "measured_line",
    "memory_line",
    "run",
    "summary_json",
    "summary_table",
    "unknown_text",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=f"design file ({SUFFIX})")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--batch-size", type=positive_int, metavar="N", help="batch size for the memory estimate"
    )
    parser.add_argument(
        "--optimizer",
        choices=("sgd", "adam", "adamw", "rmsprop"),
        help="optimizer for the memory estimate (default: the design's, else sgd)",
    )
    parser.add_argument(
        "--measure",
        action="store_true",
        help="also run one real training step and report the memory torch held",
    )
    parser.add_argument(
        "--device",
        default="auto",
        metavar="NAME",
        help="where --measure runs the step: auto, cpu, cuda, cuda:N or mps (default auto)",
    )
    parser.add_argument(
        "--amp", action="store_true", help="mixed precision for the estimate and --measure (CUDA)"
    )


def run(args: argparse.Namespace) -> int:
    from ..core.memory import MemoryEstimateError, available_memory

    design = load_design(args.file)
    analysis = analyze(design)
    try:
        memory = _memory_for(args, design, analysis)
    except MemoryEstimateError as exc:
        raise CnnStudioError(str(exc)) from None
    free = available_memory()
    measured = _measure(args, design, memory) if args.measure and analysis.valid else None
    if args.json:
        document = summary_json(analysis, design.layers)
        document["memory"] = {
            **memory.to_dict(),
            "available": free,
            "fits": memory.fits(free) if free is not None else None,
            "largest_batch": memory.largest_batch(free) if free is not None else None,
        }
        if args.measure:
            document["memory"]["measured"] = measured.to_dict() if measured else None
        print(json.dumps(document, indent=2))
    else:
        lines = memory_line(memory, free).splitlines()
        if args.measure:
            lines.append(measured_line(measured))
        print(summary_table(analysis, lines))
    return EXIT_OK if analysis.valid else EXIT_INVALID


def _measure(args: argparse.Namespace, design: Design, memory: MemoryEstimate) -> Any:
    """One real step with the estimate's settings (`engine.memory_measure`), or a one-line
    error (a device that is not there, a batch that does not fit on it)."""
    from ..engine.memory_measure import MeasureError, measure_step

    training = design.training if isinstance(design.training, dict) else {}
    optimizer = args.optimizer or training.get("optimizer") or "sgd"
    momentum = training.get("momentum", 0.9)
    if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
        momentum = 0.9
    try:
        return measure_step(
            design,
            batch_size=memory.batch_size,
            optimizer=str(optimizer),
            momentum=float(momentum),
            amp=args.amp,
            device=args.device,
        )
    except MeasureError as exc:
        raise CnnStudioError(str(exc)) from None


def measured_line(measured: Any) -> str:
    """``measured on cpu: 1.13 MB (tensors held); the estimate is 0.0 % higher``."""
    if measured is None:
        return "measured: not run (fix the design first)"
    held = "peak allocated" if measured.method == "allocator peak" else "tensors held"
    direction = "higher" if measured.error >= 0 else "lower"
    return (
        f"measured on {measured.device}: {fmt_bytes(measured.measured)} ({held}); "
        f"the estimate is {abs(measured.error):.1f} % {direction}"
    )


def summary_json(analysis: Analysis, design_layers: dict[str, Any]) -> dict[str, Any]:
    """The ``summary --json`` document: one entry per layer in topological order, then totals."""
    layers = []
    for lid, info in analysis.layers.items():
        known = info.output_shape is not None
        layers.append(
            {
                "id": lid,
                "type": design_layers[lid].type,
                "group": design_layers[lid].group,
                "output_shape": list(info.output_shape) if info.output_shape is not None else None,
                "params": info.params if known else None,
                "trainable_params": info.trainable_params if known else None,
                "macs": info.macs if known else None,
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

    ``extra`` lines (the memory estimate) follow the totals. Ids and types come from the user's
    file, so they are escaped onto one line wherever they appear."""
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
        names = ", ".join(one_line(lid) for lid in unknown)
        lines.append(f"unknown: {unknown_text(len(unknown))} not counted ({names})")
    lines.extend(extra)
    for diag in analysis.diagnostics:
        lines.append(f"{diag.severity}: {diag.message}")
    lines.append("valid" if analysis.valid else f"invalid: {len(analysis.errors)} error(s)")
    return "\n".join(lines)


def memory_line(memory: MemoryEstimate, free: int | None) -> str:
    """``training step (batch 64): 12.3 MB = weights 0.2 + gradients 0.2 + ...``, and the fit."""
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


def _memory_for(args: argparse.Namespace, design: Design, analysis: Analysis) -> MemoryEstimate:
    """One training step's memory with the batch size and optimizer asked for (else the
    design's training settings, else 64 and sgd)."""
    from ..core.memory import estimate_memory

    training = design.training if isinstance(design.training, dict) else {}
    batch = args.batch_size or training.get("batch_size") or 64
    optimizer = args.optimizer or training.get("optimizer") or "sgd"
    momentum = training.get("momentum", 0.9)
    if not isinstance(batch, int) or isinstance(batch, bool) or batch < 1:
        batch = 64
    if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
        momentum = 0.9
    return estimate_memory(
        design,
        analysis,
        batch_size=batch,
        optimizer=str(optimizer),
        momentum=float(momentum),
        amp=args.amp,
    )
