"""Convolution and pooling by hand, for notebooks and the Convolution Lab window.

    >>> from cnnstudio import lab
    >>> blur = lab.kernel_preset("gaussian_blur").array()
    >>> result = lab.convolve(lab.image_preset("digit_patch").array(), blur, padding=1)
    >>> result.output.shape
    (5, 5)
    >>> result.explain(1, 1, max_terms=3)
    '206×0.0625 + 205×0.125 + … + 196×0.0625 = 201.9375 ≈ 202'

numpy only (no torch, no Qt); the results match ``torch.nn.functional``.
"""

from __future__ import annotations

from .core.lab import *  # noqa: F403
from .core.lab import __all__ as __all__
