"""From a torch module to a design: trace, map, escalate what cannot be mapped, name layers.

`module_to_design` repeats the fx trace, each time keeping whole the modules whose insides
could not be mapped, until every node is a catalog block (opaque ones included). Layer ids
follow the module hierarchy (``layer1.0.conv1`` -> ``layer1_0_conv1``) and each layer's
``group`` holds the dotted path of the module whose forward it belongs to (``layer1.0``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import torch
from torch import nn

from ...core.design import Design, Layer, id_problem, unique_id
from ...core.layout import auto_layout
from .ctor import Calls, constructor_code, reference
from .errors import ImportModelError
from .fx_map import GraphMapper, opaque_params, shape_run, trace
from .nodes import Block

# Each pass keeps at least one more module whole; a model deeper than this is kept as one block.
MAX_PASSES = 64


@dataclass
class OpaqueNote:
    """One opaque block of the import report: the layer, its module, why, and where it is."""

    layer: str
    module_path: str
    cls: str
    reason: str
    source: str


@dataclass
class Mapped:
    """A design and the state_dict of its generated module, with the import report's facts."""

    design: Design
    state_dict: dict[str, torch.Tensor]
    opaque: list[OpaqueNote] = field(default_factory=list)
    tracer: str = "torch.fx"

    @property
    def native_share(self) -> float:
        """Share of the layers (Input excluded) that are native catalog blocks."""
        layers = [lay for lay in self.design if lay.type != "Input"]
        if not layers:
            return 1.0
        return sum(lay.type != "Opaque" for lay in layers) / len(layers)


def module_to_design(model: nn.Module, example: torch.Tensor, calls: Calls, name: str) -> Mapped:
    """Map ``model`` (in eval mode) traced on ``example`` (batch of one) onto a design."""
    leaves: set[str] = set()
    reasons: dict[str, str] = {}
    for _ in range(MAX_PASSES):
        try:
            traced = trace(model, example, leaves)
        except Exception as exc:
            # fx first: ~20 ms for a ResNet-50 against ~0.6 s for torch.export (bench_import),
            # and it keeps the module classes an opaque block needs. export runs the Python
            # for the example input, so shape-dependent branches that stop fx are no obstacle.
            fx_reason = f"torch.fx cannot trace it ({_line(exc)})"
            exported, export_reason = _via_export(model, example, name)
            if exported is not None:
                exported.tracer = f"torch.export, as {fx_reason}"
                return exported
            whole = _whole_model(model, example, calls, name, f"{fx_reason}; {export_reason}")
            whole.tracer = "neither torch.fx nor torch.export (kept whole)"
            return whole
        mapper = GraphMapper(model, traced, calls)
        failures = mapper.run()
        if failures:
            for problem in failures:
                if problem.escalate_to == "" or problem.escalate_to in leaves:
                    return _whole_model(model, example, calls, name, problem.reason)
            for problem in failures:
                leaves.add(problem.escalate_to)
                reasons.setdefault(problem.escalate_to, problem.reason)
            continue
        return _to_design(mapper.blocks, mapper.output, name, reasons, model)
    return _whole_model(model, example, calls, name, "the model nests too many unmappable modules")


def _via_export(model: nn.Module, example: torch.Tensor, name: str) -> tuple[Mapped | None, str]:
    """The model through non-decomposed torch.export, or None and why not."""
    from .program import program_to_design

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # export's notes on its own internals
            program = torch.export.export(model, (example,))
    except Exception as exc:
        return None, f"torch.export cannot export it either ({_line(exc)})"
    try:
        mapped, _shape, _batch = program_to_design(program, name)
    except ImportModelError as exc:
        # The .pt2 importer's advice (import the .py instead) does not apply here.
        why = str(exc).removeprefix(f"{name}: ").split(", and a program keeps")[0]
        return None, f"its torch.export graph cannot be mapped ({why})"
    return mapped, ""


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _whole_model(
    model: nn.Module, example: torch.Tensor, calls: Calls, name: str, reason: str
) -> Mapped:
    """The model as a single opaque block behind its Input."""
    code = constructor_code(model, calls)
    ref = reference(type(model))
    if code is None or ref is None:
        raise ImportModelError(
            f"cannot import {name}: {reason}, and the model's own constructor cannot be "
            "written as code to keep it whole"
        )
    out = shape_run(model, model, example)
    if not isinstance(out, torch.Tensor) or not 2 <= out.dim() <= 4:
        raise ImportModelError(f"cannot import {name}: it does not return one tensor per sample")
    blocks = [
        Block("input", "Input", {"shape": list(example.shape[1:])}, []),
        Block("model", "Opaque", opaque_params(model, ref, code, example, out), ["input"]),
    ]
    blocks[1].weights = {k: v.detach() for k, v in model.state_dict().items()}
    mapped = _to_design(blocks, "model", name, {"": reason}, model)
    return mapped


def _to_design(
    blocks: list[Block], output: str, name: str, reasons: dict[str, str], model: nn.Module
) -> Mapped:
    ids: dict[str, str] = {}
    taken: set[str] = set()
    layers: list[Layer] = []
    state: dict[str, torch.Tensor] = {}
    notes: list[OpaqueNote] = []
    for block in blocks:
        base = block.module_path.replace(".", "_") if block.module_path else block.key
        if block.type == "Input":
            base = "input"
        lid = _layer_id(base, taken)
        taken.add(lid)
        ids[block.key] = lid
        layer = Layer(lid, block.type, [ids[k] for k in block.inputs], dict(block.params))
        layer.group = block.group or None
        layers.append(layer)
        for key, tensor in block.weights.items():
            state[f"{lid}.{key}"] = tensor
        if block.type == "Opaque":
            path = block.module_path
            notes.append(
                OpaqueNote(
                    lid,
                    path,
                    block.params["module"],
                    reasons.get(path, "its type has no catalog block"),
                    block.params.get("source", ""),
                )
            )
    design = Design(layers, name=name, output=ids[output])
    for lid, pos in auto_layout(design).items():
        design[lid].pos = pos
    return Mapped(design, state, notes)


def _layer_id(base: str, taken: set[str]) -> str:
    """The module path as an id (``layer1.0.conv1`` -> ``layer1_0_conv1``), numbered if taken."""
    text = _shorten(re.sub(r"[^A-Za-z0-9_]", "_", base))
    if text and id_problem(text) is None and text not in taken:
        return text
    return unique_id(text or "layer", taken)


# Longer ids would make `id = self.id(...)` lines the exported code cannot keep within 88 columns.
MAX_ID = 35


def _shorten(text: str) -> str:
    """``features_1_0_block_1_scale_activation`` -> ``f_1_0_block_1_scale_activation``: the
    outer module names shrink to their initials, the innermost ones stay readable."""
    parts = text.split("_")
    i = 0
    while len("_".join(parts)) > MAX_ID and i < len(parts) - 1:
        if parts[i].isalpha() and len(parts[i]) > 1:
            parts[i] = parts[i][0]
        i += 1
    short = "_".join(parts)
    return short if len(short) <= MAX_ID else "l_" + short[-(MAX_ID - 2) :].lstrip("_")


def parameter_count(model: nn.Module) -> int:
    """Parameters as torchvision and torchinfo count them (shared ones once)."""
    return sum(p.numel() for p in model.parameters())


def example_input(shape: tuple[int, ...], seed: int = 0) -> torch.Tensor:
    """A seeded random batch of one sample of ``shape``."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn((1, *shape), generator=generator)
