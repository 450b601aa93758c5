"""The classification loss for whatever a design's last layer gives: logits, probabilities or logs.

A design that ends in Softmax outputs probabilities, one that ends in LogSoftmax outputs
log-probabilities, anything else outputs logits; the loss must not apply softmax twice. The
trainer, the sanity checks and the learning-rate finder all take their loss from here, so
they agree on what "the loss" of a design is.
"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

OutputKind = Literal["logits", "probs", "log-probs"]


def final_module(model: nn.Module) -> nn.Module:
    """The last registered module (the design's output layer in a generated network)."""
    modules = list(model.modules())
    return modules[-1] if modules else model


def output_kind(model: nn.Module) -> OutputKind:
    """What ``model`` outputs: ``probs`` after a Softmax, ``log-probs`` after a LogSoftmax."""
    last = final_module(model)
    if isinstance(last, nn.Softmax):
        return "probs"
    if isinstance(last, nn.LogSoftmax):
        return "log-probs"
    return "logits"


def classification_loss(out: torch.Tensor, y: torch.Tensor, kind: OutputKind) -> torch.Tensor:
    """Mean cross entropy of ``out`` (one row of scores per sample) against class indices ``y``."""
    if out.dim() > 2:
        out = out.flatten(1)
    if kind == "probs":
        return F.nll_loss(torch.log(out.float().clamp_min(1e-12)), y)
    if kind == "log-probs":
        return F.nll_loss(out.float(), y)
    return F.cross_entropy(out.float(), y)
