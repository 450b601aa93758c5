"""Importing torch models onto the canvas: torchvision builders, the user's modules, programs.

`import_model` builds the model a source names, maps it onto a design (`graph`), writes the
state_dict of the design's generated module and checks that this module computes what the
original does (`verify`). The result carries the import report: which layers are opaque and
why, the share of native blocks, both parameter counts and the verification.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import torch
from torch import nn

from ...core.analysis import analyze
from ...core.design import Design
from .errors import ImportModelError, ImportSourceError
from .fx_map import shape_run
from .graph import Mapped, OpaqueNote, example_input, module_to_design, parameter_count
from .sources import build, classification_models, load_program, weights_path
from .verify import Verification, verify

__all__ = [
    "ImportModelError",
    "ImportResult",
    "ImportSourceError",
    "OpaqueNote",
    "classification_models",
    "import_model",
    "weights_path",
]


@dataclass
class ImportResult:
    """An imported design, its weights and the report of the import."""

    design: Design
    state_dict: dict[str, torch.Tensor]
    source: str
    input_shape: tuple[int, ...]
    original_params: int
    design_params: int
    verification: Verification
    opaque: list[OpaqueNote] = field(default_factory=list)
    native_share: float = 1.0
    tracer: str = "torch.fx"
    seconds: float = 0.0
    original: nn.Module | None = field(default=None, repr=False)

    def report(self) -> list[str]:
        """The import report, one line each: counts, native share, opaque nodes, verification."""
        lines = [
            f"{self.source}: {len(self.design)} layers ({self.native_share:.0%} native), "
            f"{self.design_params:,} parameters (original {self.original_params:,}), "
            f"traced with {self.tracer} in {self.seconds:.2f} s",
        ]
        if self.design_params != self.original_params:
            lines.append(
                f"note: {self.original_params - self.design_params:,} parameters belong to "
                "modules the forward does not use (such as auxiliary heads) and were left out"
            )
        for note in self.opaque:
            where = f" ({note.source})" if note.source else ""
            lines.append(
                f"opaque: {note.layer} = {note.cls} at {note.module_path or 'the model'}"
                f"{where}: {note.reason}"
            )
        lines.append(
            self.verification.message
            if self.verification.ok
            else f"NOT verified: {self.verification.message}"
        )
        return lines


def import_model(
    source: str,
    *,
    input_shape: tuple[int, ...] | None = None,
    pretrained: bool = False,
    check: bool = True,
) -> ImportResult:
    """Import ``source`` (``torchvision:NAME``, ``FILE.py:NAME`` or ``FILE.pt2``) as a design.

    Raises `ImportSourceError` (no such file, name or model) or `ImportModelError` (the model
    fails or cannot be expressed), each with a one-line message.
    """
    start = time.perf_counter()
    if source.endswith(".pt2"):
        return _import_program(Path(source), start, check)
    built = build(source, pretrained=pretrained)
    model, name, calls = built.model, built.name, built.calls
    shape = input_shape or built.input_shape
    if shape is None:
        raise ImportSourceError(f"{source}: give the input shape with --input C,H,W")
    if not 1 <= len(shape) <= 3:
        raise ImportSourceError(f"the input shape needs 1 to 3 axes (C,H,W), got {len(shape)}")
    model.eval()
    example = example_input(tuple(shape))
    try:
        shape_run(model, model, example)
    except Exception as exc:
        lines = str(exc).strip().splitlines()
        raise ImportModelError(
            f"{source}: its forward fails on a {'x'.join(map(str, shape))} input: "
            f"{type(exc).__name__}: {lines[0] if lines else ''}"
        ) from None
    mapped: Mapped = module_to_design(model, example, calls, name)
    analysis = analyze(mapped.design)
    if not analysis.valid:
        raise ImportModelError(
            f"{source}: the imported design has errors: {analysis.errors[0].message}"
        )
    seconds = time.perf_counter() - start
    verification = (
        verify(mapped.design, mapped.state_dict, model, tuple(shape))
        if check
        else Verification(True, 0.0, "not verified (skipped)")
    )
    return ImportResult(
        design=mapped.design,
        state_dict=mapped.state_dict,
        source=source,
        input_shape=tuple(shape),
        original_params=parameter_count(model),
        design_params=analysis.total_params,
        verification=verification,
        opaque=mapped.opaque,
        native_share=mapped.native_share,
        tracer=mapped.tracer,
        seconds=seconds,
        original=model,
    )


def _import_program(path: Path, start: float, check: bool) -> ImportResult:
    from .program import program_to_design

    program = load_program(path)
    mapped, shape, batch = program_to_design(program, path.name)
    mapped.tracer = "torch.export (saved program)"
    analysis = analyze(mapped.design)
    if not analysis.valid:
        raise ImportModelError(
            f"{path}: the imported design has errors: {analysis.errors[0].message}"
        )
    seconds = time.perf_counter() - start
    original = program.module()
    verification = (
        # The program was exported for one batch size: it is checked with that one.
        verify(mapped.design, mapped.state_dict, original, shape, batch=batch, train_mode=False)
        if check
        else Verification(True, 0.0, "not verified (skipped)")
    )
    n_params = sum(v.numel() for v in program.parameters())
    return ImportResult(
        design=mapped.design,
        state_dict=mapped.state_dict,
        source=str(path),
        input_shape=shape,
        original_params=n_params,
        design_params=analysis.total_params,
        verification=verification,
        native_share=mapped.native_share,
        tracer=mapped.tracer,
        seconds=seconds,
        original=original,
    )
