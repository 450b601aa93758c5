"""Will it fit? One training step's memory, worked out from the analysis without running torch.

A training step holds the weights (and buffers), one gradient per trainable weight, the
optimizer's state (SGD with momentum keeps one tensor per weight, Adam two), and the tensors
autograd saves during the forward pass for the backward one. The last part is what decides the
batch size, and it is not "every layer's output" (which torchinfo counts): a ReLU saves its
output, a Conv its input, a max pool its input and the int64 indices of the maxima, a Flatten
nothing (its output is a view), an Add nothing; a tensor saved by two operations is held once,
and nothing is saved before the first layer that trains (a frozen body saves no activations).
`SAVED` says, per layer type, what it saves; a test checks the total against
``torch.autograd.graph.saved_tensors_hooks`` on real networks.

Mixed precision (``amp``) keeps the float32 weights as the master copy, adds a float16 copy of
them for the forward pass, and saves the inputs of Conv and Dense layers in float16.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any

from .analysis import Analysis
from .design import Design
from .limits import BYTES_PER_VALUE

FLOAT, HALF, INDEX = 4, 2, 8
#: What each layer type saves for the backward pass (besides its weights, which are held anyway):
#: ``in`` its input tensor, ``out`` its output tensor, ``new_in`` a new float tensor of the
#: input's size (a dropout mask, a negated copy), ``index`` int64 indices of the output's size.
SAVED: dict[str, tuple[str, ...]] = {
    "Input": (),
    "Conv": ("in",),
    "Dense": ("in",),
    "MaxPool": ("in", "index"),
    "AvgPool": ("in",),
    "MinPool": ("new_in", "index"),
    "GlobalAvgPool": (),
    "GlobalMaxPool": ("in", "index"),
    "BatchNorm": ("in",),
    "Dropout": ("new_in",),
    "ReLU": ("out",),
    "Sigmoid": ("out",),
    "Tanh": ("out",),
    "Softmax": ("out",),
    "GELU": ("in",),
    "LeakyReLU": ("in",),
    "ELU": ("in",),
    "Flatten": (),
    "Add": (),
    "Concat": (),
    # The types of imported torchvision networks.
    "SiLU": ("in",),
    "Hardswish": ("in",),
    "Hardsigmoid": ("in",),
    "ReLU6": ("in",),
    "Identity": (),
    "Mul": ("in",),  # both factors, for each other's gradient
    "AdaptiveAvgPool": ("in",),
    "AdaptiveMaxPool": ("in", "index"),
    "LayerNorm": ("in",),
    "StochasticDepth": ("in",),
    "ChannelShuffle": (),
    "Chunk": (),
    "Reshape": (),
    "Permute": (),
    "Opaque": ("in",),  # unknown inside: its input, at least
}
#: Layer types whose output is a view of their input: saving it holds the input's storage.
VIEWS = frozenset({"Flatten", "Identity", "Chunk", "Reshape", "Permute"})
#: Optimizer state: float tensors kept per trainable weight.
OPTIMIZER_STATES = {"sgd": 1, "adam": 2, "adamw": 2, "rmsprop": 1}
OPTIMIZERS = tuple(OPTIMIZER_STATES)


class MemoryEstimateError(ValueError):
    """Settings the estimate cannot use (a bad batch size, an unknown optimizer)."""


@dataclass(frozen=True)
class MemoryEstimate:
    """Bytes one training step holds, by kind; ``total`` is their sum."""

    weights: int
    gradients: int
    optimizer: int
    activations: int
    total: int
    batch_size: int
    per_sample: int  # activation bytes that one more sample in the batch adds

    def to_dict(self) -> dict[str, int]:
        return asdict(self)

    def fits(self, free_bytes: int) -> bool:
        return self.total <= free_bytes

    def largest_batch(self, free_bytes: int) -> int:
        """The largest batch whose step fits in ``free_bytes`` (0: not even one sample)."""
        fixed = self.total - self.activations
        if self.per_sample <= 0:
            return 0 if fixed > free_bytes else 1 << 30
        return max(0, (free_bytes - fixed) // self.per_sample)


def _elements(info: Any) -> int:
    """Elements of a layer's output for one sample (0 when unknown), from the analysis' own
    count: this runs for every layer on every edit, and the analysis has multiplied already."""
    return int(info.activation_bytes) // BYTES_PER_VALUE


def _buffer_bytes(layer_type: str, shape: Any) -> int:
    """BatchNorm's running mean and variance (float) and its batch counter (int64)."""
    if layer_type == "BatchNorm" and shape:
        return 2 * int(shape[0]) * FLOAT + INDEX
    return 0


