"""A design session small enough to train in a test in a second or two (a helper module shared
by the training and theme tests; no tests here)."""

from __future__ import annotations

from typing import Any

from cnnstudio.core.templates import adapt, get_template
from cnnstudio.gui.session import DesignSession


def small_session(training: dict[str, Any] | None = None) -> DesignSession:
    """LeNet-5 adapted to digits at 16x16 (fast), with batch size 64."""
    design = adapt(get_template("lenet5"), (1, 16, 16))
    design.training = {"epochs": 2, "batch_size": 64, "lr": 0.005, **(training or {})}
    return DesignSession(design)
