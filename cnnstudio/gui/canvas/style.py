"""Colours and sizes of the canvas; the layer groups' colours come from the catalog (`Group`).

The theme is chosen from the widget palette (a dark window colour means a dark theme), so the
canvas follows the desktop and the main window's View > Theme setting without its own switch.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette

from ...core.catalog import GROUP_BY_KEY, Group
from ...core.i18n import QT_TRANSLATE_NOOP

BLOCK_WIDTH = 180.0
BLOCK_HEIGHT = 64.0
BLOCK_RADIUS = 8.0
PORT_RADIUS = 5.0
MARK_SIZE = 16.0

# Blocks of a group the catalog does not know (an unknown type): neutral grey.
_UNKNOWN_GROUP = Group("", "", ("#f0f0f0", "#999999"), ("#333333", "#777777"))
# A folded group of layers (not a catalog group: a canvas-only block kind).
_FOLDED_GROUP = Group(
    "group", QT_TRANSLATE_NOOP("Panels", "Group"), ("#e6eaf2", "#56657f"), ("#2a303b", "#7d8aa3")
)


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
        return QColor(self._colours(group)[0])

    def group_accent(self, group: str) -> QColor:
        """The header band and border colour of a block of ``group``."""
        return QColor(self._colours(group)[1])

    def _colours(self, group: str) -> tuple[str, str]:
        colours = _FOLDED_GROUP if group == "group" else GROUP_BY_KEY.get(group, _UNKNOWN_GROUP)
        return colours.dark if self.dark else colours.light


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
