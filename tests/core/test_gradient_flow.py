"""The levels of the gradient flow: relative to the strongest block, and an absolute ceiling."""

from __future__ import annotations

import math

from cnnstudio.core.gradient_flow import (
    EXPLODING_GRADIENT,
    VANISHING_RATIO,
    gradient_levels,
)


def test_levels_relative_to_the_strongest_block() -> None:
    peak = 0.1
    flow = {
        "conv1": peak,
        "conv2": peak * VANISHING_RATIO * 2,  # weak but still learning
        "conv3": peak * VANISHING_RATIO / 2,  # starves
        "frozen_like": 0.0,
    }
    assert gradient_levels(flow) == {
        "conv1": "healthy",
        "conv2": "healthy",
        "conv3": "vanishing",
        "frozen_like": "vanishing",
    }


def test_exploding_above_the_ceiling_and_for_non_finite_values() -> None:
    flow = {"a": EXPLODING_GRADIENT * 2, "b": math.inf, "c": EXPLODING_GRADIENT / 10}
    assert gradient_levels(flow) == {"a": "exploding", "b": "exploding", "c": "healthy"}
    assert gradient_levels({}) == {}
