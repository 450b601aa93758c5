"""The application look: the Fusion style with the system palette, or a fixed light/dark one.

Fusion draws the same on every platform and honours the palette completely, so the colours
the canvas and the panels read from the palette stay readable in light and dark themes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

_system_palette: QPalette | None = None


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
    global _system_palette
    app.setStyle("Fusion")
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    if theme == "dark":
        app.setPalette(_dark_palette())
    elif theme == "light":
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(_system_palette)


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
