"""Seeing inside a network: feature maps, learned kernels, predictions and layer statistics.

Split as `cnnstudio.gui.training` is: `controller` (what to compute and when), `panel` (the
dock's contents), the views (`feature_maps`, `filters`, `prediction`, `attribution`, `stats`)
and `install` (wiring into the main window). `install_insight(window, controller)` adds the
"Feature maps" dock and returns the `InsightController` (with ``stats``/``stats_changed`` for the
canvas). The torch work lives in `cnnstudio.engine.insight`; importing this package does not
import torch.
"""

from __future__ import annotations

from ...engine.insight import Activations, Sample
from .controller import Failure, InsightController
from .feature_maps import FeatureMapView, Mosaic, build_mosaic
from .filters import FilterView, build_filter_mosaic
from .install import install_insight
from .panel import IMAGE_SUFFIXES, InsightPanel
from .prediction import PredictionView
from .stats import LayerStatsView

__all__ = [
    "IMAGE_SUFFIXES",
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
    "build_filter_mosaic",
    "build_mosaic",
    "install_insight",
]
