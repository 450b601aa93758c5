"""Looking inside a built model: per-layer activations, their statistics, kernels and predictions.

Qt-free. A model made by `cnnstudio.engine.builder.build_model` runs generated code whose
``forward`` names every intermediate after its layer id (``conv1 = self.conv1(input)``,
``add1 = bn2 + skip``). `capture_activations` re-runs exactly that code with one extra statement
after each wanted assignment that records the value, so layers without a module (Input, Add,
Concat) are captured too and every value is the one the model itself computes. For a layer whose
forward is ``self.<id>(x)`` the value is identical to a forward hook's output on that module;
where the catalog wraps the call (GlobalAvgPool ``.flatten(1)``, MinPool ``-pool(-x)``) it is the
layer's real output, which is what the user asked to see. Models without readable source fall
back to forward hooks on the named submodules.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import inspect
import math
import textwrap
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

__all__ = [
    "ActivationStats",
    "Prediction",
    "activation_stats",
    "capture_activations",
    "evaluation",
    "filters_of",
    "layer_ids_of",
    "output_id_of",
    "predict",
    "relu_ids_of",
    "top_k",
]

_CAPTURE = "__cnnstudio_capture__"
# Compiled capturing forwards, per model class and wanted set (the class owns the cache, so a
# generated class that is garbage collected takes its entries with it).
_CACHE_ATTR = "__cnnstudio_capture_cache__"


@dataclass(frozen=True)
class ActivationStats:
    """Summary of one layer's activations over a batch.

    ``dead_fraction`` is set for ReLU layers only: the fraction of units that are ``<= 0`` for
    every sample of the batch. A unit is a channel for image and sequence outputs (a channel whose
    every position is ``<= 0`` on every sample is a dead filter) and a feature for vector outputs.
    Counting single positions instead would call the always-dark border of digit images "dead".
    """

    mean: float
    std: float
    dead_fraction: float | None
    shape: tuple[int, ...]
    samples: int


@dataclass(frozen=True)
class Prediction:
    """One ranked class with its probability."""

    index: int
    name: str
    probability: float


# --------------------------------------------------------------------------- source analysis


@dataclass(frozen=True)
class _Forward:
    """The parsed generated forward: argument name, assigned names in order, returned name."""

    tree: ast.FunctionDef
    input_id: str
    assigned: tuple[str, ...]
    output_id: str | None
    globals: dict[str, Any]


def _parse_forward(model: nn.Module) -> _Forward | None:
    """The forward of a generated model as an AST, or None when its source cannot be read."""
    cls = type(model)
    cached = cls.__dict__.get("__cnnstudio_forward__")
    if cached is not None:
        return cached if isinstance(cached, _Forward) else None
    result: _Forward | None = None
    try:
        fn = cls.forward
        source = textwrap.dedent(inspect.getsource(fn))
        tree = ast.parse(source).body[0]
    except (OSError, TypeError, SyntaxError, IndexError):
        tree = None
    # Only the straight-line shape of generated code ("name = expr" lines, then "return name")
    # can be instrumented; any other forward (nn.Sequential's loop) is captured with hooks.
    if (
        isinstance(tree, ast.FunctionDef)
        and len(tree.args.args) == 2
        and tree.body
        and isinstance(tree.body[-1], ast.Return)
        and isinstance(tree.body[-1].value, ast.Name)
        and all(
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            for stmt in tree.body[:-1]
        )
    ):
        assigned = [stmt.targets[0].id for stmt in tree.body[:-1]]  # type: ignore[attr-defined]
        output = tree.body[-1].value.id
        result = _Forward(tree, tree.args.args[1].arg, tuple(assigned), output, fn.__globals__)
    # A sentinel (False) remembers a failed parse so it is not retried per call.
    with contextlib.suppress(TypeError, AttributeError):
        cls.__cnnstudio_forward__ = result if result is not None else False  # type: ignore[attr-defined]
    return result


def layer_ids_of(model: nn.Module) -> list[str]:
    """The layer ids the model computes, in forward order (the Input id first).

    For a model without generated source, the names of its direct submodules.
    """
    fwd = _parse_forward(model)
    if fwd is None:
        return [name for name, _ in model.named_children()]
    return [fwd.input_id, *fwd.assigned]


def output_id_of(model: nn.Module) -> str | None:
    """The id of the layer the model returns (None when it cannot be told)."""
    fwd = _parse_forward(model)
    return fwd.output_id if fwd is not None else None


def relu_ids_of(model: nn.Module) -> list[str]:
    """Ids of the ReLU layers (their submodule is an ``nn.ReLU``)."""
    return [name for name, mod in model.named_children() if isinstance(mod, nn.ReLU)]


def _capturing_forward(model: nn.Module, fwd: _Forward, wanted: frozenset[str]) -> Callable:
    """A function ``(self, x, store)`` running the generated forward and filling ``store``.

    It returns right after the last wanted layer, so capturing early layers skips the rest.
    """
    cls = type(model)
    cache: dict[frozenset[str], Callable] = cls.__dict__.get(_CACHE_ATTR) or {}
    if wanted in cache:
        return cache[wanted]
    last = max((i for i, name in enumerate(fwd.assigned) if name in wanted), default=-1)
    body: list[ast.stmt] = []
    if fwd.input_id in wanted:
        body.append(_store(fwd.input_id))
    assign_index = -1
    for stmt in fwd.tree.body:
        if isinstance(stmt, ast.Return):
            continue
        body.append(stmt)
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            assign_index += 1
            name = stmt.targets[0].id
            if name in wanted:
                body.append(_store(name))
            if assign_index == last:
                break
    body.append(ast.Return(value=ast.Constant(value=None)))
    # A copy of the original definition keeps every field this Python version's AST requires.
    func = copy.deepcopy(fwd.tree)
    func.name = "__cnnstudio_capturing_forward__"
    func.args.args.append(ast.arg(arg=_CAPTURE))
    func.body = body
    func.decorator_list = []
    func.returns = None
    module = ast.fix_missing_locations(ast.Module(body=[func], type_ignores=[]))
    namespace: dict[str, Any] = {}
    # The forward's own globals resolve `torch`/`nn` exactly as the model's code does.
    exec(compile(module, f"<cnnstudio capture {cls.__name__}>", "exec"), fwd.globals, namespace)
    fn = namespace[func.name]
    cache[wanted] = fn
    with contextlib.suppress(TypeError, AttributeError):
        setattr(cls, _CACHE_ATTR, cache)
    return fn


def _store(name: str) -> ast.stmt:
    return ast.Assign(
        targets=[
            ast.Subscript(
                value=ast.Name(id=_CAPTURE, ctx=ast.Load()),
                slice=ast.Constant(value=name),
                ctx=ast.Store(),
            )
        ],
        value=ast.Name(id=name, ctx=ast.Load()),
    )


# --------------------------------------------------------------------------- capture


@contextlib.contextmanager
def evaluation(model: nn.Module) -> Iterator[nn.Module]:
    """Eval mode and ``no_grad`` for the block; every submodule's previous mode comes back."""
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        for module, mode in modes:
            module.training = mode


