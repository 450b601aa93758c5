"""Figures for slides: the network as SVG, PDF or PNG, and the training charts as PNG or SVG.

The network is drawn by a `GraphScene` of its own on a copy of the design, always in the light
theme (slides are white, whatever the screen's theme), with the blocks' shorthand, shapes and
counts exactly as the canvas shows them. Vector formats (SVG, PDF) keep text as text; PNG is
rendered at ``scale`` pixels per scene unit. Charts go through pyqtgraph's own exporters, in the
light palette too. `cnnstudio figure` uses `export_design_figure` from the command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPalette, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QWidget

from ..core.design import Design
from ..core.errors import CnnStudioError
from ..core.fileio import atomic_write
from ..core.i18n import translate
from .canvas.items import BlockItem, EdgeItem
from .canvas.scene import GraphScene
from .canvas.style import LIGHT
from .session import DesignSession

#: What File ▸ Export Figure ▸ Network writes, by suffix.
DESIGN_FIGURE_SUFFIXES = (".svg", ".pdf", ".png")
#: What the chart figures can be: pyqtgraph exports pictures and SVG.
CHART_FIGURE_SUFFIXES = (".png", ".svg")
#: Blank space around the blocks, in scene units.
MARGIN = 24.0
#: PNG pixels per scene unit unless the user chooses (2: sharp on a projector and in print).
DEFAULT_SCALE = 2.0
#: Larger pictures would need gigabytes of memory; say so instead of trying.
MAX_PNG_PIXELS = 400_000_000


class FigureError(CnnStudioError):
    """A figure that cannot be written, said in one line."""


def _suffix(path: Path, allowed: tuple[str, ...]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise FigureError(
            f"{path.name}: a figure is {', '.join(s.lstrip('.').upper() for s in allowed)}; "
            f"name the file with one of {', '.join(allowed)}"
        )
    return suffix


class _FigureScene(GraphScene):
    """The canvas scene without its background grid: a slide wants the blocks on plain white."""

    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        return None


def _figure_scene(design: Design, selection: Iterable[str] | None) -> tuple[GraphScene, QRectF]:
    """A light-themed scene of ``design``: only the blocks in ``selection`` when one is given."""
    session = DesignSession(design.clone())
    scene = _FigureScene(session)
    scene.rebuild()
    scene.set_theme(LIGHT)
    keep = set(selection) if selection is not None else None
    rect = QRectF()
    for item in scene.items():
        if isinstance(item, BlockItem):
            shown = keep is None or item.layer_id in keep
        elif isinstance(item, EdgeItem):
            shown = keep is None or (item.source.layer_id in keep and item.target.layer_id in keep)
        else:
            continue
        item.setVisible(shown)
        item.setSelected(False)
        if shown and item.parentItem() is None:
            rect = rect.united(item.sceneBoundingRect())
    if rect.isEmpty():
        raise FigureError("there is nothing to draw: the design (or the selection) has no blocks")
    return scene, rect.marginsAdded(QMarginsF(MARGIN, MARGIN, MARGIN, MARGIN))


def _render(scene: GraphScene, source: QRectF, painter: QPainter, target: QRectF) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(target, QColor("white"))
    scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)


def design_figure_bytes(
    design: Design,
    suffix: str,
    *,
    scale: float = DEFAULT_SCALE,
    selection: Iterable[str] | None = None,
) -> bytes:
    """The figure of ``design`` (or of the blocks in ``selection``) in the format of ``suffix``."""
    if not 0.1 <= scale <= 16:
        raise FigureError(f"scale {scale:g} is out of range: choose from 0.1 to 16")
    scene, source = _figure_scene(design, selection)
    size = QSizeF(source.width(), source.height())
    page = QRectF(0, 0, size.width(), size.height())
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    title = design.name or "network"
    try:
        if suffix == ".svg":
            generator = QSvgGenerator()
            generator.setOutputDevice(buffer)
            generator.setSize(size.toSize())
            generator.setViewBox(page)
            generator.setTitle(title)
            generator.setDescription("Drawn by cnnstudio")
            painter = QPainter(generator)
            _render(scene, source, painter, page)
            painter.end()
        elif suffix == ".pdf":
            writer = QPdfWriter(buffer)
            writer.setTitle(title)
            writer.setCreator("cnnstudio")
            writer.setResolution(72)  # one scene unit = one point
            writer.setPageLayout(
                QPageLayout(
                    QPageSize(size, QPageSize.Unit.Point, "figure"),
                    QPageLayout.Orientation.Portrait,
                    QMarginsF(0, 0, 0, 0),
                )
            )
            painter = QPainter(writer)
            _render(scene, source, painter, page)
            painter.end()
        else:
            pixels = QSize(round(size.width() * scale), round(size.height() * scale))
            if pixels.width() * pixels.height() > MAX_PNG_PIXELS:
                raise FigureError(
                    f"a {pixels.width()}x{pixels.height()} picture is too large: "
                    "choose a smaller scale, or SVG or PDF"
                )
            image = QImage(pixels, QImage.Format.Format_ARGB32)
            dots_per_metre = round(72 * scale / 0.0254)  # prints at the size SVG and PDF have
            image.setDotsPerMeterX(dots_per_metre)
            image.setDotsPerMeterY(dots_per_metre)
            painter = QPainter(image)
            _render(scene, source, painter, QRectF(0, 0, pixels.width(), pixels.height()))
            painter.end()
            image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs want bytes, PySide6 a str
    finally:
        scene.deleteLater()
    return bytes(buffer.data().data())


def export_design_figure(
    design: Design,
    path: str | Path,
    *,
    scale: float = DEFAULT_SCALE,
    selection: Iterable[str] | None = None,
) -> Path:
    """Draw ``design`` (or the blocks in ``selection``) into ``path`` (.svg, .pdf or .png)."""
    target = Path(path)
    suffix = _suffix(target, DESIGN_FIGURE_SUFFIXES)
    data = design_figure_bytes(design, suffix, scale=scale, selection=selection)
    _write(target, data)
    return target


def _write(target: Path, data: bytes) -> None:
    try:
        atomic_write(target, data)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise FigureError(f"{target}: cannot write the figure ({reason})") from None


def export_chart_figure(
    view: pg.GraphicsLayoutWidget, path: str | Path, *, scale: float = DEFAULT_SCALE
) -> Path:
    """Write the charts of ``view`` (curves, confusion matrix): PNG by pyqtgraph's exporter.

    SVG goes through Qt's own SVG generator instead: pyqtgraph's SVGExporter fails on the paths
    this Qt version writes (pyqtgraph issue 3485, "not enough values to unpack"). The widget
    that holds the charts is shown in the light palette while it is exported, and
    goes back to the application's palette afterwards.
    """
    from pyqtgraph.exporters import ImageExporter

    target = Path(path)
    suffix = _suffix(target, CHART_FIGURE_SUFFIXES)
    owner: QWidget = view.parentWidget() or view
    light = QApplication.style().standardPalette()
    owner.setPalette(light)  # the owner restyles its plots on PaletteChange
    try:
        item = view.ci
        background = light.color(QPalette.ColorRole.Base)
        if suffix == ".svg":
            data = _chart_svg(view, background)
        else:
            exporter = ImageExporter(item)
            exporter.parameters()["background"] = background
            exporter.parameters()["width"] = max(1, round(item.boundingRect().width() * scale))
            image = exporter.export(toBytes=True)
            buffer = QBuffer()
            buffer.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buffer, "PNG")
            data = bytes(buffer.data().data())
    finally:
        owner.setPalette(QPalette())  # back to the application's (possibly dark) palette
    _write(target, data if isinstance(data, bytes) else bytes(data))
    return target


def _chart_svg(view: pg.GraphicsLayoutWidget, background: QColor) -> bytes:
    """The charts of ``view`` as an SVG drawing (text stays text, lines stay vectors)."""
    source = view.ci.sceneBoundingRect()
    page = QRectF(0, 0, source.width(), source.height())
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(page.size().toSize())
    generator.setViewBox(page)
    generator.setTitle(translate("Figures", "cnnstudio charts"))
    painter = QPainter(generator)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(page, background)
    view.scene().render(painter, page, source)
    painter.end()
    return bytes(buffer.data().data())
