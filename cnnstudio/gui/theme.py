"""The application look: the Fusion style with the system palette, or a fixed light/dark one.

Fusion draws the same on every platform and honours the palette completely, so the colours
the canvas and the panels read from the palette stay readable in light and dark themes. One
exception is mended here (:class:`FusionStyle`): Fusion frames check boxes and radio buttons
in a shade darker than the window, which on a dark window is all but invisible (an unchecked
Augment box showed no box at all).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleOption,
    QWidget,
)

_system_palette: QPalette | None = None
_style: FusionStyle | None = None  # kept referenced: the application does not own it in Python


def mix(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved the fraction ``t`` of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def indicator_frame_colour(palette: QPalette) -> QColor:
    """The frame of check boxes and radio buttons on a dark palette: halfway to the text.

    About 4:1 against the dark window (WCAG asks 3:1 for the parts of a control); a disabled
    box is fainter, as its text is (the palette's current group is the disabled one then).
    """
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return mix(window, text, 0.5)


class FusionStyle(QProxyStyle):
    """Fusion, with check-box and radio-button frames that show on a dark palette."""

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        box = element == QStyle.PrimitiveElement.PE_IndicatorCheckBox
        radio = element == QStyle.PrimitiveElement.PE_IndicatorRadioButton
        if not (box or radio) or not is_dark(option.palette):
            return
        focused = bool(option.state & QStyle.StateFlag.State_HasFocus) and bool(
            option.state & QStyle.StateFlag.State_KeyboardFocusChange
        )
        if focused and box:
            return  # Fusion's highlighted focus frame shows already
        painter.save()
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(indicator_frame_colour(option.palette), 1))
            rect = option.rect.adjusted(0, 0, -1, -1)
            if box:
                # Over Fusion's own frame: the same rectangle, half a pixel in, so it is crisp.
                painter.translate(0.5, 0.5)
                painter.drawRect(rect)
            else:
                # Fusion's circle: centre and radius as qfusionstyle.cpp computes them.
                centre = QPointF(rect.center()) + QPointF(1, 1)
                radius = (rect.width() + (rect.width() + 1) % 2) / 2.0 - 1
                painter.drawEllipse(centre, radius, radius)
        finally:
            painter.restore()


def _dark_palette() -> QPalette:
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2d30",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1f2023",
        QPalette.ColorRole.AlternateBase: "#292b2e",
        QPalette.ColorRole.ToolTipBase: "#3a3d41",
        QPalette.ColorRole.ToolTipText: "#f0f0f0",
        QPalette.ColorRole.PlaceholderText: "#8c8c8c",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#34373b",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Light: "#45484d",
        QPalette.ColorRole.Midlight: "#3c3f43",
        QPalette.ColorRole.Mid: "#2f3236",
        QPalette.ColorRole.Dark: "#1b1c1e",
        QPalette.ColorRole.Shadow: "#101112",
        QPalette.ColorRole.Highlight: "#3d7ad6",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#6ea8ff",
    }
    for role, colour in roles.items():
        pal.setColor(role, QColor(colour))
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return pal


def apply_theme(app: QApplication, theme: str = "system") -> None:
    """Use Fusion with the given palette: ``system`` (the desktop's), ``light`` or ``dark``."""
    global _system_palette, _style
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    if theme == "dark":
        palette = _dark_palette()
    elif theme == "light":
        fusion = QStyleFactory.create("Fusion")
        palette = fusion.standardPalette() if fusion is not None else QPalette(_system_palette)
    else:
        palette = _system_palette
    if is_dark(palette):
        # The mended frames only where they are needed: the proxy's Python drawPrimitive runs
        # for every primitive Qt draws (some 60 per edit in a large design's window).
        if _style is None or not shiboken6.isValid(_style):  # the application deletes it
            _style = FusionStyle()
        app.setStyle(_style)
    elif app.style().name().lower() != "fusion" or isinstance(app.style(), FusionStyle):
        app.setStyle("Fusion")
    app.setPalette(palette)


def is_dark(palette: QPalette) -> bool:
    """True when the window background is darker than its text (a dark theme)."""
    return (
        palette.color(QPalette.ColorRole.Window).lightness()
        < palette.color(QPalette.ColorRole.WindowText).lightness()
    )


def error_colour(palette: QPalette) -> QColor:
    """A red that reads well on the palette's window colour."""
    return QColor("#ff6b6b") if is_dark(palette) else QColor("#c62828")


def warning_colour(palette: QPalette) -> QColor:
    """An amber that reads well on the palette's window colour."""
    return QColor("#ffb74d") if is_dark(palette) else QColor("#b26a00")


def ok_colour(palette: QPalette) -> QColor:
    """A green for "valid" that reads well on the palette's window colour."""
    return QColor("#81c784") if is_dark(palette) else QColor("#2e7d32")
