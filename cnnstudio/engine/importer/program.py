"""A saved torch.export program (``FILE.pt2``) as a design: its ATen graph mapped onto blocks.

The program keeps no Python classes, so nothing in it can stay opaque: an operation without a
catalog block is refused in one line that names it. Each node's ``nn_module_stack`` still
gives the module hierarchy, so layer ids and groups read as they do for an fx import. The
program also serves as the original the import is verified against.
"""

from __future__ import annotations

import operator
from typing import Any

import torch

from .errors import ImportModelError
from .graph import Mapped, _to_design
from .nodes import Block

aten = torch.ops.aten

_SIMPLE = {
    aten.relu.default: "ReLU",
    aten.relu_.default: "ReLU",
    aten.silu.default: "SiLU",
    aten.silu_.default: "SiLU",
    aten.hardswish.default: "Hardswish",
    aten.hardswish_.default: "Hardswish",
    aten.hardsigmoid.default: "Hardsigmoid",
    aten.hardsigmoid_.default: "Hardsigmoid",
    aten.sigmoid.default: "Sigmoid",
    aten.tanh.default: "Tanh",
    aten.clone.default: "Identity",
}


def _size(value: Any) -> int | list[int]:
    values = [int(v) for v in value] if isinstance(value, (list, tuple)) else [int(value)]
    return values[0] if len(set(values)) == 1 else values


def _arg(node: Any, index: int, name: str, default: Any) -> Any:
    if len(node.args) > index:
        return node.args[index]
    return node.kwargs.get(name, default)


