"""The filter view: the learned kernels of a Conv block as tiles of one mosaic image.

A filter of a 3-channel (RGB) input is one colour tile, the way first-layer filters are shown
in the lectures; otherwise each (filter, input channel) pair is a tile, filters along the
columns and input channels down the rows, coloured blue (negative) - white (0) - red
(positive), scaled per filter so that the channels of one filter compare. Pure display; the
kernels arrive as numpy arrays and torch is never imported here.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from ...core.i18n import translate
from .feature_maps import (
    DEFAULT_MAX_CHANNELS,
    Mosaic,
    MosaicView,
    Tile,
    assemble_tiles,
    diverging_lut,
    tile_scales,
)

__all__ = ["MAX_INPUT_CHANNELS", "FilterView", "build_filter_mosaic"]

#: Input channels (rows) shown per filter before "show all".
MAX_INPUT_CHANNELS = 16


def build_filter_mosaic(
    weights: np.ndarray,
    *,
    max_filters: int | None = DEFAULT_MAX_CHANNELS,
    max_inputs: int | None = MAX_INPUT_CHANNELS,
) -> tuple[Mosaic, bool]:
    """Tiles of ``out x in x kh x kw`` (or ``out x in x k``) kernels; returns (mosaic, rgb).

    ``rgb`` is true when each filter is one colour tile (3 input channels). Each filter is
    scaled on its own, symmetrically around 0 (0 maps to the middle of the colour scale).
    """
    w = np.asarray(weights, dtype=np.float32)
    if w.ndim == 3:
        w = w[:, :, None, :]
    if w.ndim != 4:
        raise ValueError(f"kernels need an out x in x kh x kw shape, got {w.shape}")
    total = w.shape[0]
    n_out = total if max_filters is None else min(total, max_filters)
    w = w[:n_out]
    peak = np.abs(w.reshape(n_out, -1)).max(axis=1) if w.size else np.zeros(n_out)
    safe = np.where(peak > 0, peak, 1.0).astype(np.float32)
    norm = w / (2.0 * safe[:, None, None, None]) + 0.5
    kh, kw = w.shape[2:]
    ranges = np.stack([-peak, peak], axis=1)
    rgb = w.shape[1] == 3
    if rgb:
        # One colour tile per filter (channels last), in a wide grid like the feature maps.
        cols = max(1, min(n_out, math.ceil(math.sqrt(n_out * 1.6))))
        rows = math.ceil(n_out / cols)
        grid = np.full((rows * cols, kh, kw, 3), np.nan, dtype=np.float32)
        grid[:n_out] = norm.transpose(0, 2, 3, 1)
        sy, sx = tile_scales(kh, kw, rows * cols)
        values, rgba = assemble_tiles(grid.reshape(rows, cols, kh, kw, 3), None, sy, sx)
        th, tw = kh * sy, kw * sx
        tiles = [
            Tile(i, (i // cols) * (th + 1), (i % cols) * (tw + 1), th, tw) for i in range(n_out)
        ]
        return Mosaic(rgba, values, tiles, ranges, sy, sx, rows, cols, total), True
    n_in = w.shape[1] if max_inputs is None else min(w.shape[1], max_inputs)
    grid = norm[:, :n_in].transpose(1, 0, 2, 3)  # rows: input channels, cols: filters
    sy, sx = tile_scales(kh, kw, n_in * n_out)
    values, rgba = assemble_tiles(grid, diverging_lut(), sy, sx)
    th, tw = kh * sy, kw * sx
    # Tiles in row-major grid order; tile.index is the filter (the column).
    tiles = [Tile(c, r * (th + 1), c * (tw + 1), th, tw) for r in range(n_in) for c in range(n_out)]
    return Mosaic(rgba, values, tiles, ranges, sy, sx, n_in, n_out, total), False


class FilterView(QWidget):
    """The kernels of the selected Conv block, or a message saying why there are none."""

    show_all_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.weights: np.ndarray | None = None
        self.layer_id: str | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.hover = QLabel()
        self.hover.setTextFormat(Qt.TextFormat.PlainText)
        self.show_all = QCheckBox(translate("Insight", "Show all"))
        self.show_all.setToolTip(
            translate("Insight", "Show every filter and input channel (slower to draw)")
        )
        self.show_all.toggled.connect(self._on_show_all)
        # A dark ground: the white middle of the weight colours would hide the gaps on white.
        self.mosaic_view = MosaicView(self, QColor(70, 70, 70))
        self.mosaic_view.tile_hovered.connect(self._on_hovered)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.mosaic_view)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.hover)
        head.addWidget(self.show_all)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(head)
        layout.addWidget(self.stack, 1)
        self.show_message(
            translate("Insight", "Click a Conv block on the canvas to see its learned kernels.")
        )

    def show_message(self, text: str) -> None:
        self.weights = None
        self.layer_id = None
        self.empty.setText(text)
        self.title.setText("")
        self.hover.setText("")
        self.show_all.hide()
        self.stack.setCurrentWidget(self.empty)

    def show_filters(self, layer_id: str, weights: np.ndarray, description: str = "") -> None:
        """Show the ``out x in x k...`` kernels of ``layer_id``."""
        self.layer_id = layer_id
        self.weights = np.asarray(weights)
        every = self.show_all.isChecked()
        mosaic, rgb = build_filter_mosaic(
            self.weights,
            max_filters=None if every else DEFAULT_MAX_CHANNELS,
            max_inputs=None if every else MAX_INPUT_CHANNELS,
        )
        out_ch, in_ch = self.weights.shape[:2]
        kernel = "x".join(str(s) for s in self.weights.shape[2:])
        text = f"{layer_id}  ·  {out_ch} filters of {in_ch}x{kernel}"
        if rgb:
            text += "  ·  one RGB tile per filter"
        else:
            text += f"  ·  columns: filters 0-{mosaic.cols - 1}, rows: input channels"
            if mosaic.rows < in_ch:
                text += f" 0-{mosaic.rows - 1} of {in_ch}"
        shown_filters = mosaic.shown if rgb else mosaic.cols
        if shown_filters < out_ch:
            text += f"  ·  first {shown_filters} of {out_ch} filters"
        if description:
            text += f"  ·  {description}"
        self.title.setText(text)
        self.show_all.setVisible(
            out_ch > DEFAULT_MAX_CHANNELS or (not rgb and in_ch > MAX_INPUT_CHANNELS)
        )
        # Filter numbers over the first row only, thinned out so that they do not hide it.
        step = 1 if mosaic.cols <= 16 else 4 if mosaic.cols <= 32 else 8
        labels = (
            None
            if rgb
            else [str(t.index) if t.top == 0 and t.index % step == 0 else "" for t in mosaic.tiles]
        )
        self.mosaic_view.set_mosaic(mosaic, labels)
        self.stack.setCurrentWidget(self.mosaic_view)

    def _on_show_all(self, _checked: bool) -> None:
        if self.weights is not None and self.layer_id is not None:
            self.show_filters(self.layer_id, self.weights)
        self.show_all_changed.emit(_checked)

    def _on_hovered(self, i: int) -> None:
        mosaic = self.mosaic_view.mosaic
        if i < 0 or mosaic is None or self.weights is None:
            self.hover.setText("")
            return
        tile = mosaic.tiles[i]
        peak = float(mosaic.ranges[tile.index][1])
        if self.weights.shape[1] == 3:
            self.hover.setText(
                translate("Insight", "filter {i}: |w| ≤ {peak}").format(
                    i=tile.index, peak=f"{peak:.3g}"
                )
            )
        else:
            row = i // mosaic.cols
            self.hover.setText(
                translate("Insight", "filter {i}, input channel {row}: |w| ≤ {peak}").format(
                    i=tile.index, row=row, peak=f"{peak:.3g}"
                )
            )
