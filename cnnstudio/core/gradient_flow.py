"""How healthy a block's gradient at initialisation is: vanishing, healthy or exploding.

The gradient flow (the mean |gradient| of each block's parameters after one backward pass,
`cnnstudio.engine.sanity.gradient_flow`) is judged here, Qt- and torch-free, so the sanity
report's hint and the canvas badges use one rule: a block whose mean |grad| is under
:data:`VANISHING_RATIO` of the strongest block's starves (or gets none at all), one above
:data:`EXPLODING_GRADIENT` explodes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["EXPLODING_GRADIENT", "LEVELS", "VANISHING_RATIO", "gradient_levels"]

#: A block whose mean |gradient| is this many times smaller than the largest one starves.
VANISHING_RATIO = 1e-4
#: Mean |gradient| above this at initialisation is exploding.
EXPLODING_GRADIENT = 1e2
#: The levels, from starving to exploding.
LEVELS = ("vanishing", "healthy", "exploding")


def gradient_levels(flow: Mapping[str, float]) -> dict[str, str]:
    """The level of each block of ``flow`` (block id -> mean |grad|), relative to its peak."""
    finite = [v for v in flow.values() if math.isfinite(v)]
    peak = max(finite, default=0.0)
    levels: dict[str, str] = {}
    for block, value in flow.items():
        if not math.isfinite(value) or value > EXPLODING_GRADIENT:
            levels[block] = "exploding"
        elif value <= 0 or value < VANISHING_RATIO * peak:
            levels[block] = "vanishing"
        else:
            levels[block] = "healthy"
    return levels
