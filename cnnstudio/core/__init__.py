"""The Qt-free, torch-free core: design model, layer catalog, analysis, files, history, templates.

Nothing in this package may import torch, PySide6 or pyqtgraph (a test enforces it), so the
live analysis stays fast and the core is usable from scripts and headless tests.
"""
