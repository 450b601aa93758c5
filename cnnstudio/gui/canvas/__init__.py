"""The block-diagram canvas of the designer: `CanvasView` shows and edits a `DesignSession`."""

from __future__ import annotations

from .scene import GraphScene
from .view import CanvasView

__all__ = ["CanvasView", "GraphScene"]
