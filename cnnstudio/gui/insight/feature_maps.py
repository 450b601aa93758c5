"""The feature-map view: a block's output for one sample, as a channel grid or a bar chart.

Every channel of an image output becomes one tile of ONE mosaic image (numpy, per-channel
min-max normalization, a colour map), shown by one ``ImageItem``: drawing 512 channels costs the
same as drawing one picture. `build_mosaic` is pure numpy so that tests can check its pixels
against the model's real activations. Vector outputs (Dense, Softmax, pooled features) become
one bar chart, labelled with the class names when the vector is the class scores.

The view only displays what it is given; `cnnstudio.gui.insight.controller.InsightController`
decides what to compute and when. Neither this module nor its imports load torch.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.formatting import fmt_shape
from ...core.i18n import translate
from ..plot_palette import keep_background

__all__ = [
    "DEFAULT_MAX_CHANNELS",
    "FeatureMapView",
    "Mosaic",
    "MosaicView",
    "Tile",
    "assemble_tiles",
    "build_mosaic",
    "diverging_lut",
    "graphics_widget",
    "tile_scales",
    "viridis_lut",
]

#: Channels shown before the user ticks "show all" (a 8x8 grid stays readable).
DEFAULT_MAX_CHANNELS = 64
# Small tiles are enlarged (nearest neighbour) to about this many pixels per side, so that a
# 1-pixel gap between tiles stays thin next to 2x2 maps of late layers.
_MIN_TILE_PX = 24
# Upper bound of mosaic pixels: even "show all" of 512 channels stays a few MB.
_MAX_MOSAIC_PX = 4_000_000
# Channel numbers are drawn only up to this many tiles; beyond, hovering tells the number.
_MAX_LABELS = 64
# Bar charts switch to a filled line above this many values (one bar per pixel is noise).
_MAX_BARS = 256

_viridis: np.ndarray | None = None
_diverging: np.ndarray | None = None


def viridis_lut() -> np.ndarray:
    """The 256-entry RGBA (uint8) viridis lookup table used for feature maps."""
    global _viridis
    if _viridis is None:
        _viridis = np.asarray(
            pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256, alpha=True), dtype=np.uint8
        )
    return _viridis


def diverging_lut() -> np.ndarray:
    """A 256-entry blue-white-red RGBA table: negative kernel weights blue, positive red."""
    global _diverging
    if _diverging is None:
        stops = np.array([[33, 102, 172], [247, 247, 247], [178, 24, 43]], dtype=np.float64)
        t = np.linspace(0.0, 2.0, 256)
        lo = np.floor(t).clip(0, 1).astype(int)
        frac = (t - lo)[:, None]
        rgb = stops[lo] * (1 - frac) + stops[lo + 1] * frac
        _diverging = np.concatenate([rgb.round(), np.full((256, 1), 255.0)], axis=1).astype(
            np.uint8
        )
    return _diverging


@dataclass(frozen=True)
class Tile:
    """Where one channel sits in the mosaic (display pixels, top-left origin)."""

    index: int
    top: int
    left: int
    height: int
    width: int


@dataclass
class Mosaic:
    """A grid of tiles as one RGBA image, with the normalized values and the tile geometry.

    ``values`` holds each tile's normalized values in [0, 1] (NaN in the gaps); each value is
    repeated ``scale_y x scale_x`` times. ``ranges[i]`` is the (min, max) of tile ``i``'s raw
    values, so ``lo + value * (hi - lo)`` gives back the activation.
    """

    rgba: np.ndarray
    values: np.ndarray
    tiles: list[Tile]
    ranges: np.ndarray
    scale_y: int
    scale_x: int
    rows: int
    cols: int
    total: int

    @property
    def shown(self) -> int:
        return len(self.tiles)

    def tile_values(self, i: int) -> np.ndarray:
        """Tile ``i``'s normalized values at their native resolution."""
        t = self.tiles[i]
        block = self.values[t.top : t.top + t.height, t.left : t.left + t.width]
        return block[:: self.scale_y, :: self.scale_x]

    def tile_at(self, x: float, y: float) -> int | None:
        """The tile under image coordinates (x right, y down), or None in a gap or outside."""
        if x < 0 or y < 0:
            return None
        tile_h = self.tiles[0].height if self.tiles else 0
        tile_w = self.tiles[0].width if self.tiles else 0
        row, col = int(y) // (tile_h + 1), int(x) // (tile_w + 1)
        if int(y) % (tile_h + 1) >= tile_h or int(x) % (tile_w + 1) >= tile_w:
            return None
        i = row * self.cols + col
        return i if col < self.cols and 0 <= i < len(self.tiles) else None


