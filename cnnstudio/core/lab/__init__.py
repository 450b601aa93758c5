"""The Convolution Lab's arithmetic: convolution and pooling written out as the lectures do.

Qt-free and torch-free; `cnnstudio.lab` is the public face of this package for notebooks.
"""

from .arithmetic import (
    PADDING_MODES,
    POOL_KINDS,
    AxisSize,
    Convolution,
    LabError,
    Pooling,
    Term,
    convolve,
    format_number,
    pool,
)
from .matrix_text import format_matrix, parse_matrix
from .presets import IMAGES, KERNELS, Preset, image_preset, kernel_preset
from .to_design import frozen_conv

__all__ = [
    "IMAGES",
    "KERNELS",
    "PADDING_MODES",
    "POOL_KINDS",
    "AxisSize",
    "Convolution",
    "LabError",
    "Pooling",
    "Preset",
    "Term",
    "convolve",
    "format_matrix",
    "format_number",
    "frozen_conv",
    "image_preset",
    "kernel_preset",
    "parse_matrix",
    "pool",
]