def estimate_memory(
    design: Design,
    analysis: Analysis,
    *,
    batch_size: int,
    optimizer: str = "sgd",
    momentum: float = 0.9,
    amp: bool = False,
) -> MemoryEstimate:
    """One training step of ``design`` (analysed as ``analysis``) with ``batch_size`` samples.

    Layers whose shape is unknown (errors) count nothing; the caller says how many.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise MemoryEstimateError(
            f"the batch size must be a whole number of at least 1, not {batch_size!r}"
        )
    name = str(optimizer).lower()
    if name not in OPTIMIZER_STATES:
        raise MemoryEstimateError(
            f"unknown optimizer {optimizer!r}: use one of {', '.join(OPTIMIZERS)}"
        )
    states = OPTIMIZER_STATES[name]
    if name == "sgd" and momentum == 0:
        states = 0
    elif name == "rmsprop" and momentum > 0:
        states = 2  # square average and momentum buffer

    params = trainable = buffers = 0
    for lid, info in analysis.layers.items():
        params += info.params
        trainable += info.trainable_params
        buffers += _buffer_bytes(design[lid].type, info.output_shape)
    weights = params * FLOAT + buffers + (params * HALF if amp else 0)

    # Which tensors need a gradient: a layer's output does when it trains or its input does.
    needs_grad: dict[str, bool] = {}
    # Each tensor by the layer whose output it is; a view is its input's tensor.
    storage_of: dict[str, str] = {}
    saved: dict[str, int] = {}  # tensor key -> per-sample bytes
    infos = analysis.layers
    layers = design.layers
    for lid, info in infos.items():
        layer = layers[lid]
        inputs = [i for i in layer.inputs if i in infos]
        grad = info.trainable_params > 0 or any(needs_grad.get(i, False) for i in inputs)
        needs_grad[lid] = grad
        storage_of[lid] = storage_of[inputs[0]] if layer.type in VIEWS and inputs else lid
        if not grad or info.output_shape is None:
            continue
        out_elems = _elements(info)
        in_elems = _elements(infos[inputs[0]]) if inputs else 0
        for kind in SAVED.get(layer.type, ("in",)):  # an unknown type: assume its input
            if kind == "in":
                for source in inputs:
                    if amp and layer.type in ("Conv", "Dense"):
                        saved[f"{lid}:half"] = _elements(infos[source]) * HALF
                    else:
                        saved[storage_of[source]] = _elements(infos[source]) * FLOAT
            elif kind == "out":
                saved[storage_of[lid]] = out_elems * FLOAT
            elif kind == "new_in":
                saved[f"{lid}:new"] = in_elems * FLOAT
            elif kind == "index":
                saved[f"{lid}:index"] = out_elems * INDEX
    per_sample = sum(saved.values())
    activations = per_sample * batch_size
    gradients = trainable * FLOAT
    optimizer_bytes = trainable * FLOAT * states
    total = weights + gradients + optimizer_bytes + activations
    return MemoryEstimate(
        weights=weights,
        gradients=gradients,
        optimizer=optimizer_bytes,
        activations=activations,
        total=total,
        batch_size=batch_size,
        per_sample=per_sample,
    )


def available_memory() -> int | None:
    """Bytes of main memory free for a new process here (None where the system won't say).

    The GPU's free memory needs torch; `cnnstudio.engine` asks CUDA for it when training there.
    """
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None
