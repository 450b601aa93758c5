"""Random designs for property tests, and the torch oracle they are checked against.

Strategies:
- `valid_designs`: chains, residual ``Add`` blocks and ``Concat`` branches on small 1-D
  ``[C, L]``, 2-D ``[C, H, W]`` and vector ``[F]`` inputs. Each candidate layer is kept only
  when the analysis accepts it, so every design drawn is valid by the analysis' own rules; torch
  then says whether the analysis was right.
- `broken_designs`: a valid design with one mutation that must give an error (bad params,
  wrong inputs, cycles, unknown types, kernels too large, Dense fed an image, Add mismatches...).
- `garbage_designs`: random layer soup (any type, inputs and JSON-ish param values).

`assert_matches_torch` builds the module and compares the analysis layer by layer: output
shapes (forward hooks on the submodules named by layer ids, plus the forward's local variables,
which the generated code names after the layers), parameter counts (``numel``), trainable vs
frozen (``requires_grad``) and MACs (torch's FLOP counter: 2 FLOPs per MAC).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from cnnstudio.core.analysis import Analysis, analyze
from cnnstudio.core.catalog import SPECS
from cnnstudio.core.design import Design, Layer

Shape = tuple[int, ...]


def examples(n: int) -> int:
    """``n`` examples by default (fast); the profile's count under ``HYPOTHESIS_PROFILE=deep``."""
    profile = settings.default.max_examples
    return max(n, profile) if profile > 100 else n


ACTIVATIONS = ("ReLU", "LeakyReLU", "ELU", "GELU", "Sigmoid", "Tanh")
POOLS = ("MaxPool", "AvgPool", "MinPool")
# Some long ids, so that the code generator's line breaking is exercised too.
LONG_PREFIXES = ("a_fairly_long_layer_name_", "residual_branch_projection_")