def tile_scales(h: int, w: int, count: int) -> tuple[int, int]:
    """Integer enlargement of an ``h x w`` tile: about `_MIN_TILE_PX`, within the pixel budget."""
    s = max(1, math.ceil(_MIN_TILE_PX / max(h, w)))
    while s > 1 and count * (h * s + 1) * (w * s + 1) > _MAX_MOSAIC_PX:
        s -= 1
    sy = s
    if h == 1 and w > 1:
        # Sequences (C x L): a 1-pixel-high strip is invisible; make it a band.
        sy = max(s, math.ceil(w * s / 6))
    return sy, s


def _grid_columns(n: int, h: int, w: int, aspect: float) -> int:
    """The column count that makes ``n`` tiles of ``h x w`` largest in a box ``aspect`` wide."""
    best, best_size = 1, -1.0
    for cols in range(1, max(1, n) + 1):
        rows = math.ceil(n / cols)
        size = min(aspect / (cols * w), 1.0 / (rows * h))
        if size > best_size * (1 + 1e-9):
            best, best_size = cols, size
    return best


def assemble_tiles(
    tiles: np.ndarray, lut: np.ndarray | None, scale_y: int = 1, scale_x: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Lay ``rows x cols x h x w`` normalized tiles (or ``... x 3`` RGB in [0, 1]) out as images.

    Returns (values: H x W float32 with NaN gaps, rgba: H x W x 4 uint8 with transparent gaps).
    Scalar tiles are coloured through ``lut`` (256 x 4); RGB tiles are used as they are. All
    numpy: no per-tile Python loop, so 512 tiles cost about as much as one.
    """
    rgb = tiles.ndim == 5
    rows, cols, h, w = tiles.shape[:4]
    t = np.repeat(np.repeat(tiles, scale_y, axis=2), scale_x, axis=3)
    th, tw = h * scale_y, w * scale_x
    pad = [(0, 0), (0, 0), (0, 1), (0, 1)] + ([(0, 0)] if rgb else [])
    t = np.pad(t, pad, constant_values=np.nan)
    shape = (rows * (th + 1), cols * (tw + 1)) + ((3,) if rgb else ())
    axes = (0, 2, 1, 3, 4) if rgb else (0, 2, 1, 3)
    values = t.transpose(axes).reshape(shape)[: rows * (th + 1) - 1, : cols * (tw + 1) - 1]
    values = np.ascontiguousarray(values, dtype=np.float32)
    gaps = np.isnan(values) if not rgb else np.isnan(values[..., 0])
    index = np.nan_to_num(values, nan=0.0)
    if rgb:
        rgba = np.empty((*values.shape[:2], 4), dtype=np.uint8)
        rgba[..., :3] = (np.clip(index, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
        rgba[..., 3] = 255
    else:
        assert lut is not None
        rgba = lut[(np.clip(index, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)]
    rgba[gaps] = 0
    return values, rgba


def build_mosaic(
    activation: np.ndarray,
    *,
    max_channels: int | None = DEFAULT_MAX_CHANNELS,
    lut: np.ndarray | None = None,
    aspect: float = 1.6,
) -> Mosaic:
    """One image of the first ``max_channels`` channels (all when None) of a ``C x H x W`` or
    ``C x L`` activation, each channel min-max normalized on its own and coloured by ``lut``.

    A constant channel (a dead ReLU's zeros) maps to 0, the darkest colour. ``aspect`` is the
    preferred width/height of the grid in tiles, wider than square because the dock is wide.
    """
    a = np.asarray(activation, dtype=np.float32)
    if a.ndim == 2:
        a = a[:, None, :]
    if a.ndim != 3:
        raise ValueError(f"feature maps need a C x H x W or C x L activation, got {a.shape}")
    total = a.shape[0]
    n = total if max_channels is None else min(total, max_channels)
    a = a[:n]
    h, w = a.shape[1:]
    flat = a.reshape(n, -1)
    lo = flat.min(axis=1) if flat.size else np.zeros(n, np.float32)
    hi = flat.max(axis=1) if flat.size else np.zeros(n, np.float32)
    span = hi - lo
    safe = np.where(span > 0, span, 1.0).astype(np.float32)
    norm = np.where((span > 0)[:, None, None], (a - lo[:, None, None]) / safe[:, None, None], 0.0)
    cols = _grid_columns(n, h, w, aspect)
    rows = max(1, math.ceil(n / cols))
    grid = np.full((rows * cols, h, w), np.nan, dtype=np.float32)
    grid[:n] = norm
    sy, sx = tile_scales(h, w, rows * cols)
    values, rgba = assemble_tiles(
        grid.reshape(rows, cols, h, w), lut if lut is not None else viridis_lut(), sy, sx
    )
    th, tw = h * sy, w * sx
    tiles = [Tile(i, (i // cols) * (th + 1), (i % cols) * (tw + 1), th, tw) for i in range(n)]
    return Mosaic(rgba, values, tiles, np.stack([lo, hi], axis=1), sy, sx, rows, cols, total)


# --------------------------------------------------------------------------- widgets


class _ImageItem(pg.ImageItem):
    """An ImageItem that reports clicks and hovers in image pixel coordinates."""

    clicked = Signal(float, float)
    hovered = Signal(float, float)  # (-1, -1) when the pointer leaves

    def mouseClickEvent(self, ev: object) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            pos = ev.pos()  # type: ignore[attr-defined]
            ev.accept()  # type: ignore[attr-defined]
            self.clicked.emit(pos.x(), pos.y())

    def hoverEvent(self, ev: object) -> None:
        if ev.isExit():  # type: ignore[attr-defined]
            self.hovered.emit(-1.0, -1.0)
        else:
            pos = ev.pos()  # type: ignore[attr-defined]
            self.hovered.emit(pos.x(), pos.y())


def graphics_widget(
    parent: QWidget | None = None, background: QColor | None = None
) -> tuple[pg.GraphicsLayoutWidget, pg.ViewBox]:
    """A pyqtgraph widget holding one locked-aspect image box (shared by the insight views)."""
    view = pg.GraphicsLayoutWidget(parent)
    view.setBackground(background or view.palette().color(QPalette.ColorRole.Base))
    if background is not None:
        keep_background(view)
    view.ci.setContentsMargins(2, 2, 2, 2)
    # Drops go to the dock (image files become the sample), not to the graphics scene.
    view.setAcceptDrops(False)
    box = view.addViewBox()
    box.setAspectLocked(True)
    box.invertY(True)
    box.setMenuEnabled(False)
    box.setMouseEnabled(False, False)
    return view, box


class MosaicView(QWidget):
    """One mosaic image with channel numbers; emits the tile clicked or hovered."""

    tile_clicked = Signal(int)
    tile_hovered = Signal(int)  # -1 when none

    def __init__(self, parent: QWidget | None = None, background: QColor | None = None) -> None:
        super().__init__(parent)
        self.graphics, self.box = graphics_widget(self, background)
        self.image = _ImageItem(axisOrder="row-major")
        self.box.addItem(self.image)
        self.mosaic: Mosaic | None = None
        self._labels: list[pg.TextItem] = []
        self._font = QFont()
        self._font.setPointSizeF(7.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        self.image.clicked.connect(self._on_image_clicked)
        self.image.hovered.connect(self._on_image_hovered)

    def set_mosaic(self, mosaic: Mosaic, labels: Sequence[str] | None = None) -> None:
        """Show ``mosaic``; ``labels`` (one per tile, default the tile index) when few tiles."""
        self.mosaic = mosaic
        self.image.setImage(mosaic.rgba, autoLevels=False, levels=(0, 255))
        h, w = mosaic.rgba.shape[:2]
        self.image.setRect(0, 0, w, h)
        texts = list(labels) if labels is not None else [str(t.index) for t in mosaic.tiles]
        shown = [(tile, text) for tile, text in zip(mosaic.tiles, texts, strict=False) if text]
        if len(shown) > _MAX_LABELS:
            shown = []
        # A pool of text items, reused: creating hundreds per click would cost more than the
        # whole mosaic.
        while len(self._labels) < len(shown):
            item = pg.TextItem(color=(255, 255, 255), fill=pg.mkBrush(0, 0, 0, 150), anchor=(0, 0))
            item.setFont(self._font)
            self.box.addItem(item, ignoreBounds=True)
            self._labels.append(item)
        for i, item in enumerate(self._labels):
            if i < len(shown):
                tile, text = shown[i]
                item.setText(text)
                item.setPos(tile.left, tile.top)
            item.setVisible(i < len(shown))
        self.box.autoRange(padding=0.01)

    def _on_image_clicked(self, x: float, y: float) -> None:
        if self.mosaic is not None:
            i = self.mosaic.tile_at(x, y)
            if i is not None:
                self.tile_clicked.emit(i)

    def _on_image_hovered(self, x: float, y: float) -> None:
        i = self.mosaic.tile_at(x, y) if self.mosaic is not None and x >= 0 else None
        self.tile_hovered.emit(-1 if i is None else i)


class BarView(QWidget):
    """A vector as one bar chart; class names on the axis when given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(self)
        self.plot.setBackground(self.palette().color(QPalette.ColorRole.Base))
        self.plot.setAcceptDrops(False)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(False, False)
        self.plot.hideButtons()
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.bars = pg.BarGraphItem(x=[0], height=[0], width=0.8)
        self.line = pg.PlotDataItem()
        self.plot.addItem(self.bars)
        self.plot.addItem(self.line)
        self.values: np.ndarray = np.zeros(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_values(self, values: np.ndarray, labels: Sequence[str] | None = None) -> None:
        """Show ``values``; the largest bar is highlighted, ``labels`` name the bars."""
        v = np.asarray(values, dtype=np.float64).ravel()
        self.values = v
        x = np.arange(len(v))
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Highlight)
        dim = QColor(base)
        dim.setAlpha(140)
        axis = self.plot.getAxis("bottom")
        if len(v) <= _MAX_BARS:
            brushes = [pg.mkBrush(dim)] * len(v)
            if len(v):
                brushes[int(np.argmax(v))] = pg.mkBrush(QColor("#e08a00"))
            self.bars.setOpts(x=x, height=v, width=0.8, brushes=brushes, pen=pg.mkPen(None))
            self.bars.show()
            self.line.setData([], [])
        else:
            self.bars.hide()
            self.line.setData(x, v, pen=pg.mkPen(base), fillLevel=0.0, brush=pg.mkBrush(dim))
        if labels is not None and len(labels) == len(v) and len(v) <= 30:
            axis.setTicks([[(i, str(name)) for i, name in enumerate(labels)]])
        else:
            axis.setTicks(None)
        self.plot.setXRange(-0.6, max(len(v) - 0.4, 0.6), padding=0)
        lo, hi = (float(v.min()), float(v.max())) if len(v) else (0.0, 1.0)
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        pad = 0.05 * (hi - lo or 1.0)
        self.plot.setYRange(lo - pad, hi + pad, padding=0)


class FeatureMapView(QWidget):
    """Input image | channel mosaic or bar chart | one channel enlarged with its value range."""

    show_all_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.activation: np.ndarray | None = None
        self.layer_id: str | None = None
        self.selected_channel = 0

        self.input_title = QLabel(translate("Insight", "Input"))
        # No word wrap on the captions: a wrapped label gives the whole panel a height-for-width
        # that the dock's scroll area honours, pushing the views a few pixels past the dock.
        self.input_title.setWordWrap(False)
        self.input_title.setFixedWidth(150)
        self.input_graphics, input_box = graphics_widget(self)
        self.input_image = pg.ImageItem(axisOrder="row-major")
        input_box.addItem(self.input_image)
        self._input_box = input_box
        self.input_graphics.setFixedWidth(150)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.show_all = QCheckBox(translate("Insight", "Show all channels"))
        self.show_all.setToolTip(
            translate(
                "Insight", "Show every channel instead of the first {n} (slower to draw)"
            ).format(n=DEFAULT_MAX_CHANNELS)
        )
        self.show_all.toggled.connect(self.show_all_changed)
        self.hover = QLabel()
        self.hover.setTextFormat(Qt.TextFormat.PlainText)

        self.mosaic_view = MosaicView(self)
        self.bar_view = BarView(self)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.stack = QStackedWidget(self)
        for page in (self.empty, self.mosaic_view, self.bar_view):
            self.stack.addWidget(page)

        self.zoom_graphics, zoom_box = graphics_widget(self)
        self.zoom_image = pg.ImageItem(axisOrder="row-major")
        self.zoom_image.setLookupTable(viridis_lut())
        zoom_box.addItem(self.zoom_image)
        self._zoom_box = zoom_box
        self.zoom_title = QLabel()
        self.zoom_title.setTextFormat(Qt.TextFormat.PlainText)
        self.zoom_title.setWordWrap(False)
        self.zoom_panel = QWidget(self)
        zoom_layout = QVBoxLayout(self.zoom_panel)
        zoom_layout.setContentsMargins(0, 0, 0, 0)
        zoom_layout.addWidget(self.zoom_title)
        zoom_layout.addWidget(self.zoom_graphics, 1)
        self.zoom_panel.setFixedWidth(190)

        left = QVBoxLayout()
        left.addWidget(self.input_title)
        left.addWidget(self.input_graphics, 1)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.hover)
        head.addWidget(self.show_all)
        centre = QVBoxLayout()
        centre.addLayout(head)
        centre.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(left)
        layout.addLayout(centre, 1)
        layout.addWidget(self.zoom_panel)

        self.mosaic_view.tile_clicked.connect(self.select_channel)
        self.mosaic_view.tile_hovered.connect(self._on_tile_hovered)
        self.show_message(
            translate(
                "Insight", "Click a block on the canvas to see what it computes for this sample."
            )
        )

    # -- what the controller calls -------------------------------------------------------------
    def show_message(self, text: str) -> None:
        """An empty state: the message in place of the grid."""
        self.activation = None
        self.layer_id = None
        self.empty.setText(text)
        self.title.setText("")
        self.hover.setText("")
        self.stack.setCurrentWidget(self.empty)
        self.zoom_panel.hide()
        self.show_all.hide()

    def set_input(self, image: np.ndarray | None, caption: str = "Input") -> None:
        """The sample as the network sees it: ``H x W`` gray or ``H x W x 3`` RGB in [0, 1]."""
        self.input_title.setText(caption)
        if image is None:
            self.input_image.clear()
            return
        img = np.clip(np.asarray(image, dtype=np.float32), 0.0, 1.0)
        self.input_image.setImage(img, autoLevels=False, levels=(0.0, 1.0))
        self.input_image.setRect(0, 0, img.shape[1], img.shape[0])
        self._input_box.autoRange(padding=0.02)

    def show_activation(
        self,
        layer_id: str,
        activation: np.ndarray,
        *,
        description: str = "",
        class_names: Sequence[str] | None = None,
    ) -> None:
        """Show one layer's output for the sample (no batch axis): channels or a bar chart."""
        if layer_id != self.layer_id:
            self.selected_channel = 0
        self.layer_id = layer_id
        self.activation = np.asarray(activation)
        shape = fmt_shape(tuple(self.activation.shape))
        head = f"{layer_id}  ·  {shape}" + (f"  ·  {description}" if description else "")
        if self.activation.ndim == 1:
            self.title.setText(head)
            self.hover.setText("")
            self.bar_view.set_values(self.activation, class_names)
            self.stack.setCurrentWidget(self.bar_view)
            self.zoom_panel.hide()
            self.show_all.hide()
            return
        limit = None if self.show_all.isChecked() else DEFAULT_MAX_CHANNELS
        # Grid shape follows the space the dock gives it (wide and low at the bottom).
        aspect = self.stack.width() / max(1, self.stack.height())
        mosaic = build_mosaic(self.activation, max_channels=limit, aspect=max(1.0, aspect))
        if mosaic.total > mosaic.shown:
            head += f"  ·  first {mosaic.shown} of {mosaic.total} channels"
        self.title.setText(head)
        self.show_all.setVisible(mosaic.total > DEFAULT_MAX_CHANNELS)
        self.mosaic_view.set_mosaic(mosaic)
        self.stack.setCurrentWidget(self.mosaic_view)
        self.zoom_panel.show()
        self.select_channel(min(self.selected_channel, mosaic.shown - 1))

    def select_channel(self, channel: int) -> None:
        """Enlarge one channel of the shown image activation, with its value range."""
        act = self.activation
        if act is None or act.ndim == 1 or not 0 <= channel < act.shape[0]:
            return
        self.selected_channel = channel
        ch = np.asarray(act[channel], dtype=np.float32)
        if ch.ndim == 1:
            ch = np.repeat(ch[None, :], max(1, ch.shape[0] // 6), axis=0)
        lo, hi = float(ch.min()), float(ch.max())
        self.zoom_image.setImage(ch, autoLevels=False, levels=(lo, hi if hi > lo else lo + 1.0))
        self.zoom_image.setRect(0, 0, ch.shape[1], ch.shape[0])
        self._zoom_box.autoRange(padding=0.02)
        self.zoom_title.setText(
            # Two lines, not three: at 1366x768 a third line pushed the views past the dock.
            translate(
                "Insight", "channel {channel}  ·  {shape}\nmin {lo} · max {hi} · mean {mean}"
            ).format(
                channel=channel,
                shape=fmt_shape(tuple(act.shape[1:])),
                lo=f"{lo:.3g}",
                hi=f"{hi:.3g}",
                mean=f"{float(ch.mean()):.3g}",
            )
        )

    # -- internals ----------------------------------------------------------------------------
    def _on_tile_hovered(self, i: int) -> None:
        mosaic = self.mosaic_view.mosaic
        if i < 0 or mosaic is None:
            self.hover.setText("")
            return
        lo, hi = mosaic.ranges[i]
        self.hover.setText(
            translate("Insight", "channel {i}: {lo} … {hi}").format(
                i=i, lo=f"{lo:.3g}", hi=f"{hi:.3g}"
            )
        )

    def mosaic_pos(self, channel: int) -> QPointF:
        """Centre of a channel's tile in image coordinates (for tests and tours)."""
        mosaic = self.mosaic_view.mosaic
        assert mosaic is not None
        t = mosaic.tiles[channel]
        return QPointF(t.left + t.width / 2, t.top + t.height / 2)
