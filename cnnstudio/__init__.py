"""cnnstudio: design, validate, train and export convolutional neural networks.

The scripting API: `load_design`, `analyze`, `build_model`, `save_design`, `get_template`.
torch is imported only by `build_model`, so analysing designs stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

from .core.analysis import Analysis, analyze
from .core.design import Design, Layer
from .core.errors import CnnStudioError, DesignError, DesignInvalidError
from .core.fileio import load_design, save_design
from .core.templates import get_template

if TYPE_CHECKING:
    import torch


def build_model(design: Design | dict[str, Any] | str, *, seed: int | None = 0) -> torch.nn.Module:
    """The design (a `Design`, a parsed document or a path) as a seeded torch ``nn.Module``."""
    from .engine.builder import build_model as _build

    if not isinstance(design, Design):
        design = load_design(design)
    return _build(design, seed=seed)


__all__ = [
    "Analysis",
    "CnnStudioError",
    "Design",
    "DesignError",
    "DesignInvalidError",
    "Layer",
    "__version__",
    "analyze",
    "build_model",
    "get_template",
    "load_design",
    "save_design",
]
