"""The classification loss for whatever a design's last layer gives: logits, probabilities or logs.

A design that ends in Softmax outputs probabilities, one that ends in LogSoftmax outputs
log-probabilities, anything else outputs logits; the loss must not apply softmax twice. The one
implementation is the trainer's own (`engine.portable.loop`, which the exported ``train.py``
embeds); the sanity checks and the learning-rate finder take it from here under these names.
"""

from __future__ import annotations

from .portable.loop import compute_loss as classification_loss
from .portable.loop import output_kind

#: What `output_kind` returns: ``"logits"``, ``"probs"`` or ``"log-probs"``.
OutputKind = str

__all__ = ["OutputKind", "classification_loss", "output_kind"]
