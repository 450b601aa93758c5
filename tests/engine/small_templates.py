"""The templates on inputs small enough for fast tests (a helper module shared by the builder's
and the exporter's tests; no tests here)."""

from __future__ import annotations

from cnnstudio.core.design import Design
from cnnstudio.core.templates import adapt, get_template

# Inputs small enough for fast tests that every template still fits (five 2x2 pools in VGG,
# AlexNet's 11x11 stride-4 stem followed by three 3x3 stride-2 pools).
SMALL = {
    "alexnet": ((3, 64, 64), 10),
    "vgg16": ((3, 32, 32), 10),
    "resnet18": ((3, 32, 32), 10),
    "resnet50": ((3, 32, 32), 10),
    "vgg19": ((3, 32, 32), 10),
    "googlenet": ((3, 32, 32), 10),
    "mobilenet-v2": ((3, 32, 32), 10),
    "mobilenet-v3-small": ((3, 32, 32), 10),
    "mobilenet-v3-large": ((3, 32, 32), 10),
    "efficientnet-b0": ((3, 32, 32), 10),
}


def small_template(name: str) -> Design:
    """A template, adapted to a small input where it is an ImageNet one."""
    design = get_template(name)
    if name in SMALL:
        shape, classes = SMALL[name]
        design = adapt(design, shape, classes)
    return design
