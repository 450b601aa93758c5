"""Designs and sessions small enough to train in a test in a second or two (a helper module
shared by the training, theme, sanity and memory tests; no tests here)."""

from __future__ import annotations

from typing import Any

from cnnstudio.core.design import Design, Layer
from cnnstudio.core.templates import adapt, get_template
from cnnstudio.gui.session import DesignSession


def small_session(training: dict[str, Any] | None = None) -> DesignSession:
    """LeNet-5 adapted to digits at 16x16 (fast), with batch size 64."""
    design = adapt(get_template("lenet5"), (1, 16, 16))
    design.training = {"epochs": 2, "batch_size": 64, "lr": 0.005, **(training or {})}
    return DesignSession(design)


def tiny_design(**training: object) -> Design:
    """Input 1x8x8 -> Conv 4@3x3 -> ReLU -> Flatten -> Dense 10, with these training settings."""
    design = Design(
        [
            Layer("input", "Input", params={"shape": [1, 8, 8]}),
            Layer("conv1", "Conv", ["input"], {"out_channels": 4, "kernel_size": 3}),
            Layer("relu1", "ReLU", ["conv1"]),
            Layer("flat", "Flatten", ["relu1"]),
            Layer("fc", "Dense", ["flat"], {"out_features": 10}),
        ],
        name="tiny",
    )
    design.training = dict(training)
    return design
