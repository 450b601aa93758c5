"""Live analysis of a design: shapes, parameters, MACs, memory, receptive fields and errors.

Pure Python arithmetic over the layer catalog, fast enough to rerun after every edit (a full
analysis of the 170-layer ResNet-50 template takes well under a millisecond). The test suite
checks every number against a real torch forward pass.

An error names its layer and the numbers involved, carries a stable ``code`` and, where one
obvious repair exists, a `Fix`. A layer whose input is already broken gets no shape of its
own and no error of its own for that: the first broken layer is the cause that is reported.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from .catalog import SPECS, LayerSpec, Receptive, Shape, normalize_params
from .design import ID_PATTERN, Design, id_problem
from .diagnostics import Diagnostic, Fix, LayerProblem, RenameEdit
from .formatting import fmt_shape

BYTES_PER_VALUE = 4  # float32

# Ids already checked against the id rules; ids rarely change, so the regex runs once per id.
_GOOD_IDS: set[str] = set()


@dataclass(slots=True)
class LayerInfo:
    """Everything the canvas and the summary show for one layer."""

    id: str
    type: str
    output_shape: Shape | None = None
    params: int = 0
    trainable_params: int = 0
    macs: int = 0
    activation_bytes: int = 0
    receptive_field: tuple[int, ...] | None = None
    errors: list[Diagnostic] = field(default_factory=list)
    input_shapes: list[Shape] | None = None
    resolved_params: dict[str, Any] | None = None

    @property
    def frozen_params(self) -> int:
        """Parameters excluded from training."""
        return self.params - self.trainable_params


@dataclass(slots=True)
class Analysis:
    """The result of `analyze`: per-layer facts in topological order, errors and totals."""

    layers: dict[str, LayerInfo]
    input_id: str | None
    output_id: str | None
    design_errors: list[Diagnostic]
    total_params: int
    trainable_params: int
    total_macs: int
    activation_bytes: int

    @property
    def order(self) -> list[str]:
        """Layer ids in topological order (layers in a cycle last, in document order)."""
        return list(self.layers)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """All diagnostics: design-wide first, then per layer in topological order."""
        out = list(self.design_errors)
        for info in self.layers.values():
            out.extend(info.errors)
        return out

    @property
    def errors(self) -> list[Diagnostic]:
        """Diagnostics of severity ``error`` (a design with none can be built and trained)."""
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Diagnostics of severity ``warning`` (reported, but they do not block anything)."""
        return [d for d in self.diagnostics if d.severity == "warning"]

    @property
    def valid(self) -> bool:
        """True when the design has no errors and an output."""
        return self.output_id is not None and not self.errors

    @property
    def frozen_params(self) -> int:
        """Parameters of frozen layers."""
        return self.total_params - self.trainable_params

    @property
    def unknown_blocks(self) -> list[str]:
        """Blocks whose parameter count is unknown (shape unknown, type with weights or none).

        The totals are the sum over the other blocks: the known part of the network.
        """
        return [
            lid
            for lid, info in self.layers.items()
            if info.output_shape is None
            and (info.type not in SPECS or SPECS[info.type].has_weights)
        ]

    @property
    def size_bytes(self) -> int:
        """Model size: parameters as float32 (buffers such as BatchNorm statistics excluded)."""
        return self.total_params * BYTES_PER_VALUE

    @property
    def size_mb(self) -> float:
        """Model size in MB (10^6 bytes)."""
        return self.size_bytes / 1e6

    def explain(self, layer_id: str) -> list[str]:
        """The textbook arithmetic behind a layer's numbers (empty when its shape is unknown)."""
        info = self.layers.get(layer_id)
        if info is None or info.output_shape is None or info.resolved_params is None:
            return []
        spec = SPECS[info.type]
        lines = []
        if info.input_shapes:
            ins = ", ".join(fmt_shape(s) for s in info.input_shapes)
            lines.append(f"{ins} -> {fmt_shape(info.output_shape)}")
        lines.extend(spec.explain(info.resolved_params, info.input_shapes or [], info.output_shape))
        if info.receptive_field is not None:
            lines.append(
                f"receptive field: {'x'.join(map(str, info.receptive_field))} input pixels"
            )
        return lines


