"""Tracing a module with torch.fx and mapping its nodes onto catalog blocks.

The tracer stops at the torch modules the catalog has (Conv2d, BatchNorm2d, Linear...) and
traces through every other module, so a torchvision ResNet becomes convolutions, batch norms,
ReLUs and Adds. A node that cannot be mapped makes its enclosing module a leaf on the next
trace (`escalation`), which then becomes one opaque block built from its original class; when
even the whole model cannot be mapped, the model itself is the single opaque block.
"""

from __future__ import annotations

import inspect
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import fx, nn

from .ctor import Calls, constructor_code, reference
from .nodes import Block

#: torch.nn.functional's defaults of the max and average pools' arguments (both bind from it).
_POOL_DEFAULTS: dict[str, Any] = {
    "stride": None,
    "padding": 0,
    "dilation": 1,
    "ceil_mode": False,
    "return_indices": False,
    "count_include_pad": True,
    "divisor_override": None,
}


class Unmapped(Exception):
    """A node with no catalog block; ``escalate_to`` is the module to keep whole instead."""

    def __init__(self, reason: str, escalate_to: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.escalate_to = escalate_to


@dataclass
class Traced:
    """One trace: the graph, every node's output (shapes for tensors, values otherwise)."""

    graph: fx.Graph
    values: dict[fx.Node, Any] = field(default_factory=dict)


def _torchvision_leaves() -> tuple[type, ...]:
    from torchvision.models.convnext import LayerNorm2d
    from torchvision.ops import StochasticDepth

    return (StochasticDepth, LayerNorm2d)


# Modules mapped one to one onto a catalog block; the tracer does not look inside them.
NATIVE_MODULES: tuple[type, ...] = (
    nn.Conv1d,
    nn.Conv2d,
    nn.BatchNorm1d,
    nn.BatchNorm2d,
    nn.Linear,
    nn.ReLU,
    nn.ReLU6,
    nn.SiLU,
    nn.Hardswish,
    nn.Hardsigmoid,
    nn.Sigmoid,
    nn.Tanh,
    nn.GELU,
    nn.LeakyReLU,
    nn.ELU,
    nn.Softmax,
    nn.Identity,
    nn.MaxPool1d,
    nn.MaxPool2d,
    nn.AvgPool1d,
    nn.AvgPool2d,
    nn.AdaptiveAvgPool1d,
    nn.AdaptiveAvgPool2d,
    nn.AdaptiveMaxPool1d,
    nn.AdaptiveMaxPool2d,
    nn.Dropout,
    nn.Flatten,
    nn.LayerNorm,
    nn.ChannelShuffle,
)


# Modules whose output has their input's shape, dtype and device (in eval mode).
SHAPE_KEEPING: frozenset[type] = frozenset(
    {
        nn.BatchNorm1d,
        nn.BatchNorm2d,
        nn.ReLU,
        nn.ReLU6,
        nn.SiLU,
        nn.Hardswish,
        nn.Hardsigmoid,
        nn.Sigmoid,
        nn.Tanh,
        nn.GELU,
        nn.LeakyReLU,
        nn.ELU,
        nn.Identity,
        nn.Dropout,
    }
)


def autowrapped() -> tuple[Callable[..., Any], ...]:
    """Library functions kept as one node (their insides are shape arithmetic on proxies)."""
    from torchvision.models.shufflenetv2 import channel_shuffle

    return (channel_shuffle,)


class _Tracer(fx.Tracer):
    def __init__(self, leaves: set[str]) -> None:
        super().__init__(autowrap_functions=autowrapped())
        self.leaves = leaves
        self.native = NATIVE_MODULES + _torchvision_leaves()

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        if module_qualified_name in self.leaves or type(m) in self.native:
            return True
        return super().is_leaf_module(m, module_qualified_name)


class _Recorder(fx.Interpreter):
    """Runs the traced graph once and keeps every node's output."""

    def __init__(self, gm: fx.GraphModule, values: dict[fx.Node, Any]) -> None:
        super().__init__(gm)
        self.seen = values

    def run_node(self, n: fx.Node) -> Any:
        result = super().run_node(n)
        self.seen[n] = result
        return result

    def call_module(self, target: Any, args: Any, kwargs: Any) -> Any:
        # Only shapes are wanted here: a module that keeps its input's shape need not run
        # (batch norm on meta tensors alone costs more than all the rest of a ResNet-50).
        module = self.fetch_attr(target)
        if type(module) in SHAPE_KEEPING and len(args) == 1 and not kwargs:
            return args[0]
        return super().call_module(target, args, kwargs)


class _Runner(nn.Module):
    """``fn(x)`` as the forward of a module that owns ``root``, for `torch.func.functional_call`."""

    def __init__(self, root: nn.Module, fn: Callable[[torch.Tensor], Any]) -> None:
        super().__init__()
        self.root = root
        # Kept in a tuple: a module assigned as an attribute would be registered a second time.
        self.fn = (fn,)

    def forward(self, x: torch.Tensor) -> Any:
        return self.fn[0](x)


def shape_run(root: nn.Module, fn: Callable[[torch.Tensor], Any], x: torch.Tensor) -> Any:
    """``fn(x)`` with ``root``'s weights and ``x`` on the meta device: every shape, no arithmetic
    (a ResNet-50 in a fraction of a real forward). A model that meta tensors cannot run (it
    reads a value, say) runs for real instead."""
    tensors = {
        f"root.{k}": torch.empty_like(v, device="meta")
        for k, v in [*root.named_parameters(), *root.named_buffers()]
    }
    runner = _Runner(root, fn)
    try:
        with torch.no_grad():
            return torch.func.functional_call(runner, tensors, (x.to("meta"),), tie_weights=True)
    except Exception:
        pass
    with torch.no_grad():
        return fn(x)


def trace(model: nn.Module, example: torch.Tensor, leaves: set[str]) -> Traced:
    """Trace ``model`` (modules named in ``leaves`` kept whole) and run it on ``example``."""
    graph = _Tracer(leaves).trace(model)
    gm = fx.GraphModule(model, graph)
    traced = Traced(graph)
    shape_run(gm, _Recorder(gm, traced.values).run, example)
    return traced


# -- mapping ----------------------------------------------------------------------------------
def _size(value: Any) -> int | list[int]:
    """A torch size argument as the design stores it: one int when all axes agree."""
    if isinstance(value, int):
        return value
    values = [int(v) for v in value]
    return values[0] if len(set(values)) == 1 else values


def _sample(t: Any) -> tuple[int, ...]:
    return tuple(t.shape[1:])


def _design_dim(dim: int, where: str, group: str) -> int:
    """A torch axis (batch included) as a design axis (batch excluded)."""
    if dim == 0:
        raise Unmapped(f"{where} works along the batch axis", group)
    return dim - 1 if dim > 0 else dim


def _bind(node: fx.Node, names: tuple[str, ...], defaults: dict[str, Any]) -> dict[str, Any]:
    """A call's arguments by name (positional ones in the order ``names`` gives)."""
    bound = dict(defaults)
    bound.update(zip(names, node.args, strict=False))
    bound.update(node.kwargs)
    return bound


ACTIVATION_FUNCTIONS: dict[Any, str] = {
    F.relu: "ReLU",
    torch.relu: "ReLU",
    F.relu6: "ReLU6",
    F.silu: "SiLU",
    F.hardswish: "Hardswish",
    F.hardsigmoid: "Hardsigmoid",
    torch.sigmoid: "Sigmoid",
    F.sigmoid: "Sigmoid",
    torch.tanh: "Tanh",
    F.tanh: "Tanh",
}
ACTIVATION_METHODS = {
    "relu": "ReLU",
    "relu_": "ReLU",
    "sigmoid": "Sigmoid",
    "sigmoid_": "Sigmoid",
    "tanh": "Tanh",
}
SIMPLE_MODULES: dict[type, str] = {
    nn.ReLU: "ReLU",
    nn.ReLU6: "ReLU6",
    nn.SiLU: "SiLU",
    nn.Hardswish: "Hardswish",
    nn.Hardsigmoid: "Hardsigmoid",
    nn.Sigmoid: "Sigmoid",
    nn.Tanh: "Tanh",
    nn.Identity: "Identity",
}
_ADD = {operator.add, operator.iadd, torch.add}
_MUL = {operator.mul, operator.imul, torch.mul}
_ALIAS_METHODS = {"contiguous", "clone"}


class GraphMapper:
    """Maps one trace onto blocks; raises `Unmapped` at the first node it cannot map."""

    def __init__(self, model: nn.Module, traced: Traced, calls: Calls) -> None:
        self.model = model
        self.traced = traced
        self.calls = calls
        self.blocks: list[Block] = []
        self.key: dict[fx.Node, str] = {}  # node -> key of the block that gives its value
        self.chunks: dict[fx.Node, tuple[str, int, int]] = {}
        self.opaque_paths: list[str] = []

    # -- helpers --------------------------------------------------------------------------
    def value(self, node: Any) -> Any:
        return self.traced.values.get(node) if isinstance(node, fx.Node) else node

    def is_tensor(self, node: Any) -> bool:
        return isinstance(node, fx.Node) and isinstance(self.value(node), torch.Tensor)

    @staticmethod
    def where(node: fx.Node) -> str:
        """The path of the module whose forward holds ``node`` ("" for the model's own)."""
        stack = node.meta.get("nn_module_stack") or {}
        paths = [v[0] if isinstance(v, tuple) else k for k, v in stack.items()]
        if node.op == "call_module":
            paths = paths[:-1] if paths and paths[-1] == node.target else paths
        return paths[-1] if paths else ""

    def input_key(self, node: Any, at: fx.Node) -> str:
        if not isinstance(node, fx.Node) or node not in self.key:
            raise Unmapped(f"{at.name} takes a value that is not a mapped tensor", self.where(at))
        return self.key[node]

    def add(
        self,
        node: fx.Node,
        type_: str,
        params: dict[str, Any],
        inputs: list[Any],
        weights: dict[str, Any] | None = None,
        module_path: str = "",
    ) -> None:
        keys = [self.input_key(i, node) for i in inputs]
        block = Block(node.name, type_, params, keys, self.where(node), module_path)
        if weights:
            block.weights = weights
        self.blocks.append(block)
        self.key[node] = block.key

    # -- the walk -------------------------------------------------------------------------
    def run(self) -> list[Unmapped]:
        """Map every node; returns the nodes that could not be mapped (their consumers, which
        fail because of them, are not listed: keeping the module whole settles both)."""
        failures: list[Unmapped] = []
        failed: set[fx.Node] = set()
        for node in self.traced.graph.nodes:
            if any(i in failed for i in node.all_input_nodes):
                failed.add(node)
                continue
            try:
                self.map_node(node)
            except Unmapped as problem:
                failed.add(node)
                failures.append(problem)
        return failures

    def map_node(self, node: fx.Node) -> None:
        out = self.value(node)
        if node.op == "placeholder":
            if not isinstance(out, torch.Tensor):
                raise Unmapped(f"the forward argument {node.name} is not a tensor", "")
            if any(b.type == "Input" for b in self.blocks):
                raise Unmapped("the forward takes more than one tensor; a design has one Input", "")
            self.add(node, "Input", {"shape": list(_sample(out))}, [])
            return
        if node.op == "output":
            result = node.args[0]
            if not self.is_tensor(result):
                raise Unmapped("the model returns more than one tensor", "")
            self.output = self.input_key(result, node)
            return
        if node.op == "get_attr":
            if isinstance(out, torch.Tensor):
                raise Unmapped(
                    f"{node.target} is a tensor of the model used directly", self.where(node)
                )
            return
        if isinstance(out, torch.Size):
            return  # x.shape, x.size(): arithmetic for a reshape, whose result is recorded
        if isinstance(out, tuple) and node.op in ("call_method", "call_function"):
            self.map_tuple(node)
            return
        if not isinstance(out, torch.Tensor):
            return  # sizes, shapes and other Python values feed only the arithmetic of others
        rank = out.dim() - 1
        if not 1 <= rank <= 3:
            raise Unmapped(
                f"{node.name} gives a {out.dim()}-axis tensor; designs hold 2 to 4",
                self.where(node),
            )
        if node.op == "call_module":
            self.map_module(node)
        elif node.op == "call_function":
            self.map_function(node, node.target)
        elif node.op == "call_method":
            self.map_method(node, str(node.target))

    def map_tuple(self, node: fx.Node) -> None:
        target = node.target
        if target in (torch.chunk, "chunk"):
            b = _bind(node, ("input", "chunks", "dim"), {"dim": 0})
            if self.is_tensor(b["input"]) and isinstance(b["chunks"], int):
                dim = _design_dim(int(b["dim"]), node.name, self.where(node))
                self.chunks[node] = (self.input_key(b["input"], node), b["chunks"], dim)
                return
        raise Unmapped(f"{node.name} ({target}) gives several tensors", self.where(node))

    def map_module(self, node: fx.Node) -> None:
        path = str(node.target)
        module = self.model.get_submodule(path)
        try:
            type_, params = self.module_block(node, module)
        except Unmapped:
            self.opaque(node, module, path)
            return
        weights = {k: v.detach() for k, v in module.state_dict().items()}
        self.add(node, type_, params, [node.args[0]], weights, path)

    def module_block(self, node: fx.Node, m: nn.Module) -> tuple[str, dict[str, Any]]:
        """The catalog block of a native module, or `Unmapped` for a setting it lacks."""
        fail = Unmapped(f"{type(m).__name__} with these settings", "")
        if len(node.args) != 1 or node.kwargs or not self.is_tensor(node.args[0]):
            raise fail
        x = self.value(node.args[0])
        t = type(m)
        if t in SIMPLE_MODULES:
            return SIMPLE_MODULES[t], {}
        if isinstance(m, (nn.Conv1d, nn.Conv2d)) and t in (nn.Conv1d, nn.Conv2d):
            if m.padding_mode != "zeros":
                raise fail
            padding = m.padding if isinstance(m.padding, str) else _size(m.padding)
            return "Conv", {
                "out_channels": m.out_channels,
                "kernel_size": _size(m.kernel_size),
                "stride": _size(m.stride),
                "padding": padding,
                "dilation": _size(m.dilation),
                "groups": m.groups,
                "bias": m.bias is not None,
            }
        if t in (nn.BatchNorm1d, nn.BatchNorm2d):
            assert isinstance(m, nn.modules.batchnorm._BatchNorm)
            if not (m.affine and m.track_running_stats) or m.momentum is None:
                raise fail
            return "BatchNorm", {"eps": float(m.eps), "momentum": float(m.momentum)}
        if t is nn.Linear and x.dim() == 2:
            assert isinstance(m, nn.Linear)
            return "Dense", {"out_features": m.out_features, "bias": m.bias is not None}
        if t is nn.GELU and getattr(m, "approximate", "none") == "none":
            return "GELU", {}
        if t is nn.LeakyReLU:
            return "LeakyReLU", {"negative_slope": float(m.negative_slope)}  # type: ignore[arg-type]
        if t is nn.ELU:
            return "ELU", {"alpha": float(m.alpha)}  # type: ignore[arg-type]
        if t is nn.Softmax and isinstance(m.dim, int):
            return "Softmax", {"dim": _design_dim(m.dim, "Softmax", "")}
        if t in (nn.MaxPool1d, nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d):
            return self.pool_block(
                "MaxPool" if "Max" in t.__name__ else "AvgPool",
                {
                    "kernel_size": m.kernel_size,
                    "stride": m.stride,
                    "padding": m.padding,
                    "dilation": getattr(m, "dilation", 1),
                    "ceil_mode": m.ceil_mode,
                    "return_indices": getattr(m, "return_indices", False),
                    "count_include_pad": getattr(m, "count_include_pad", True),
                    "divisor_override": getattr(m, "divisor_override", None),
                },
                fail,
            )
        if t in (
            nn.AdaptiveAvgPool1d,
            nn.AdaptiveAvgPool2d,
            nn.AdaptiveMaxPool1d,
            nn.AdaptiveMaxPool2d,
        ):
            if getattr(m, "return_indices", False):
                raise fail
            return self.adaptive_block("Max" in t.__name__, m.output_size, fail)
        if t is nn.Dropout:
            return "Dropout", {"p": float(m.p)}  # type: ignore[arg-type]
        if t is nn.Flatten and m.start_dim == 1 and m.end_dim == -1:
            return "Flatten", {}
        if t is nn.Flatten:  # from a later axis: the batch axis stays, a Reshape of the rest
            assert isinstance(m, nn.Flatten)
            out = self.value(node)
            start, end = m.start_dim % x.dim(), m.end_dim % x.dim()
            if 1 <= start <= end and 2 < out.dim() <= 4:
                return "Reshape", {"shape": list(_sample(out))}
            raise fail
        if t is nn.ChannelShuffle:
            return "ChannelShuffle", {"groups": int(m.groups)}  # type: ignore[arg-type]
        if isinstance(m, nn.LayerNorm):
            return self.layernorm_block(m, x, fail)
        from torchvision.ops import StochasticDepth

        if t is StochasticDepth:
            return "StochasticDepth", {"p": float(m.p), "mode": str(m.mode)}  # type: ignore[arg-type]
        raise fail

    def layernorm_block(
        self, m: nn.LayerNorm, x: torch.Tensor, fail: Unmapped
    ) -> tuple[str, dict[str, Any]]:
        from torchvision.models.convnext import LayerNorm2d

        affine = bool(m.elementwise_affine)
        if affine and m.bias is None:
            raise fail
        params = {"eps": float(m.eps), "affine": affine}
        shape = tuple(m.normalized_shape)
        if type(m) is LayerNorm2d and x.dim() == 4 and shape == (x.shape[1],):
            return "LayerNorm", {"channels": True, **params}
        if type(m) is nn.LayerNorm and shape == _sample(x):
            return "LayerNorm", {"channels": False, **params}
        raise fail

    @staticmethod
    def pool_block(type_: str, b: dict[str, Any], fail: Unmapped) -> tuple[str, dict[str, Any]]:
        if _size(b["dilation"]) != 1 or b["return_indices"]:
            raise fail
        if not b["count_include_pad"] or b["divisor_override"] is not None:
            raise fail
        params: dict[str, Any] = {"kernel_size": _size(b["kernel_size"])}
        stride = b["stride"]
        if stride is not None and stride != [] and _size(stride) != params["kernel_size"]:
            params["stride"] = _size(stride)
        if _size(b["padding"]) != 0:
            params["padding"] = _size(b["padding"])
        if b["ceil_mode"]:
            params["ceil_mode"] = True
        return type_, params

    @staticmethod
    def adaptive_block(is_max: bool, size: Any, fail: Unmapped) -> tuple[str, dict[str, Any]]:
        sizes = [size] if isinstance(size, int) else list(size)
        if any(not isinstance(s, int) for s in sizes):
            raise fail
        return ("AdaptiveMaxPool" if is_max else "AdaptiveAvgPool"), {"output_size": _size(sizes)}

    def map_function(self, node: fx.Node, fn: Any) -> None:
        group = self.where(node)
        args = node.args
        if fn in _ADD or fn in _MUL:
            tensors = [a for a in args if self.is_tensor(a)]
            if len(tensors) == 2 == len(args) and not node.kwargs:
                shapes = [_sample(self.value(a)) for a in tensors]
                if fn in _ADD and shapes[0] == shapes[1]:
                    self.add(node, "Add", {}, tensors)
                    return
                if fn in _MUL and len(shapes[0]) == len(shapes[1]):
                    self.add(node, "Mul", {}, tensors)
                    return
            raise Unmapped(f"{node.name}: {getattr(fn, '__name__', fn)} of these operands", group)
        if fn in ACTIVATION_FUNCTIONS:
            self.add(node, ACTIVATION_FUNCTIONS[fn], {}, [args[0]])
            return
        if fn is F.gelu and node.kwargs.get("approximate", "none") == "none":
            self.add(node, "GELU", {}, [args[0]])
            return
        if fn is torch.cat:
            b = _bind(node, ("tensors", "dim"), {"dim": 0})
            dim = _design_dim(int(b["dim"]), node.name, group)
            tensors = list(b["tensors"])
            if len(tensors) == 1:  # DenseNet joins a one-element list: the tensor itself
                self.add(node, "Identity", {}, tensors)
                return
            self.add(node, "Concat", {} if dim == 0 else {"dim": dim}, tensors)
            return
        if fn is torch.flatten:
            b = _bind(node, ("input", "start_dim", "end_dim"), {"start_dim": 0, "end_dim": -1})
            self.flatten(node, b)
            return
        if fn is torch.permute:  # also torchvision.ops.Permute (ConvNeXt, Swin) traced through
            b = _bind(node, ("input", "dims"), {})
            self.permute(node, b["input"], b["dims"])
            return
        if fn is torch.transpose:
            b = _bind(node, ("input", "dim0", "dim1"), {})
            self.transpose(node, b["input"], b["dim0"], b["dim1"])
            return
        if fn is torch.reshape:
            self.reshape(node, _bind(node, ("input", "shape"), {})["input"])
            return
        if fn is operator.getitem and args[0] in self.chunks:
            source, n, dim = self.chunks[args[0]]  # type: ignore[index]
            self.blocks.append(
                Block(
                    node.name,
                    "Chunk",
                    {"chunks": n, "index": int(args[1]), "dim": dim},  # type: ignore[arg-type]
                    [source],
                    group,
                )
            )
            self.key[node] = node.name
            return
        if fn in (
            F.adaptive_avg_pool2d,
            F.adaptive_avg_pool1d,
            F.adaptive_max_pool2d,
            F.adaptive_max_pool1d,
        ):
            b = _bind(node, ("input", "output_size"), {})
            is_max = "max" in fn.__name__
            if is_max and b.get("return_indices"):
                raise Unmapped(f"{node.name}: pooling with indices", group)
            type_, params = self.adaptive_block(
                is_max, b["output_size"], Unmapped(node.name, group)
            )
            self.add(node, type_, params, [b["input"]])
            return
        if fn in (F.max_pool2d, F.max_pool1d):
            b = _bind(
                node,
                (
                    "input",
                    "kernel_size",
                    "stride",
                    "padding",
                    "dilation",
                    "ceil_mode",
                    "return_indices",
                ),
                _POOL_DEFAULTS,
            )
            type_, params = self.pool_block("MaxPool", b, Unmapped(node.name, group))
            self.add(node, type_, params, [b["input"]])
            return
        if fn in (F.avg_pool2d, F.avg_pool1d):
            b = _bind(
                node,
                (
                    "input",
                    "kernel_size",
                    "stride",
                    "padding",
                    "ceil_mode",
                    "count_include_pad",
                    "divisor_override",
                ),
                _POOL_DEFAULTS,
            )
            type_, params = self.pool_block("AvgPool", b, Unmapped(node.name, group))
            self.add(node, type_, params, [b["input"]])
            return
        if fn is F.dropout:
            b = _bind(node, ("input", "p", "training", "inplace"), {"p": 0.5})
            self.add(node, "Dropout", {"p": float(b["p"])}, [b["input"]])
            return
        if fn is torch.mean:
            self.mean(node, _bind(node, ("input", "dim", "keepdim"), {"keepdim": False}))
            return
        if fn in autowrapped():
            b = _bind(node, ("x", "groups"), {})
            self.add(node, "ChannelShuffle", {"groups": int(b["groups"])}, [b["x"]])
            return
        name = getattr(fn, "__qualname__", None) or str(fn)
        raise Unmapped(f"{node.name}: function {getattr(fn, '__module__', '')}.{name}", group)

    def map_method(self, node: fx.Node, name: str) -> None:
        group = self.where(node)
        args = node.args
        if name in _ALIAS_METHODS and not node.kwargs and len(args) == 1:
            self.key[node] = self.input_key(args[0], node)
            return
        if name in ACTIVATION_METHODS and len(args) == 1:
            self.add(node, ACTIVATION_METHODS[name], {}, [args[0]])
            return
        if name in ("add", "add_", "mul", "mul_") and len(args) == 2 and not node.kwargs:
            self.map_function(node, torch.add if name.startswith("add") else torch.mul)
            return
        if name == "flatten":
            b = _bind(node, ("input", "start_dim", "end_dim"), {"start_dim": 0, "end_dim": -1})
            self.flatten(node, b)
            return
        if name == "mean":
            self.mean(node, _bind(node, ("input", "dim", "keepdim"), {"keepdim": False}))
            return
        if name in ("view", "reshape") and args and self.is_tensor(args[0]):
            self.reshape(node, args[0])
            return
        if name == "permute" and args:  # x.permute(0, 2, 3, 1) or x.permute([0, 2, 3, 1])
            rest = list(args[1:])
            dims = rest[0] if len(rest) == 1 and isinstance(rest[0], (list, tuple)) else rest
            self.permute(node, args[0], node.kwargs.get("dims", dims))
            return
        if name == "transpose" and len(args) == 3 and not node.kwargs:
            self.transpose(node, args[0], args[1], args[2])
            return
        raise Unmapped(f"{node.name}: method Tensor.{name}", group)

    def reshape(self, node: fx.Node, source: Any) -> None:
        """view/reshape that keeps the batch axis: Flatten to a vector, else Reshape."""
        out, x = self.value(node), self.value(source)
        if not (self.is_tensor(source) and out.dim() >= 2 and out.shape[0] == x.shape[0]):
            raise Unmapped(f"{node.name}: a reshape across the batch axis", self.where(node))
        if out.dim() == 2:
            self.add(node, "Flatten", {}, [source])
        elif out.dim() <= 4:  # a Reshape's shape has 1 to 3 axes after the batch
            self.add(node, "Reshape", {"shape": list(_sample(out))}, [source])
        else:
            raise Unmapped(f"{node.name}: a reshape to {out.dim() - 1} axes", self.where(node))

    def permute(self, node: fx.Node, source: Any, dims: Any) -> None:
        """A permutation that keeps the batch axis first: Permute of the other axes."""
        x = self.value(source)
        try:
            order = [int(d) % x.dim() for d in dims]
        except (TypeError, ValueError):
            raise Unmapped(f"{node.name}: permute by computed axes", self.where(node)) from None
        if not (self.is_tensor(source) and 2 <= x.dim() <= 4) or sorted(order) != list(
            range(x.dim())
        ):
            raise Unmapped(f"{node.name}: permute of a {x.dim()}-axis tensor", self.where(node))
        if order[0] != 0:
            raise Unmapped(f"{node.name}: a permute that moves the batch axis", self.where(node))
        if order == list(range(x.dim())):  # the identity order: nothing moves
            self.add(node, "Identity", {}, [source])
            return
        self.add(node, "Permute", {"dims": [d - 1 for d in order[1:]]}, [source])

    def transpose(self, node: fx.Node, source: Any, dim0: Any, dim1: Any) -> None:
        x = self.value(source)
        order = list(range(x.dim()))
        try:
            a, b = int(dim0) % x.dim(), int(dim1) % x.dim()
        except (TypeError, ValueError):
            raise Unmapped(f"{node.name}: transpose of computed axes", self.where(node)) from None
        order[a], order[b] = order[b], order[a]
        self.permute(node, source, order)

    def flatten(self, node: fx.Node, b: dict[str, Any]) -> None:
        x = self.value(b["input"])
        start, end = b["start_dim"] % x.dim(), b["end_dim"] % x.dim()
        if start == 1 and end == x.dim() - 1:
            self.add(node, "Flatten", {}, [b["input"]])
            return
        if 1 <= start <= end:  # the batch axis stays: a Reshape of the rest
            self.reshape(node, b["input"])
            return
        raise Unmapped(f"{node.name}: flatten from axis {b['start_dim']}", self.where(node))

    def mean(self, node: fx.Node, b: dict[str, Any]) -> None:
        x = self.value(b["input"])
        dims = b.get("dim")
        dims = [dims] if isinstance(dims, int) else list(dims or [])
        spatial = sorted(d % x.dim() for d in dims)
        if x.dim() in (3, 4) and spatial == list(range(2, x.dim())):
            if b["keepdim"]:
                self.add(node, "AdaptiveAvgPool", {}, [b["input"]])
            else:
                self.add(node, "GlobalAvgPool", {}, [b["input"]])
            return
        raise Unmapped(f"{node.name}: mean over axes {dims}", self.where(node))

    # -- opaque ---------------------------------------------------------------------------
    def opaque(self, node: fx.Node, module: nn.Module, path: str) -> None:
        """Keep ``module`` whole as an instance of its class, if its construction is known."""
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        if path == "":
            parent = ""
        code = constructor_code(module, self.calls)
        if code is None:
            raise Unmapped(
                f"{path or 'the model'} ({type(module).__name__}): its constructor "
                "arguments are not known",
                parent,
            )
        if len(node.args) != 1 or node.kwargs or not self.is_tensor(node.args[0]):
            raise Unmapped(f"{path} ({type(module).__name__}) takes more than one tensor", parent)
        x, out = self.value(node.args[0]), self.value(node)
        ref = reference(type(module))
        assert ref is not None
        params = opaque_params(module, ref, code, x, out)
        weights = {k: v.detach() for k, v in module.state_dict().items()}
        self.add(node, "Opaque", params, [node.args[0]], weights, path)
        self.opaque_paths.append(path)


def opaque_params(
    module: nn.Module, ref: str, code: str, x: torch.Tensor, out: torch.Tensor
) -> dict[str, Any]:
    """The Opaque block's params: class, arguments, shapes, counts, where the class is defined."""
    from torch.utils.flop_counter import FlopCounterMode

    counter = FlopCounterMode(display=False)

    def count(sample: torch.Tensor) -> None:
        with counter:
            module(sample)

    shape_run(module, count, x[:1])
    try:
        source = f"{inspect.getsourcefile(type(module))}:{inspect.getsourcelines(type(module))[1]}"
    except (TypeError, OSError):
        source = ""
    return {
        "module": ref,
        "args": code[len(ref) + 1 : -1],
        "input_shape": list(_sample(x)),
        "output_shape": list(_sample(out)),
        "param_count": sum(p.numel() for p in module.parameters()),
        "macs": counter.get_total_flops() // 2,
        "source": source,
    }