def program_to_design(program: Any, name: str) -> tuple[Mapped, tuple[int, ...], int]:
    """The design of ``program``, its input shape and the batch size it was exported with."""
    sig = program.graph_signature
    state = program.state_dict
    constants = getattr(program, "constants", {})
    names = {**sig.inputs_to_parameters, **sig.inputs_to_buffers}

    def tensor(node: Any) -> torch.Tensor:
        key = names[node.name]
        value = state[key] if key in state else constants[key]
        return value.detach().clone()

    blocks: list[Block] = []
    key: dict[Any, str] = {}
    user_inputs = list(sig.user_inputs)
    if len(user_inputs) != 1:
        raise ImportModelError(
            f"{name}: the program takes {len(user_inputs)} inputs; a design has one"
        )
    shape: tuple[int, ...] = ()
    batch = 1
    output = ""

    def where(node: Any) -> tuple[str, str]:
        """(module path, group): a torch.nn module's node belongs to the module around it."""
        stack = list((node.meta.get("nn_module_stack") or {}).values())
        path = stack[-1][0] if stack else ""
        if stack and str(stack[-1][1]).startswith("torch.nn.modules"):
            return path, stack[-2][0] if len(stack) > 1 else ""
        return "", path

    def add(
        node: Any,
        type_: str,
        params: dict[str, Any],
        inputs: list[Any],
        weights: dict[str, torch.Tensor] | None = None,
    ) -> None:
        path, group = where(node)
        missing = [i for i in inputs if i not in key]
        if missing:
            raise ImportModelError(f"{name}: {node.name} takes {missing[0]}, which has no block")
        block = Block(node.name, type_, params, [key[i] for i in inputs], group, path)
        block.weights = weights or {}
        blocks.append(block)
        key[node] = node.name

    for node in program.graph.nodes:
        if node.op == "placeholder":
            if node.name == user_inputs[0]:
                val = node.meta["val"]
                shape, batch = tuple(int(s) for s in val.shape[1:]), int(val.shape[0])
                blocks.append(Block("input", "Input", {"shape": list(shape)}, []))
                key[node] = "input"
            continue
        if node.op == "output":
            result = node.args[0]
            result = result[0] if isinstance(result, (list, tuple)) and len(result) == 1 else result
            if result not in key:
                raise ImportModelError(f"{name}: the program does not return one tensor")
            output = key[result]
            continue
        if node.op != "call_function":
            continue
        t, a = node.target, node.args
        if t in _SIMPLE:
            add(node, _SIMPLE[t], {}, [a[0]])
        elif t in (aten.hardtanh.default, aten.hardtanh_.default) and tuple(a[1:3]) == (0.0, 6.0):
            add(node, "ReLU6", {}, [a[0]])
        elif t is aten.conv2d.default or t is aten.conv1d.default:
            w = tensor(a[1])
            bias = _arg(node, 2, "bias", None)
            weights = {"weight": w}
            if bias is not None:
                weights["bias"] = tensor(bias)
            params = {
                "out_channels": int(w.shape[0]),
                "kernel_size": _size(w.shape[2:]),
                "stride": _size(_arg(node, 3, "stride", 1)),
                "padding": _size(_arg(node, 4, "padding", 0)),
                "dilation": _size(_arg(node, 5, "dilation", 1)),
                "groups": int(_arg(node, 6, "groups", 1)),
                "bias": bias is not None,
            }
            add(node, "Conv", params, [a[0]], weights)
        elif t is aten.batch_norm.default or t is aten._native_batch_norm_legit_no_training.default:
            if t is aten.batch_norm.default:
                wn, bn, mean, var, momentum, eps = a[1], a[2], a[3], a[4], a[6], a[7]
            else:
                wn, bn, mean, var, momentum, eps = a[1], a[2], a[3], a[4], a[5], a[6]
            path, _ = where(node)
            tracked = names.get(f"b_{path.replace('.', '_')}_num_batches_tracked")
            weights = {
                "weight": tensor(wn),
                "bias": tensor(bn),
                "running_mean": tensor(mean),
                "running_var": tensor(var),
                "num_batches_tracked": state[tracked].clone()
                if tracked in state
                else torch.tensor(0),
            }
            add(
                node, "BatchNorm", {"eps": float(eps), "momentum": float(momentum)}, [a[0]], weights
            )
        elif t is aten.linear.default:
            w = tensor(a[1])
            bias = _arg(node, 2, "bias", None)
            weights = {"weight": w}
            if bias is not None:
                weights["bias"] = tensor(bias)
            add(
                node,
                "Dense",
                {"out_features": int(w.shape[0]), "bias": bias is not None},
                [a[0]],
                weights,
            )
        elif t in (aten.add.Tensor, aten.add_.Tensor) and len(a) == 2 and not node.kwargs:
            add(node, "Add", {}, list(a))
        elif t in (aten.mul.Tensor, aten.mul_.Tensor) and len(a) == 2:
            add(node, "Mul", {}, list(a))
        elif t is aten.cat.default:
            dim = int(_arg(node, 1, "dim", 0))
            add(
                node,
                "Concat",
                {} if dim in (0, 1) else {"dim": dim - 1 if dim > 0 else dim},
                list(a[0]),
            )
        elif t is aten.flatten.using_ints and int(_arg(node, 1, "start_dim", 0)) == 1:
            add(node, "Flatten", {}, [a[0]])
        elif t in (aten.view.default, aten.reshape.default) and int(a[1][0]) in (batch, -1):
            out = node.meta["val"].shape
            if len(out) == 2:
                add(node, "Flatten", {}, [a[0]])
            else:
                add(node, "Reshape", {"shape": [int(s) for s in out[1:]]}, [a[0]])
        elif t is aten.adaptive_avg_pool2d.default or t is aten.adaptive_avg_pool1d.default:
            add(node, "AdaptiveAvgPool", {"output_size": _size(a[1])}, [a[0]])
        elif t is aten.mean.dim and sorted(
            int(d) % node.args[0].meta["val"].dim() for d in a[1]
        ) == [2, 3]:
            keep = bool(_arg(node, 2, "keepdim", False))
            add(node, "AdaptiveAvgPool" if keep else "GlobalAvgPool", {}, [a[0]])
        elif t in (aten.max_pool2d.default, aten.avg_pool2d.default):
            is_max = t is aten.max_pool2d.default
            kernel = _size(a[1])
            params = {"kernel_size": kernel}
            stride = _arg(node, 2, "stride", [])
            if stride and _size(stride) != kernel:
                params["stride"] = _size(stride)
            padding = _size(_arg(node, 3, "padding", 0))
            if padding != 0:
                params["padding"] = padding
            ceil = _arg(node, 5 if is_max else 4, "ceil_mode", False)
            if is_max and _size(_arg(node, 4, "dilation", 1)) != 1:
                raise ImportModelError(f"{name}: {node.name}: dilated pooling has no block")
            if not is_max and (
                not _arg(node, 5, "count_include_pad", True)
                or _arg(node, 6, "divisor_override", None)
            ):
                raise ImportModelError(f"{name}: {node.name}: this average pooling has no block")
            if ceil:
                params["ceil_mode"] = True
            add(node, "MaxPool" if is_max else "AvgPool", params, [a[0]])
        elif t is aten.dropout.default:
            add(node, "Dropout", {"p": float(a[1])}, [a[0]])
        elif t is operator.getitem:
            raise ImportModelError(
                f"{name}: {node.name}: operations with several outputs have no block"
            )
        else:
            raise ImportModelError(
                f"{name}: the operation {t} ({node.name}) has no design block, and a program keeps "
                "no Python class to hold it opaque; import the model's .py instead"
            )
    return _to_design(blocks, output, name, {}, torch.nn.Module()), shape, batch
