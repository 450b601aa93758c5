"""The graphics items of the canvas: blocks (one per layer), their ports, and the edges.

Items only present: they hold a cached `BlockState` (the texts and flags shown) and repaint
when it changes. They never edit the design; gestures are interpreted by the view, which turns
them into commands on the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ...core.diagnostics import Fix
from ...core.i18n import QT_TRANSLATE_NOOP, translate
from .style import BLOCK_HEIGHT, BLOCK_RADIUS, BLOCK_WIDTH, LIGHT, MARK_SIZE, PORT_RADIUS, Theme

BLOCK_Z = 10.0
EDGE_Z = 0.0
PORT_Z = 11.0
ARROW_LENGTH = 9.0
ARROW_WIDTH = 8.0
SKIP_SPAN = 1.6 * 110.0  # an edge down more than about a layout row and a half skips blocks
STATS_HEIGHT = 14.0  # one line of a caption under a block
# Captions under a block start beside its output port and may reach into the gap to the next
# column (blocks sit COLUMN_WIDTH = 220 apart, 40 px between them): never past its middle.
_CAPTION_LEFT = BLOCK_WIDTH / 2 + 8
_CAPTION_MAX_WIDTH = BLOCK_WIDTH / 2 - 8 + 20
_CAPTION_PAD = 3.0
#: Gradient-flow badge colours by level (see core.gradient_flow): cold, green, red.
GRADIENT_COLOURS = {"vanishing": "#3b6fd4", "healthy": "#2e8540", "exploding": "#d1242f"}
_PAD = 8.0  # inner margin of the block texts
DETAIL_LOD = 0.4  # below this zoom a block shows only its header, in a large font
OVERVIEW_LOD = 0.15  # below this, not even that
_OVERVIEW_MIN_PT = 12.0  # the overview header shrinks to fit down to this size, then elides


@dataclass(frozen=True)
class BlockState:
    """Everything a block shows; the scene compares it to decide whether to repaint."""

    header: str
    subtitle: str
    shape: str
    params: str
    group: str
    severity: str | None = None  # "error", "warning" or None
    message: str = ""
    fix: Fix | None = None
    frozen: bool = False
    slots: int = 1  # input port slots drawn on top (0 for Input)
    multi: bool = False  # merge layers: one slot per input plus a free one
    alternatives: tuple[Fix, ...] = ()  # other repairs than ``fix``, offered in a menu

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """Every repair the mark offers, the first choice first."""
        return self.alternatives if self.fix is None else (self.fix, *self.alternatives)


class _Fonts:
    """The three fonts of a block, made once a QGuiApplication exists."""

    header: QFont
    small: QFont
    body: QFont
    overview: QFont
    ready = False

    @classmethod
    def ensure(cls) -> None:
        if cls.ready:
            return
        cls.header = QFont()
        cls.header.setPointSizeF(9.5)
        cls.header.setBold(True)
        cls.small = QFont()
        cls.small.setPointSizeF(7.5)
        cls.body = QFont()
        cls.body.setPointSizeF(8.5)
        cls.overview = QFont()
        cls.overview.setPointSizeF(22)
        cls.overview.setBold(True)
        cls.ready = True


def _overview_text(header: str) -> tuple[str, QFont]:
    """The zoomed-out header and its font: the type and first number (``Conv 128``), in the
    largest font up to the overview size that fits the block, so it is not cut where it fits."""
    words = header.split()
    # The type and its first number (``Conv 128``); a long second word (a shape) is left out.
    second = words[1].split("@")[0] if len(words) > 1 else ""
    short = f"{words[0]} {second}" if 0 < len(second) <= 5 else (words[0] if words else header)
    width = BLOCK_WIDTH - 2 * _PAD
    advance = QFontMetricsF(_Fonts.overview).horizontalAdvance(short)
    if advance <= width:
        return short, _Fonts.overview
    font = QFont(_Fonts.overview)
    # (a little under the exact ratio: font metrics do not scale exactly with the size)
    scale = 0.95 * width / advance
    font.setPointSizeF(max(_OVERVIEW_MIN_PT, _Fonts.overview.pointSizeF() * scale))
    return QFontMetricsF(font).elidedText(short, Qt.TextElideMode.ElideRight, width), font


class PortItem(QGraphicsItem):
    """A connection point: ``kind`` "in" (slot ``slot`` on top) or "out" (bottom centre)."""

    def __init__(self, block: BlockItem, kind: str, slot: int = 0) -> None:
        super().__init__(block)
        self.block = block
        self.kind = kind
        self.slot = slot
        self.hot = False
        self.setZValue(PORT_Z)
        self.setAcceptHoverEvents(True)
        if kind == "out":
            self.setCursor(Qt.CursorShape.CrossCursor)
            self.setToolTip(translate("Canvas", "Drag to an input port to connect"))

    def boundingRect(self) -> QRectF:
        r = PORT_RADIUS + 2
        return QRectF(-r, -r, 2 * r, 2 * r)

    def shape(self) -> QPainterPath:
        # A larger hit area than the drawn circle: ports are small targets.
        path = QPainterPath()
        r = PORT_RADIUS + 4
        path.addEllipse(QPointF(0, 0), r, r)
        return path

    def set_hot(self, hot: bool) -> None:
        if hot != self.hot:
            self.hot = hot
            self.update()

    def hoverEnterEvent(self, event: Any) -> None:
        self.set_hot(True)

    def hoverLeaveEvent(self, event: Any) -> None:
        self.set_hot(False)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.block.theme
        accent = theme.group_accent(self.block.state.group)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.port_hot if self.hot else accent, 1.5))
        painter.setBrush(QBrush(theme.port_hot if self.hot else theme.port))
        painter.drawEllipse(QPointF(0, 0), PORT_RADIUS, PORT_RADIUS)


class BlockItem(QGraphicsItem):
    """One layer: a rounded rectangle with its shorthand, id, output shape and parameters."""

    def __init__(self, layer_id: str, state: BlockState, theme: Theme = LIGHT) -> None:
        super().__init__()
        _Fonts.ensure()
        self.layer_id = layer_id
        self.state = state
        #: Set by the scene (GraphScene.set_theme); items never reach back into their scene.
        self.theme = theme
        self.in_edges: list[EdgeItem] = []
        self.out_edges: list[EdgeItem] = []
        self.input_ports: list[PortItem] = []
        self.output_port = PortItem(self, "out")
        self.output_port.setPos(BLOCK_WIDTH / 2, BLOCK_HEIGHT)
        self._texts: tuple[str, str, str, str] = ("", "", "", "")
        # Activation statistics of the last epoch, drawn as a caption under the block.
        self.stats_text = ""
        self.stats_alarm = False
        self._stats_lines: list[str] = []
        self._stats_rect = QRectF()
        # Mean |grad| at initialisation and its level, drawn as a badge left of the output port.
        self.gradient: float | None = None
        self.gradient_level = ""
        self.gradient_source = ""  # "at initialisation", "after epoch 3"
        self._gradient_text = ""
        self._gradient_rect = QRectF()
        self._overview = ""
        self._overview_font = _Fonts.overview
        # What the scene last derived `state` from (see GraphScene.refresh_states).
        self.facts: tuple[Any, tuple[Any, ...]] | None = None
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
            | QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges
        )
        self.setZValue(BLOCK_Z)
        self.setAcceptHoverEvents(True)
        self._apply_state(state)

    # -- state ---------------------------------------------------------------------------------
    def set_state(self, state: BlockState) -> bool:
        """Show ``state``; returns False (and repaints nothing) when it equals the current one."""
        if state == self.state:
            return False
        self._apply_state(state)
        self.update()
        return True

    def _apply_state(self, state: BlockState) -> None:
        old_slots = len(self.input_ports)
        self.state = state
        width = BLOCK_WIDTH - 2 * _PAD
        marks = (MARK_SIZE + 4 if state.severity else 0) + (14 if state.frozen else 0)
        header = QFontMetricsF(_Fonts.header).elidedText(
            state.header, Qt.TextElideMode.ElideRight, width - marks
        )
        subtitle = QFontMetricsF(_Fonts.small).elidedText(
            state.subtitle, Qt.TextElideMode.ElideMiddle, width - marks
        )
        body = QFontMetricsF(_Fonts.body)
        params = body.elidedText(state.params, Qt.TextElideMode.ElideLeft, width / 2)
        shape = body.elidedText(
            state.shape, Qt.TextElideMode.ElideRight, width - body.horizontalAdvance(params) - 6
        )
        self._texts = (header, subtitle, shape, params)
        self._overview, self._overview_font = _overview_text(state.header)
        if state.slots != old_slots:
            self._rebuild_ports(state.slots)

    def set_stats(self, text: str, alarm: bool = False) -> None:
        """Show (or with ``""`` clear) the activation caption, red when ``alarm``.

        The caption is never cut: it sits right of the output port, on a background so that
        edges behind it do not cross the text, and wraps at its `` · `` separators into a
        second line where one line would reach too far into the gap beside the block.
        """
        if (text, alarm) != (self.stats_text, self.stats_alarm):
            self.prepareGeometryChange()
            self.stats_text, self.stats_alarm = text, alarm
            metrics = QFontMetricsF(_Fonts.small)
            self._stats_lines = _wrap(text, metrics, _CAPTION_MAX_WIDTH) if text else []
            if self._stats_lines:
                width = max(metrics.horizontalAdvance(line) for line in self._stats_lines)
                self._stats_rect = QRectF(
                    _CAPTION_LEFT,
                    self._annotation_top(),
                    width + 2 * _CAPTION_PAD,
                    len(self._stats_lines) * STATS_HEIGHT,
                )
            else:
                self._stats_rect = QRectF()
            self.update()

    def stats_rect(self) -> QRectF:
        """Local rectangle of the activation caption (empty when there is none)."""
        return QRectF(self._stats_rect)

    def stats_lines(self) -> list[str]:
        """The caption as drawn, line by line (``stats_text`` wrapped, never elided)."""
        return list(self._stats_lines)

    def set_gradient(self, value: float | None, level: str = "", source: str = "") -> None:
        """Show (or with ``None`` clear) the gradient-flow badge: mean |grad|, its level
        (``vanishing``, ``healthy`` or ``exploding``, see :mod:`cnnstudio.core.gradient_flow`)
        and when it was measured (``source``, for the tooltip)."""
        self.gradient_source = source
        if (value, level) == (self.gradient, self.gradient_level):
            return
        self.prepareGeometryChange()
        self.gradient, self.gradient_level = value, level
        if value is None:
            self._gradient_text, self._gradient_rect = "", QRectF()
        else:
            self._gradient_text = f"∇ {value:.1e}"
            width = QFontMetricsF(_Fonts.small).horizontalAdvance(self._gradient_text)
            width += 2 * _CAPTION_PAD
            # Left of the output port, mirroring the activation caption on its right.
            right = BLOCK_WIDTH / 2 - 8
            self._gradient_rect = QRectF(right - width, self._annotation_top(), width, STATS_HEIGHT)
        self.update()

    def gradient_rect(self) -> QRectF:
        """Local rectangle of the gradient-flow badge (empty when there is none)."""
        return QRectF(self._gradient_rect)

    def gradient_text(self) -> str:
        return self._gradient_text

    def _annotation_top(self) -> float:
        """Where captions under the block start (a folded group's cards reach lower)."""
        return BLOCK_HEIGHT + 3

    def _rebuild_ports(self, slots: int) -> None:
        scene = self.scene()
        for port in self.input_ports[slots:]:
            if scene is not None:
                scene.removeItem(port)
            # PySide6's stub omits None, which Qt takes (nullptr: no parent, a top-level item).
            port.setParentItem(None)  # type: ignore[arg-type]
        del self.input_ports[slots:]
        while len(self.input_ports) < slots:
            self.input_ports.append(PortItem(self, "in", len(self.input_ports)))
        for port in self.input_ports:
            port.setPos(self.slot_x(port.slot), 0.0)
        for edge in self.in_edges:
            edge.update_path()

    # -- geometry ------------------------------------------------------------------------------
    def slot_x(self, slot: int) -> float:
        """Local x of input slot ``slot``: slots share the top edge evenly."""
        n = max(1, len(self.input_ports) or self.state.slots)
        if n == 1:
            return BLOCK_WIDTH / 2
        return BLOCK_WIDTH * (slot + 1) / (n + 1)

    def in_anchor(self, slot: int) -> QPointF:
        """Scene point where the edge into ``slot`` ends."""
        n = len(self.input_ports)
        x = self.slot_x(min(slot, n - 1)) if n else BLOCK_WIDTH / 2
        return self.mapToScene(QPointF(x, 0.0))

    def out_anchor(self) -> QPointF:
        """Scene point where edges out of this block start."""
        return self.mapToScene(QPointF(BLOCK_WIDTH / 2, BLOCK_HEIGHT))

    def mark_rect(self) -> QRectF:
        """Local rectangle of the warning mark (clicking it offers the fixes)."""
        return QRectF(BLOCK_WIDTH - MARK_SIZE - 6, 5, MARK_SIZE, MARK_SIZE)

    def lock_rect(self) -> QRectF:
        """Local rectangle of the lock glyph of a frozen block."""
        right = self.mark_rect().left() - 4 if self.state.severity else BLOCK_WIDTH - 6
        return QRectF(right - 10, 6, 10, 13)

    def mark_hit(self, scene_pos: QPointF) -> bool:
        """True when ``scene_pos`` is on the warning mark (with a little slack)."""
        if not self.state.severity:
            return False
        return self.mark_rect().adjusted(-3, -3, 3, 3).contains(self.mapFromScene(scene_pos))

    def boundingRect(self) -> QRectF:
        rect = QRectF(-4, -4, BLOCK_WIDTH + 8, BLOCK_HEIGHT + 8)
        for extra in (self._stats_rect, self._gradient_rect):
            if not extra.isEmpty():
                rect = rect.united(extra.adjusted(-1, -1, 1, 1))
        return rect

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRoundedRect(QRectF(0, 0, BLOCK_WIDTH, BLOCK_HEIGHT), BLOCK_RADIUS, BLOCK_RADIUS)
        return path

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: Any) -> Any:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged:
            for edge in self.in_edges:
                edge.update_path()
            for edge in self.out_edges:
                edge.update_path()
        return super().itemChange(change, value)

    # -- painting ------------------------------------------------------------------------------
    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme
        state = self.state
        fill = theme.group_fill(state.group)
        accent = theme.group_accent(state.group)
        rect = QRectF(0, 0, BLOCK_WIDTH, BLOCK_HEIGHT)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, lod > 0.3)
        if self.isSelected():
            # Selection is a halo around the block, so the error outline stays visible.
            painter.setPen(QPen(theme.selection, 3.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), BLOCK_RADIUS + 3, BLOCK_RADIUS + 3)
        if state.severity == "error":
            border = QPen(theme.error, 2.5)
        elif state.severity == "warning":
            border = QPen(theme.warning, 2.0)
        else:
            border = QPen(accent, 1.2)
        painter.setPen(border)
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(rect, BLOCK_RADIUS, BLOCK_RADIUS)
        if lod < DETAIL_LOD:
            if lod >= OVERVIEW_LOD:
                # Zoomed out: the small texts would be smudges; one large header still reads.
                painter.setPen(theme.text)
                painter.setFont(self._overview_font)
                painter.drawText(
                    rect.adjusted(_PAD, 0, -_PAD, 0), Qt.AlignmentFlag.AlignCenter, self._overview
                )
            return
        band = QPainterPath()
        band.addRoundedRect(rect.adjusted(1, 1, -1, 0), BLOCK_RADIUS - 1, BLOCK_RADIUS - 1)
        clip = QPainterPath()
        clip.addRect(QRectF(0, 0, 5, BLOCK_HEIGHT))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(accent))
        painter.drawPath(band.intersected(clip))
        header, subtitle, shape, params = self._texts
        painter.setPen(theme.text)
        painter.setFont(_Fonts.header)
        painter.drawText(
            QRectF(_PAD + 2, 4, BLOCK_WIDTH - 2 * _PAD, 18),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            header,
        )
        painter.setPen(theme.subtext)
        painter.setFont(_Fonts.small)
        painter.drawText(
            QRectF(_PAD + 2, 21, BLOCK_WIDTH - 2 * _PAD, 14),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            subtitle,
        )
        line = QColor(accent)
        line.setAlpha(90)
        painter.setPen(QPen(line, 1.0))
        painter.drawLine(QPointF(_PAD + 2, 38), QPointF(BLOCK_WIDTH - _PAD, 38))
        painter.setFont(_Fonts.body)
        body = QRectF(_PAD + 2, 40, BLOCK_WIDTH - 2 * _PAD - 2, 20)
        if shape != "?":
            painter.setPen(theme.text)
        else:  # unknown: red on the broken block, quiet on the blocks after it
            painter.setPen(theme.error if state.severity == "error" else theme.subtext)
        painter.drawText(body, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, shape)
        painter.setPen(theme.subtext)
        painter.drawText(body, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, params)
        if state.severity:
            self._paint_mark(painter, theme)
        if state.frozen:
            self._paint_lock(painter, theme)
        if self._stats_lines:
            # Right of the output port, so the edge leaving the block never crosses it; the
            # background keeps other edges passing behind from striking through the text.
            backdrop = QColor(theme.background)
            backdrop.setAlpha(225)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(backdrop))
            painter.drawRoundedRect(self._stats_rect, 3, 3)
            painter.setPen(theme.error if self.stats_alarm else theme.subtext)
            painter.setFont(_Fonts.small)
            for i, text in enumerate(self._stats_lines):
                row = QRectF(
                    self._stats_rect.left() + _CAPTION_PAD,
                    self._stats_rect.top() + i * STATS_HEIGHT,
                    self._stats_rect.width() - _CAPTION_PAD,
                    STATS_HEIGHT,
                )
                painter.drawText(
                    row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text
                )
        if self._gradient_text:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(QColor(GRADIENT_COLOURS.get(self.gradient_level, "#777777"))))
            painter.drawRoundedRect(self._gradient_rect, 4, 4)
            painter.setPen(QColor("#ffffff"))
            painter.setFont(_Fonts.small)
            painter.drawText(self._gradient_rect, Qt.AlignmentFlag.AlignCenter, self._gradient_text)

    def _paint_mark(self, painter: QPainter, theme: Theme) -> None:
        r = self.mark_rect()
        colour = theme.error if self.state.severity == "error" else theme.warning
        triangle = QPolygonF([QPointF(r.center().x(), r.top()), r.bottomRight(), r.bottomLeft()])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(_pen(colour, 1.0, join=Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(triangle)
        painter.setPen(_pen(QColor("#ffffff"), 1.8, cap=Qt.PenCapStyle.RoundCap))
        cx = r.center().x()
        painter.drawLine(QPointF(cx, r.top() + 5.5), QPointF(cx, r.bottom() - 5.5))
        painter.drawPoint(QPointF(cx, r.bottom() - 2.5))

    def _paint_lock(self, painter: QPainter, theme: Theme) -> None:
        r = self.lock_rect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(theme.subtext, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        shackle = QRectF(r.left() + 2, r.top(), r.width() - 4, 9)
        painter.drawArc(shackle, 0, 180 * 16)
        painter.drawLine(
            QPointF(shackle.left(), r.top() + 4.5), QPointF(shackle.left(), r.top() + 6)
        )
        painter.drawLine(
            QPointF(shackle.right(), r.top() + 4.5), QPointF(shackle.right(), r.top() + 6)
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(theme.subtext))
        painter.drawRoundedRect(QRectF(r.left(), r.top() + 6, r.width(), 7), 1.5, 1.5)

    # -- tooltip -------------------------------------------------------------------------------
    def tooltip_text(self, explanation: list[str]) -> str:
        """The hover text: the problem and its fix, then ``explanation`` (the arithmetic)."""
        state = self.state
        lines: list[str] = [f"<b>{_html(state.header)}</b> &nbsp;<i>{_html(self.layer_id)}</i>"]
        if state.severity:
            colour = (self.theme.error if state.severity == "error" else self.theme.warning).name()
            lines.append(f"<span style='color:{colour}'>{_html(state.message)}</span>")
            fixes = state.fixes
            if len(fixes) == 1:
                lines.append(
                    translate("Canvas", "Click the mark to fix: {fix}").format(
                        fix=_html(fixes[0].label)
                    )
                )
            elif fixes:
                choices = "".join(f"<br>&nbsp;• {_html(f.label)}" for f in fixes)
                lines.append(translate("Canvas", "Click the mark to choose a fix:") + choices)
        if explanation:
            lines.append("<hr>" + "<br>".join(_html(text) for text in explanation))
        if state.frozen:
            lines.append(translate("Canvas", "Frozen: its parameters are not trained"))
        if self.gradient is not None:
            lines.append(
                translate("Canvas", "Gradient {source}: mean |grad| {value} ({level})").format(
                    source=self.gradient_source or translate("Canvas", "flow"),
                    value=f"{self.gradient:.3e}",
                    level=level_name(self.gradient_level),
                )
            )
        return "<br>".join(lines)


# The gradient levels are codes (core.gradient_flow.LEVELS, the badge colours' keys); these
# are their words in a tooltip.
_LEVEL_NAMES = {
    "vanishing": QT_TRANSLATE_NOOP("Canvas", "vanishing"),
    "healthy": QT_TRANSLATE_NOOP("Canvas", "healthy"),
    "exploding": QT_TRANSLATE_NOOP("Canvas", "exploding"),
}


def level_name(level: str) -> str:
    """A gradient level (``vanishing``...) in the interface's language."""
    return translate("Canvas", _LEVEL_NAMES[level]) if level in _LEVEL_NAMES else level


def _wrap(text: str, metrics: QFontMetricsF, width: float) -> list[str]:
    """``text`` in lines of at most ``width``, broken only at its `` · `` separators.

    A part longer than ``width`` keeps a line of its own, whole: captions are never elided.
    """
    lines: list[str] = []
    for part in text.split(" · "):
        joined = f"{lines[-1]} · {part}" if lines else part
        if lines and metrics.horizontalAdvance(joined) <= width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def _pen(
    colour: QColor,
    width: float,
    cap: Qt.PenCapStyle = Qt.PenCapStyle.SquareCap,
    join: Qt.PenJoinStyle = Qt.PenJoinStyle.BevelJoin,
) -> QPen:
    pen = QPen(colour, width)
    pen.setCapStyle(cap)
    pen.setJoinStyle(join)
    return pen


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class EdgeItem(QGraphicsItem):
    """A connection from ``source``'s output to input ``slot`` of ``target``: a cubic curve."""

    def __init__(
        self, source: BlockItem, target: BlockItem, slot: int, theme: Theme = LIGHT
    ) -> None:
        super().__init__()
        self.theme = theme  # set by the scene, like BlockItem.theme
        self.source = source
        self.target = target
        self.slot = slot
        self.hot = False  # a palette drag would insert here
        self._path = QPainterPath()
        self._shape = QPainterPath()
        self._arrow = QPolygonF()
        self._bounds = QRectF()
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(EDGE_Z)
        self.setAcceptHoverEvents(True)
        source.out_edges.append(self)
        target.in_edges.append(self)
        self.update_path()

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.source.layer_id, self.target.layer_id, self.slot)

    def detach(self) -> None:
        """Forget the blocks (before the edge leaves the scene)."""
        if self in self.source.out_edges:
            self.source.out_edges.remove(self)
        if self in self.target.in_edges:
            self.target.in_edges.remove(self)

    def set_hot(self, hot: bool) -> None:
        if hot != self.hot:
            self.hot = hot
            self.update()

    def update_path(self) -> None:
        """Recompute the curve after a block moved or the slots changed."""
        self.prepareGeometryChange()
        start = self.source.out_anchor()
        end = self.target.in_anchor(self.slot)
        tip = QPointF(end.x(), end.y() - PORT_RADIUS)
        base = QPointF(tip.x(), tip.y() - ARROW_LENGTH)
        if base.y() - start.y() > SKIP_SPAN and abs(base.x() - start.x()) < BLOCK_WIDTH:
            # A skip connection (a residual shortcut): beside the blocks it jumps, not over them.
            self._path = bypass(start, base, max(start.x(), base.x()) + BLOCK_WIDTH / 2 + 24)
        else:
            self._path = curve(start, base)
        self._arrow = QPolygonF(
            [
                tip,
                QPointF(base.x() - ARROW_WIDTH / 2, base.y()),
                QPointF(base.x() + ARROW_WIDTH / 2, base.y()),
            ]
        )
        stroker = QPainterPathStroker()
        stroker.setWidth(12)
        self._shape = stroker.createStroke(self._path)
        self._bounds = (
            self._path.boundingRect().united(self._arrow.boundingRect()).adjusted(-6, -6, 6, 6)
        )

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return self._shape

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme
        emphasised = self.isSelected() or self.hot
        colour = theme.edge_selected if emphasised else theme.edge
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, 2.6 if emphasised else 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(self._arrow)


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A smooth top-to-bottom cubic from ``start`` to ``end`` (also for backwards links)."""
    dy = end.y() - start.y()
    bend = max(30.0, abs(dy) / 2) if dy >= 0 else max(60.0, abs(dy) / 3)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x(), start.y() + bend), QPointF(end.x(), end.y() - bend), end)
    return path


def bypass(start: QPointF, end: QPointF, lane: float) -> QPainterPath:
    """A path from ``start`` down to ``end`` that runs in the vertical lane at x = ``lane``."""
    turn = 36.0
    path = QPainterPath(start)
    path.cubicTo(
        QPointF(start.x(), start.y() + turn),
        QPointF(lane, start.y()),
        QPointF(lane, start.y() + turn),
    )
    path.lineTo(QPointF(lane, end.y() - turn))
    path.cubicTo(QPointF(lane, end.y()), QPointF(end.x(), end.y() - turn), end)
    return path


class GroupItem(BlockItem):
    """A folded group drawn as one block: a stack of cards with the group's shorthand, path,
    shapes and totals, and a chevron; double-click or the chevron unfolds it in place.

    Its ``layer_id`` is ``group:<path>`` so that it never names a layer; it is not movable
    (a folded view is laid out automatically) and its edges cannot be selected or cut.
    """

    PREFIX = "group:"

    def __init__(self, path: str, state: BlockState, theme: Theme = LIGHT) -> None:
        super().__init__(self.PREFIX + path, state, theme)
        self.path = path
        self.summary_lines: list[str] = []
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, False)

    def chevron_rect(self) -> QRectF:
        """Local rectangle of the unfold chevron, bottom right."""
        return QRectF(BLOCK_WIDTH - 20, BLOCK_HEIGHT - 20, 16, 16)

    def chevron_hit(self, scene_pos: QPointF) -> bool:
        """True when ``scene_pos`` is on the chevron (with a little slack)."""
        return self.chevron_rect().adjusted(-3, -3, 3, 3).contains(self.mapFromScene(scene_pos))

    def boundingRect(self) -> QRectF:
        return super().boundingRect().united(QRectF(-4, -4, BLOCK_WIDTH + 16, BLOCK_HEIGHT + 16))

    def _annotation_top(self) -> float:
        return BLOCK_HEIGHT + 11  # below the cards drawn behind

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.theme
        accent = theme.group_accent(self.state.group)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(accent, 1.2))
        painter.setBrush(QBrush(theme.group_fill(self.state.group)))
        for offset in (8.0, 4.0):  # the cards behind: this block stands for several
            painter.drawRoundedRect(
                QRectF(offset, offset, BLOCK_WIDTH, BLOCK_HEIGHT), BLOCK_RADIUS, BLOCK_RADIUS
            )
        super().paint(painter, option, widget)
        if option.levelOfDetailFromTransform(painter.worldTransform()) < DETAIL_LOD:
            return
        r = self.chevron_rect()
        painter.setPen(_pen(accent, 2.0, cap=Qt.PenCapStyle.RoundCap))
        c = r.center()
        painter.drawPolyline(
            QPolygonF(
                [QPointF(c.x() - 4, c.y() - 2), QPointF(c.x(), c.y() + 2), c + QPointF(4, -2)]
            )
        )

    def tooltip_text(self, explanation: list[str]) -> str:
        state = self.state
        lines = [f"<b>{_html(state.header)}</b> &nbsp;<i>{_html(self.path)}</i>"]
        if state.severity:
            colour = (self.theme.error if state.severity == "error" else self.theme.warning).name()
            lines.append(f"<span style='color:{colour}'>{_html(state.message)}</span>")
        lines.extend(_html(line) for line in self.summary_lines)
        if self.gradient is not None:
            lines.append(
                translate(
                    "Canvas",
                    "Gradient {source}: the weakest (or exploding) member's mean |grad| {value} "
                    "({level})",
                ).format(
                    source=self.gradient_source or translate("Canvas", "flow"),
                    value=f"{self.gradient:.3e}",
                    level=level_name(self.gradient_level),
                )
            )
        lines.append(translate("Canvas", "Double-click or click the chevron to unfold"))
        return "<br>".join(lines)