def capture_activations(
    model: nn.Module, layer_ids: Iterable[str] | None, x: torch.Tensor
) -> dict[str, torch.Tensor]:
    """The outputs of the given layers (all layers when ``None``) for the input batch ``x``.

    Runs in eval mode under ``no_grad`` and restores the model's modes afterwards. ``x`` is a
    batch (``N x C x H x W`` for images; use ``x[None]`` for one sample); the returned tensors are
    detached and keep the batch axis. Raises ``KeyError`` for an id the model does not compute.
    """
    fwd = _parse_forward(model)
    known = layer_ids_of(model)
    wanted = frozenset(known if layer_ids is None else layer_ids)
    missing = sorted(wanted - set(known))
    if missing:
        raise KeyError(f"the model has no layer {', '.join(missing)}")
    param = next(iter(model.parameters()), None)
    if param is not None:
        x = x.to(device=param.device, dtype=param.dtype)
    store: dict[str, torch.Tensor] = {}
    with evaluation(model):
        if fwd is not None:
            _capturing_forward(model, fwd, wanted)(model, x, store)
        else:
            store = _capture_with_hooks(model, wanted, x)
    return {lid: t.detach() for lid, t in store.items() if isinstance(t, torch.Tensor)}


def _capture_with_hooks(
    model: nn.Module, wanted: Collection[str], x: torch.Tensor
) -> dict[str, torch.Tensor]:
    store: dict[str, torch.Tensor] = {}
    handles = []
    for name, mod in model.named_children():
        if name in wanted:

            def hook(_m: nn.Module, _i: Any, out: Any, name: str = name) -> None:
                store[name] = out

            handles.append(mod.register_forward_hook(hook))
    try:
        model(x)
    finally:
        for h in handles:
            h.remove()
    return store


