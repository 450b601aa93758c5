"""The block-diagram canvas of the designer: `CanvasView` shows and edits a `DesignSession`."""

from __future__ import annotations

from .compat import guard_singleton_refcounts

guard_singleton_refcounts()  # before any painting: see compat.py

from .scene import GraphScene  # noqa: E402
from .view import CanvasView  # noqa: E402

__all__ = ["CanvasView", "GraphScene"]