def topological_order(design: Design) -> tuple[list[str], set[str]]:
    """Layer ids with every input before its consumers, ties in document order.

    Returns the order and the set of ids that sit on (or behind) a cycle; those come last.
    References to unknown ids are ignored here (the analysis reports them).
    """
    layers = design.layers
    # Fast path: most designs are stored inputs-first already, and checking that is one pass.
    seen: set[str] = set()
    for lid, layer in layers.items():
        for src in layer.inputs:
            if src not in seen and src in layers:
                break
        else:
            seen.add(lid)
            continue
        break
    else:
        return list(layers), set()
    index = {lid: i for i, lid in enumerate(layers)}
    indegree = dict.fromkeys(layers, 0)
    consumers: dict[str, list[str]] = {lid: [] for lid in layers}
    for lid, layer in layers.items():
        for src in layer.inputs:
            if src in layers:
                indegree[lid] += 1
                consumers[src].append(lid)
    ready = [(index[lid], lid) for lid, deg in indegree.items() if deg == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, lid = heapq.heappop(ready)
        order.append(lid)
        for nxt in consumers[lid]:
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                heapq.heappush(ready, (index[nxt], nxt))
    if len(order) == len(layers):
        return order, set()
    placed = set(order)
    cyclic = [lid for lid in layers if lid not in placed]
    return order + cyclic, set(cyclic)


def analyze(design: Design) -> Analysis:
    """Analyse a design: shapes, counts, receptive fields and diagnostics for every layer."""
    layers = design.layers
    order, cyclic = topological_order(design)
    infos: dict[str, LayerInfo] = {}
    rfs: dict[str, Receptive | None] = {}
    design_errors: list[Diagnostic] = []
    input_ids = [lid for lid, lay in layers.items() if lay.type == "Input"]
    if not input_ids:
        design_errors.append(
            Diagnostic("no-input", "the design has no Input layer: drag one from the palette")
        )
    total_params = trainable = total_macs = act_bytes = 0
    specs = SPECS
    for lid in order:
        layer = layers[lid]
        info = LayerInfo(lid, layer.type)
        infos[lid] = info
        errors = info.errors
        if lid not in _GOOD_IDS:
            if id_problem(lid):
                errors.append(_bad_id(design, lid))
            elif len(_GOOD_IDS) < 100_000:
                _GOOD_IDS.add(lid)
        spec = specs.get(layer.type)
        if spec is None:
            known = ", ".join(specs)
            errors.append(
                Diagnostic(
                    "unknown-type",
                    f"{lid}: unknown layer type {layer.type!r} (known: {known})",
                    lid,
                )
            )
            continue
        if lid in cyclic:
            errors.append(
                Diagnostic(
                    "cycle", f"{lid}: its inputs loop back to it (the graph must be acyclic)", lid
                )
            )
            continue
        inputs = layer.inputs
        if len(inputs) == 1 and spec.max_inputs == 1 and inputs[0] in infos:
            # The common case, inlined: one input, already analysed.
            src_shape = infos[inputs[0]].output_shape
            shapes = None if src_shape is None else [src_shape]
            in_rfs = [rfs.get(inputs[0])]
        else:
            shapes = _input_shapes(spec, lid, inputs, infos, layers, errors)
            in_rfs = [rfs.get(i) for i in inputs]
        memo = layer.memo
        if (
            memo is not None
            and memo[0] is spec
            and memo[1] == layer.params
            and memo[2] == shapes
            and memo[3] == in_rfs
            and shapes is not None
        ):
            # Same type, params and inputs as last time: the facts are the same.
            params, out, n_params, macs, rf, notes = memo[4]
        else:
            params, problems = normalize_params(spec, layer.params)
            for problem in problems:
                errors.append(Diagnostic("bad-param", f"{lid}: {problem}", lid))
            if layer.type == "Input" and len(input_ids) > 1 and lid != input_ids[0]:
                errors.append(
                    Diagnostic(
                        "extra-input",
                        f"{lid}: a design has exactly one Input layer "
                        f"and {input_ids[0]} is the first",
                        lid,
                    )
                )
                continue
            if shapes is None or problems:
                continue
            try:
                out = spec.infer(lid, params, shapes, inputs)
            except LayerProblem as problem:
                errors.append(
                    Diagnostic(problem.code, f"{lid}: {problem.message}", lid, problem.fix)
                )
                continue
            if spec.has_weights:
                n_params = spec.count_params(params, shapes, out)
                macs = spec.count_macs(params, shapes, out)
            else:
                n_params = macs = 0
            rf = spec.receptive(params, in_rfs, out)
            notes = spec.advice(params, shapes)
            layer.memo = (
                spec,
                _snapshot(layer.params),
                shapes,
                in_rfs,
                (params, out, n_params, macs, rf, notes),
            )
        for code, text in notes:
            errors.append(Diagnostic(code, f"{lid}: {text}", lid, severity="warning"))
        info.output_shape = out
        info.input_shapes = shapes
        info.resolved_params = params
        info.params = n_params
        info.trainable_params = 0 if layer.frozen else n_params
        info.macs = macs
        numel = 1
        for d in out:
            numel *= d
        info.activation_bytes = numel * BYTES_PER_VALUE
        rfs[lid] = rf
        info.receptive_field = rf[0] if rf is not None else None
        total_params += n_params
        trainable += info.trainable_params
        total_macs += macs
        act_bytes += info.activation_bytes
    consumed = {src for lay in layers.values() for src in lay.inputs}
    sinks = [lid for lid in infos if lid not in consumed]
    output_id = _find_output(design, infos, sinks, design_errors)
    # In an acyclic graph every layer reaches some sink: with a single sink, nothing is unused.
    if output_id is not None and (len(sinks) > 1 or sinks[0] != output_id):
        _warn_unused(design, output_id, infos)
    return Analysis(
        infos,
        input_ids[0] if input_ids else None,
        output_id,
        design_errors,
        total_params,
        trainable,
        total_macs,
        act_bytes,
    )


def _snapshot(params: dict[str, Any]) -> dict[str, Any]:
    """A copy of params deep enough for values of the catalog's kinds (scalars and int lists)."""
    return {k: list(v) if type(v) is list else v for k, v in params.items()}


def _input_shapes(
    spec: LayerSpec,
    lid: str,
    inputs: list[str],
    infos: dict[str, LayerInfo],
    layers: dict[str, Any],
    errors: list[Diagnostic],
) -> list[Shape] | None:
    """Shapes of a layer's inputs, or None (with an error where the fault is this layer's own)."""
    n = len(inputs)
    if n < spec.min_inputs:
        if n == 0:
            text = "needs an input: connect a block's output to it"
        else:
            text = f"needs at least {spec.min_inputs} inputs, has {n}"
        errors.append(Diagnostic("missing-input", f"{lid}: {text}", lid))
        return None
    if spec.max_inputs is not None and n > spec.max_inputs:
        if spec.max_inputs == 0:
            text = f"an {spec.type} layer takes no inputs, has {n}"
        else:
            text = (
                f"takes {spec.max_inputs} input{'s' if spec.max_inputs > 1 else ''}, has {n}: "
                + ("use Add or Concat to merge branches")
            )
        errors.append(Diagnostic("too-many-inputs", f"{lid}: {text}", lid))
        return None
    shapes = []
    broken = False
    for src in inputs:
        if src not in layers:
            errors.append(
                Diagnostic("unknown-input", f"{lid}: its input {src!r} does not exist", lid)
            )
            broken = True
            continue
        shape = infos[src].output_shape if src in infos else None
        if shape is None:
            broken = True  # the upstream layer carries the error; do not report it twice
        else:
            shapes.append(shape)
    return None if broken else shapes


def _bad_id(design: Design, lid: str) -> Diagnostic:
    why = id_problem(lid) or ""
    # ASCII only: str.isalnum() accepts letters such as "é" that ids may not hold.
    candidate = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in lid)
    candidate = candidate.lstrip("_") or "layer"
    if not ID_PATTERN.match(candidate):
        candidate = "layer_" + candidate
    while candidate in design or id_problem(candidate):
        candidate += "_"
    fix = Fix(f"Rename {lid} to {candidate}", (RenameEdit(lid, candidate),))
    return Diagnostic("bad-id", f"{lid}: the id {why}", lid, fix)


def _find_output(
    design: Design, infos: dict[str, LayerInfo], sinks: list[str], errors: list[Diagnostic]
) -> str | None:
    if design.output is not None:
        if design.output in infos:
            return design.output
        errors.append(
            Diagnostic(
                "unknown-output", f"the output {design.output!r} is not a layer of the design"
            )
        )
        return None
    candidates = [lid for lid in sinks if infos[lid].output_shape is not None]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        listed = ", ".join(candidates)
        errors.append(
            Diagnostic(
                "several-outputs",
                f"{len(candidates)} layers end the network ({listed}): connect all but one "
                "or choose the output",
            )
        )
    return None


def _warn_unused(design: Design, output_id: str, infos: dict[str, LayerInfo]) -> None:
    needed = {output_id}
    stack = [output_id]
    while stack:
        for src in design[stack.pop()].inputs:
            if src in design and src not in needed:
                needed.add(src)
                stack.append(src)
    for lid, info in infos.items():
        if lid not in needed and not info.errors:
            info.errors.append(
                Diagnostic(
                    "unused",
                    f"{lid}: not on the way to the output {output_id}, "
                    "so it is not part of the model",
                    lid,
                    severity="warning",
                )
            )