# --------------------------------------------------------------------------- statistics


def activation_stats(
    activations: Mapping[str, torch.Tensor], relu_ids: Collection[str] = ()
) -> dict[str, ActivationStats]:
    """Mean, standard deviation and (for ``relu_ids``) the dead-unit fraction of each layer.

    Each tensor is a batch ``N x ...`` as `capture_activations` returns it for a batch input.
    """
    out: dict[str, ActivationStats] = {}
    for lid, t in activations.items():
        v = t.detach().double()
        n = int(v.shape[0]) if v.dim() else 1
        mean = float(v.mean()) if v.numel() else math.nan
        std = float(v.std(unbiased=False)) if v.numel() else math.nan
        dead: float | None = None
        if lid in relu_ids and v.dim() >= 2 and v.numel():
            # Units: channels (axis 1) of images/sequences, features of vectors.
            per_unit = v.transpose(0, 1).reshape(v.shape[1], -1).amax(dim=1)
            dead = float((per_unit <= 0).double().mean())
        out[lid] = ActivationStats(mean, std, dead, tuple(int(s) for s in v.shape[1:]), n)
    return out


# --------------------------------------------------------------------------- kernels


def filters_of(model: nn.Module, layer_id: str) -> torch.Tensor:
    """A copy of the learned kernels of a Conv layer: ``out x in/groups x k...`` on the CPU.

    Raises ``ValueError`` when ``layer_id`` is not a convolution of the model.
    """
    module = getattr(model, layer_id, None)
    if not isinstance(module, nn.Conv1d | nn.Conv2d | nn.Conv3d):
        raise ValueError(f"{layer_id} is not a Conv layer, so it has no kernels to show")
    return module.weight.detach().to("cpu", torch.float32).clone()


# --------------------------------------------------------------------------- prediction


def _looks_like_probabilities(row: torch.Tensor) -> bool:
    return bool((row >= 0).all() and (row <= 1).all() and abs(float(row.sum()) - 1.0) < 1e-4)


def top_k(output: torch.Tensor, class_names: Sequence[str], k: int = 5) -> list[Prediction]:
    """The ``k`` most likely classes of one output vector (softmax unless it already sums to 1)."""
    row = output.detach().flatten().double()
    probs = row if _looks_like_probabilities(row) else torch.softmax(row, dim=0)
    values, indices = torch.topk(probs, min(k, probs.numel()))
    result = []
    for p, i in zip(values.tolist(), indices.tolist(), strict=True):
        name = class_names[i] if i < len(class_names) else f"class {i}"
        result.append(Prediction(int(i), str(name), float(p)))
    return result


def predict(
    model: nn.Module, x: torch.Tensor, class_names: Sequence[str], k: int = 5
) -> list[Prediction]:
    """Top-``k`` classes for one preprocessed sample without batch axis (as `preprocess_image`
    returns it: ``C x H x W``).

    Runs in eval mode under ``no_grad``; the model's modes are restored afterwards.
    """
    with evaluation(model):
        param = next(iter(model.parameters()), None)
        if param is not None:
            x = x.to(device=param.device, dtype=param.dtype)
        out = model(x.unsqueeze(0))
    return top_k(out[0], class_names, k)