class _Builder:
    """Appends layers to a design, keeping each only if the analysis accepts it."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any], shape: list[int]) -> None:
        self.draw = draw
        self.design = Design([Layer("input", "Input", params={"shape": shape})], name="Random")
        self.count = 0

    def new_id(self, prefix: str) -> str:
        self.count += 1
        if self.draw(st.integers(0, 9)) == 0:
            prefix = self.draw(st.sampled_from(LONG_PREFIXES)) + prefix
        return f"{prefix}{self.count}"

    def shape(self, lid: str) -> Shape:
        shape = analyze(self.design).layers[lid].output_shape
        assert shape is not None
        return shape

    def add(
        self, type_: str, inputs: list[str], params: dict[str, Any], frozen: bool = False
    ) -> str | None:
        """Append a layer; returns its id, or None (and removes it) when the analysis refuses."""
        lid = self.new_id(type_.lower())
        self.design.add_layer(Layer(lid, type_, list(inputs), params, frozen))
        info = analyze(self.design).layers[lid]
        if info.errors and any(d.severity == "error" for d in info.errors):
            self.design.remove_layer(lid)
            return None
        return lid


def _size(draw: Callable[[st.SearchStrategy[Any]], Any], n: int, lo: int, hi: int) -> Any:
    """An int, or (sometimes) a list with one value per spatial axis."""
    if n > 1 and draw(st.booleans()):
        return [draw(st.integers(lo, hi)) for _ in range(n)]
    return draw(st.integers(lo, hi))


def _conv_params(draw: Callable[[st.SearchStrategy[Any]], Any], shape: Shape) -> dict[str, Any]:
    n = len(shape) - 1
    c_in = shape[0]
    groups = draw(st.sampled_from([g for g in (1, 2, 3, c_in) if c_in % g == 0]))
    params: dict[str, Any] = {
        "out_channels": groups * draw(st.integers(1, 3)),
        "kernel_size": _size(draw, n, 1, 3),
    }
    padding = draw(st.sampled_from(["default", 1, "same", "valid", "list"]))
    if padding == "list":
        params["padding"] = [draw(st.integers(0, 2)) for _ in range(n)]
    elif padding != "default":
        params["padding"] = padding
    if padding != "same" and draw(st.booleans()):
        params["stride"] = _size(draw, n, 1, 2)
    if draw(st.integers(0, 3)) == 0:
        params["dilation"] = _size(draw, n, 1, 2)
    if groups != 1:
        params["groups"] = groups
    if draw(st.booleans()):
        params["bias"] = False
    if draw(st.integers(0, 3)) == 0:
        params["padding_mode"] = draw(st.sampled_from(["reflect", "replicate", "circular"]))
    return params


def _pool_params(draw: Callable[[st.SearchStrategy[Any]], Any], shape: Shape) -> dict[str, Any]:
    n = len(shape) - 1
    k = draw(st.integers(1, 3))
    params: dict[str, Any] = {"kernel_size": k}
    if draw(st.booleans()):
        params["stride"] = _size(draw, n, 1, 2)
    if k > 1 and draw(st.booleans()):
        params["padding"] = draw(st.integers(0, k // 2))
    return params


def _step(b: _Builder, cur: str) -> str:
    """One random block after ``cur``; returns the new current layer (``cur`` if refused)."""
    draw = b.draw
    shape = b.shape(cur)
    spatial = len(shape) >= 2
    kinds = ["act", "bn", "dropout", "softmax", "residual", "concat"]
    kinds += ["conv", "conv", "pool", "pool", "pool", "global", "flatten"] if spatial else ["dense"]
    kind = draw(st.sampled_from(kinds))
    frozen = draw(st.integers(0, 4)) == 0
    new: str | None = None
    if kind == "act":
        type_ = draw(st.sampled_from(ACTIVATIONS))
        params: dict[str, Any] = {}
        if type_ == "LeakyReLU" and draw(st.booleans()):
            params["negative_slope"] = draw(st.sampled_from([0.2, 0.5]))
        if type_ == "ELU" and draw(st.booleans()):
            params["alpha"] = draw(st.sampled_from([0.5, 2.0]))
        new = b.add(type_, [cur], params)
    elif kind == "bn":
        params = {"eps": 1e-3} if draw(st.booleans()) else {}
        new = b.add("BatchNorm", [cur], params, frozen)
    elif kind == "dropout":
        new = b.add("Dropout", [cur], {"p": draw(st.sampled_from([0.0, 0.25, 0.5]))})
    elif kind == "softmax":
        new = b.add("Softmax", [cur], {"dim": draw(st.integers(-len(shape), len(shape) - 1))})
    elif kind == "conv":
        new = b.add("Conv", [cur], _conv_params(draw, shape), frozen)
    elif kind == "pool":
        new = b.add(draw(st.sampled_from(POOLS)), [cur], _pool_params(draw, shape))
    elif kind == "global":
        new = b.add(draw(st.sampled_from(["GlobalAvgPool", "GlobalMaxPool"])), [cur], {})
    elif kind == "flatten":
        new = b.add("Flatten", [cur], {})
    elif kind == "dense":
        params = {"out_features": draw(st.integers(1, 8))}
        if draw(st.booleans()):
            params["bias"] = False
        new = b.add("Dense", [cur], params, frozen)
    elif kind == "residual":
        new = _residual(b, cur, shape)
    else:
        new = _concat(b, cur, shape)
    return new or cur


def _branch(b: _Builder, cur: str, shape: Shape, width: int) -> str | None:
    """A shape-keeping (except for the channels) branch: a "same" Conv or a Dense, maybe + ReLU."""
    if len(shape) >= 2:
        k = b.draw(st.sampled_from([1, 3]))
        out = b.add("Conv", [cur], {"out_channels": width, "kernel_size": k, "padding": "same"})
    else:
        out = b.add("Dense", [cur], {"out_features": width})
    if out is not None and b.draw(st.booleans()):
        out = b.add("ReLU", [out], {}) or out
    return out


def _residual(b: _Builder, cur: str, shape: Shape) -> str | None:
    branches = [cur] if b.draw(st.booleans()) else []
    for _ in range(b.draw(st.integers(2 - len(branches), 2))):
        out = _branch(b, cur, shape, shape[0])
        if out is None:
            return None
        branches.append(out)
    return b.add("Add", branches, {})


def _concat(b: _Builder, cur: str, shape: Shape) -> str | None:
    if b.draw(st.booleans()) or len(shape) == 1:
        branches = []
        for _ in range(b.draw(st.integers(2, 3))):
            out = _branch(b, cur, shape, b.draw(st.integers(1, 4)))
            if out is None:
                return None
            branches.append(out)
        dim = b.draw(st.sampled_from([0, -len(shape)]))
        return b.add("Concat", branches, {"dim": dim})
    # Along a spatial axis: the branches must keep the channels, so use shape-keeping layers.
    other = b.add(b.draw(st.sampled_from(ACTIVATIONS)), [cur], {})
    if other is None:
        return None
    dim = b.draw(st.integers(1, len(shape) - 1))
    return b.add("Concat", [cur, other], {"dim": b.draw(st.sampled_from([dim, dim - len(shape)]))})


@st.composite
def input_shapes(draw: Callable[[st.SearchStrategy[Any]], Any]) -> list[int]:
    """[C, H, W], [C, L] or (rarely) [F], all small."""
    rank = draw(st.sampled_from([3, 3, 2, 2, 1]))
    if rank == 3:
        return [draw(st.integers(1, 4)), draw(st.integers(3, 10)), draw(st.integers(3, 10))]
    if rank == 2:
        return [draw(st.integers(1, 4)), draw(st.integers(3, 16))]
    return [draw(st.integers(1, 16))]


@st.composite
def valid_designs(draw: Callable[[st.SearchStrategy[Any]], Any], max_steps: int = 6) -> Design:
    """A random valid design (one Input, one output, every layer on the way to the output)."""
    b = _Builder(draw, draw(input_shapes()))
    cur = "input"
    for _ in range(draw(st.integers(1, max_steps))):
        cur = _step(b, cur)
    if cur == "input":  # at least one layer after the Input
        cur = b.add("ReLU", [cur], {}) or cur
    design = b.design
    assert analyze(design).valid, [d.message for d in analyze(design).errors]
    return design


# -- broken designs ---------------------------------------------------------------------------
MUTATIONS = (
    "bad-param-value",
    "unknown-param",
    "missing-required",
    "unknown-input",
    "no-inputs",
    "too-many-inputs",
    "cycle",
    "self-loop",
    "unknown-type",
    "kernel-too-large",
    "dense-fed-image",
    "add-mismatch",
    "concat-mismatch",
    "no-input-layer",
    "two-input-layers",
    "bad-id",
    "bad-output",
    "bad-input-shape",
)

_BAD_VALUES: dict[str, list[Any]] = {
    "out_channels": [0, -3, 2.5, "16", None, True],
    "out_features": [0, -1, "ten", [10]],
    "kernel_size": [0, -1, "3", [3, 3, 3, 3], [], [0, 2]],
    "stride": [0, -2, 1.5],
    "padding": [-1, "full", [-1, 0]],
    "dilation": [0, "2"],
    "groups": [0, "1"],
    "bias": ["yes", 1],
    "p": [-0.1, 1.5, "half", float("nan")],
    "eps": [0.0, -1.0, "small"],
    "momentum": [2.0, -0.5],
    "negative_slope": [-1.0, "x"],
    "alpha": [-2.0, None],
    "dim": [0.5, "0", 99],
    "shape": [[], [0, 28], [1, 2, 3, 4, 5], "28x28", 28],
}


@st.composite
def broken_designs(draw: Callable[[st.SearchStrategy[Any]], Any]) -> tuple[Design, str]:
    """A valid design with one mutation that must make the analysis report an error."""
    design = draw(valid_designs(max_steps=4))
    mutation = draw(st.sampled_from(MUTATIONS))
    analysis = analyze(design)
    assert analysis.output_id is not None
    last = analysis.output_id
    others = [lid for lid in design.layers if lid != "input"]
    victim = design[draw(st.sampled_from(others))]
    in_shape = tuple(design["input"].params["shape"])
    if mutation == "bad-param-value":
        with_params = [
            lay
            for lay in design
            if any(p.name in _BAD_VALUES for p in SPECS[lay.type].params)
            and (lay.type != "Softmax")  # an out-of-range axis is its own mutation below
        ]
        if not with_params:
            victim.params["bogus"] = 1
            return design, "unknown-param"
        victim = draw(st.sampled_from(with_params))
        names = [p.name for p in SPECS[victim.type].params if p.name in _BAD_VALUES]
        name = draw(st.sampled_from(names))
        victim.params[name] = draw(st.sampled_from(_BAD_VALUES[name]))
    elif mutation == "unknown-param":
        victim.params["kernal_size"] = 3
    elif mutation == "missing-required":
        required = [lay for lay in design if SPECS[lay.type].required]
        victim = draw(st.sampled_from(required))
        for name in SPECS[victim.type].required:
            victim.params.pop(name, None)
    elif mutation == "unknown-input":
        victim.inputs = [*victim.inputs[:-1], "ghost"]
    elif mutation == "no-inputs":
        victim.inputs = []
    elif mutation == "too-many-inputs":
        single = [lay for lay in design if lay.type not in ("Input", "Add", "Concat")]
        if not single:
            victim.inputs = victim.inputs[:1]  # Add/Concat with one input
        else:
            victim = draw(st.sampled_from(single))
            victim.inputs = [*victim.inputs, "input"]
    elif mutation == "cycle":
        # Every layer leads to the output, so feeding a layer from the output closes a loop.
        victim.inputs = [last, *victim.inputs[1:]]
    elif mutation == "self-loop":
        victim.inputs = [victim.id, *victim.inputs[1:]]
    elif mutation == "unknown-type":
        victim.type = draw(st.sampled_from(["Conv3D", "relu", "Linear", ""]))
    elif mutation == "kernel-too-large":
        src = draw(st.sampled_from([lid for lid, i in analysis.layers.items() if i.output_shape]))
        shape = analysis.layers[src].output_shape
        type_ = "Conv" if draw(st.booleans()) else draw(st.sampled_from(POOLS))
        params = {"kernel_size": 99} | ({"out_channels": 2} if type_ == "Conv" else {})
        design.add_layer(Layer("too_big", type_, [src], params))
        design.output = "too_big"
        if shape is not None and len(shape) == 1:
            pass  # a vector input: the error is "needs a spatial input" instead
    elif mutation == "dense-fed-image":
        if len(in_shape) >= 2:
            design.add_layer(Layer("fc_bad", "Dense", ["input"], {"out_features": 3}))
        else:
            design.add_layer(Layer("fc_bad", "Conv", ["input"], {"out_channels": 3}))
        design.output = "fc_bad"
    elif mutation in ("add-mismatch", "concat-mismatch"):
        if len(in_shape) >= 2:
            design.add_layer(Layer("pool_bad", "MaxPool", ["input"], {"kernel_size": 1}))
            other = Layer("odd", "Conv", ["input"], {"out_channels": in_shape[0] + 1})
            if mutation == "concat-mismatch":  # channels may differ, the size must not
                other.params["kernel_size"] = 2
        else:
            design.add_layer(Layer("pool_bad", "ReLU", ["input"], {}))
            other = Layer("odd", "Dense", ["input"], {"out_features": in_shape[0] + 1})
            if mutation == "concat-mismatch":
                other = Layer("odd", "Dense", ["input"], {"out_features": 2})
                design.add_layer(other)
                design.add_layer(Layer("merge_bad", "Concat", ["pool_bad", "odd"], {"dim": 1}))
                design.output = "merge_bad"
                return design, mutation
        design.add_layer(other)
        type_ = "Add" if mutation == "add-mismatch" else "Concat"
        design.add_layer(Layer("merge_bad", type_, ["pool_bad", "odd"], {}))
        design.output = "merge_bad"
    elif mutation == "no-input-layer":
        design.remove_layer("input")
    elif mutation == "two-input-layers":
        design.add_layer(Layer("input2", "Input", params={"shape": [1, 8, 8]}), 0)
    elif mutation == "bad-id":
        design.rename(victim.id, draw(st.sampled_from(["class", "1st", "my-layer", "forward"])))
    elif mutation == "bad-output":
        design.output = "nowhere"
    else:
        design["input"].params["shape"] = draw(st.sampled_from(_BAD_VALUES["shape"]))
    return design, mutation


@st.composite
def garbage_designs(draw: Callable[[st.SearchStrategy[Any]], Any]) -> Design:
    """Random layers with random inputs and param values: the analysis must never raise."""
    values = st.one_of(
        st.integers(-2, 6),
        st.sampled_from([0.0, 0.5, 1.5, -1.0, float("inf"), "same", "valid", "x", None, True]),
        st.lists(st.integers(-1, 5), max_size=4),
    )
    types = [*SPECS, "Bogus"]
    ids = [f"l{i}" for i in range(draw(st.integers(1, 7)))]
    layers = []
    for lid in ids:
        type_ = draw(st.sampled_from(types))
        spec = SPECS.get(type_)
        names = [p.name for p in spec.params] if spec else []
        params = draw(st.dictionaries(st.sampled_from([*names, "junk"]), values, max_size=3))
        if type_ == "Input" and draw(st.booleans()):
            params = {"shape": draw(input_shapes())}
        inputs = draw(st.lists(st.sampled_from([*ids, "ghost"]), max_size=3))
        layers.append(Layer(lid, type_, inputs, params, frozen=draw(st.booleans())))
    return Design(layers, name="Garbage")


# -- the torch oracle -------------------------------------------------------------------------
def used_layers(design: Design, analysis: Analysis) -> list[str]:
    """Ids of the layers on the way to the output, in topological order."""
    assert analysis.output_id is not None
    needed = {analysis.output_id}
    stack = [analysis.output_id]
    while stack:
        for src in design[stack.pop()].inputs:
            if src not in needed:
                needed.add(src)
                stack.append(src)
    return [lid for lid in analysis.order if lid in needed]


def forward_locals(model: Any, x: Any) -> tuple[Any, dict[str, Any]]:
    """Run the model and return its output and the local variables of its ``forward``.

    The generated forward names every intermediate after its layer, so its locals are the
    outputs of every layer, merges and module-less layers included.
    """
    code = type(model).forward.__code__
    seen: dict[str, Any] = {}

    def local_tracer(frame: Any, event: str, arg: Any) -> Any:
        if event == "return":
            seen.update(frame.f_locals)
        return local_tracer

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        return local_tracer if frame.f_code is code else None

    old = sys.gettrace()
    sys.settrace(tracer)
    try:
        out = model(x)
    finally:
        sys.settrace(old)
    return out, seen


_MODULE_OUTPUT_DIFFERS = {
    "GlobalAvgPool",
    "GlobalMaxPool",
    "LayerNorm",
}  # the module keeps 1x1, forward flattens; LayerNorm's channels form moves the channels last


def assert_matches_torch(design: Design, *, device: str = "cpu", batch: int = 2) -> None:
    """Build ``design`` and check the analysis' per-layer facts against the torch module."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from cnnstudio.engine.builder import build_model

    analysis = analyze(design)
    assert analysis.valid, [d.message for d in analysis.errors]
    with torch.device(device):
        model = build_model(design, seed=0, analysis=analysis)
    model.eval()
    used = used_layers(design, analysis)
    assert analysis.input_id is not None
    in_shape = analysis.layers[analysis.input_id].output_shape
    assert in_shape is not None
    x = torch.randn(batch, *in_shape, device=device) if device != "meta" else None
    if x is None:
        x = torch.empty(batch, *in_shape, device=device)

    with_module = {
        lid
        for lid in used
        if lid != analysis.input_id
        and SPECS[design[lid].type].module_code(
            analysis.layers[lid].resolved_params or {}, analysis.layers[lid].input_shapes or []
        )
        is not None
    }
    children = dict(model.named_children())
    hooked: dict[str, tuple[int, ...]] = {}
    handles = [
        module.register_forward_hook(
            lambda mod, args, out, lid=lid: hooked.__setitem__(lid, tuple(out.shape[1:]))
        )
        for lid, module in children.items()
    ]
    try:
        with torch.no_grad(), warnings.catch_warnings():
            # torch's notice that an even kernel with padding "same" pads asymmetrically.
            warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
            out, local = forward_locals(model, x)
    finally:
        for handle in handles:
            handle.remove()

    for lid in used:
        info = analysis.layers[lid]
        where = f"{lid} ({info.type})"
        assert lid in local, f"{where}: the forward does not name this layer's output"
        got = tuple(local[lid].shape[1:])
        assert got == info.output_shape, f"{where}: analysis {info.output_shape}, torch {got}"
        module = children.get(lid)
        if module is None:
            assert info.params == 0, f"{where}: no module but {info.params} params"
            continue
        if info.type not in _MODULE_OUTPUT_DIFFERS and info.type != "MinPool":
            assert hooked[lid] == info.output_shape, f"{where}: hook saw {hooked[lid]}"
        params = list(module.parameters())
        numel = sum(p.numel() for p in params)
        trainable = sum(p.numel() for p in params if p.requires_grad)
        assert numel == info.params, f"{where}: analysis {info.params} params, torch {numel}"
        assert trainable == info.trainable_params, (
            f"{where}: analysis {info.trainable_params} trainable, torch {trainable}"
        )
    assert set(children) == with_module
    assert tuple(out.shape) == (batch, *analysis.layers[used[-1]].output_shape)
    if set(used) == set(analysis.layers):
        assert sum(p.numel() for p in model.parameters()) == analysis.total_params
        trainable_total = sum(p.numel() for p in model.parameters() if p.requires_grad)
        assert trainable_total == analysis.trainable_params
        counter = FlopCounterMode(display=False)
        with torch.no_grad(), counter, warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Using padding='same'", UserWarning)
            model(x)
        assert counter.get_total_flops() == 2 * batch * analysis.total_macs, (
            f"FLOPs {counter.get_total_flops()} vs 2 * {batch} * MACs {analysis.total_macs}"
        )
