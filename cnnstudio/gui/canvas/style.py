"""Colours and sizes of the canvas: one colour per layer group, for light and dark palettes.

The theme is chosen from the widget palette (a dark window colour means a dark theme), so the
canvas follows the desktop and the main window's View > Theme setting without its own switch.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

BLOCK_WIDTH = 180.0
BLOCK_HEIGHT = 64.0
BLOCK_RADIUS = 8.0
PORT_RADIUS = 5.0
MARK_SIZE = 16.0

# (light fill, light accent, dark fill, dark accent) per group: the fill is the block's body,
# the accent its header band and border. Hues stay apart so groups read at a glance, and each
# fill keeps enough contrast with the text colour of its palette.
_GROUP_COLOURS: dict[str, tuple[str, str, str, str]] = {
    "input": ("#eceff3", "#9aa5b4", "#2f343b", "#6b7786"),
    "convolution": ("#e3edfb", "#5b8fd6", "#1f2f47", "#4a7fc9"),
    "pooling": ("#e2f4f1", "#3fa596", "#1d3935", "#3a9486"),
    "activation": ("#fdf0dc", "#e0a23c", "#42351f", "#c98d2e"),
    "dense": ("#efe6f8", "#9468c9", "#33284a", "#8a62c0"),
    "regularization": ("#fbe6ee", "#cf6b93", "#45253a", "#bf5f87"),
    "merge": ("#e8f4dd", "#6fa544", "#2a3b20", "#65983d"),
    "reshape": ("#f4ecdf", "#a9865a", "#3b3226", "#98774f"),
    "group": ("#e6eaf2", "#56657f", "#2a303b", "#7d8aa3"),  # a folded group of layers
}
_UNKNOWN_GROUP = ("#f0f0f0", "#999999", "#333333", "#777777")


@dataclass(frozen=True)
class Theme:
    """Every colour the canvas paints with."""

    dark: bool
    background: QColor
    grid: QColor
    text: QColor
    subtext: QColor
    edge: QColor
    edge_selected: QColor
    port: QColor
    port_hot: QColor
    selection: QColor
    error: QColor
    warning: QColor
    hint: QColor

    def group_fill(self, group: str) -> QColor:
        """The body colour of a block of ``group``."""
        colours = _GROUP_COLOURS.get(group, _UNKNOWN_GROUP)
        return QColor(colours[2] if self.dark else colours[0])

    def group_accent(self, group: str) -> QColor:
        """The header band and border colour of a block of ``group``."""
        colours = _GROUP_COLOURS.get(group, _UNKNOWN_GROUP)
        return QColor(colours[3] if self.dark else colours[1])


LIGHT = Theme(
    dark=False,
    background=QColor("#fafbfc"),
    grid=QColor("#eceef1"),
    text=QColor("#1d2127"),
    subtext=QColor("#5d6672"),
    edge=QColor("#7d8794"),
    edge_selected=QColor("#1f6feb"),
    port=QColor("#ffffff"),
    port_hot=QColor("#1f6feb"),
    selection=QColor("#1f6feb"),
    error=QColor("#d1242f"),
    warning=QColor("#c77c02"),
    hint=QColor("#8a939e"),
)

DARK = Theme(
    dark=True,
    background=QColor("#1e2125"),
    grid=QColor("#272b30"),
    text=QColor("#e8eaed"),
    subtext=QColor("#a5adb8"),
    edge=QColor("#8b95a3"),
    edge_selected=QColor("#58a6ff"),
    port=QColor("#2b3036"),
    port_hot=QColor("#58a6ff"),
    selection=QColor("#58a6ff"),
    error=QColor("#ff6b6b"),
    warning=QColor("#f0b44c"),
    hint=QColor("#8b949e"),
)


def theme_for(palette: QPalette) -> Theme:
    """The light or the dark theme, whichever matches the palette's window colour."""
    return DARK if palette.color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT
