"""Seeing inside a network: feature maps, learned kernels, predictions and layer statistics.

`install_insight(window, controller)` adds the "Feature maps" dock to the main window and
returns the `InsightController` (with ``stats``/``stats_changed`` for the canvas). Importing
this package does not import torch; the numbers are computed off the GUI thread by
`cnnstudio.engine.activations`.
"""

from __future__ import annotations

from .feature_maps import FeatureMapView, Mosaic, build_mosaic
from .filters import FilterView, build_filter_mosaic
from .install import (
    Activations,
    Failure,
    InsightController,
    InsightPanel,
    LayerStatsView,
    Sample,
    ThreadRunner,
    install_insight,
)
from .prediction import PredictionView

__all__ = [
    "Activations",
    "Failure",
    "FeatureMapView",
    "FilterView",
    "InsightController",
    "InsightPanel",
    "LayerStatsView",
    "Mosaic",
    "PredictionView",
    "Sample",
    "ThreadRunner",
    "build_filter_mosaic",
    "build_mosaic",
    "install_insight",
]
