"""Transfer learning on a design: a new classifier for the dataset's classes, the rest frozen.

`transfer_command` is one undo step: the classifier (the last Dense on the way back from the
output) gets ``classes`` outputs and every layer with weights before it (or up to and
including a chosen layer) is frozen, so training updates only the new head (and whatever
follows the chosen layer). The engine's `cnnstudio.engine.transfer` carries the imported
weights over to the changed design.
"""

from __future__ import annotations

from .analysis import analyze
from .catalog import SPECS
from .commands import Command, Macro, SetFrozen, SetParam
from .design import Design
from .errors import CnnStudioError

# Layers that may follow the classifier (its activation, dropout, softmax...).
_AFTER_HEAD = {
    "ReLU", "Softmax", "Dropout", "Sigmoid", "Tanh", "LeakyReLU", "ELU", "GELU", "SiLU",
    "Hardswish", "Hardsigmoid", "ReLU6", "Identity",
}  # fmt: skip


class TransferError(CnnStudioError):
    """A design that has no classifier to replace, or a layer to freeze up to that is not there."""


def classifier_layer(design: Design) -> str:
    """The id of the classifier: the last Dense on the way back from the output."""
    analysis = analyze(design)
    lid = analysis.output_id
    while lid is not None and lid in design:
        layer = design[lid]
        if layer.type == "Dense":
            return lid
        if layer.type not in _AFTER_HEAD or not layer.inputs:
            break
        lid = layer.inputs[0]
    raise TransferError("no Dense layer ends the design, so there is no classifier to replace")


def transfer_command(design: Design, classes: int, freeze_until: str | None = None) -> Command:
    """Replace the classifier for ``classes`` and freeze what comes before it (one undo step)."""
    if classes < 1:
        raise TransferError(f"classes must be at least 1, got {classes}")
    head = classifier_layer(design)
    order = analyze(design).order
    stop = freeze_until if freeze_until is not None else head
    if stop not in design:
        raise TransferError(f"there is no layer {stop!r} to freeze up to")
    if order.index(stop) > order.index(head):
        raise TransferError(f"{stop} comes after the classifier {head}")
    steps: list[Command] = [SetParam(head, "out_features", classes)]
    for lid in order[: order.index(stop) + (0 if freeze_until is None else 1)]:
        layer = design[lid]
        spec = SPECS.get(layer.type)
        if spec is not None and spec.has_weights and not layer.frozen and lid != head:
            steps.append(SetFrozen(lid, True))
    return Macro(f"Transfer learning: {head} for {classes} classes", steps)
