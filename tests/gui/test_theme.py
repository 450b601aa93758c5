"""The dark theme: check-box and radio-button frames must show against the window.

Fusion frames these indicators a shade darker than the window, invisible on a dark one (the
Augment box of the Training panel showed no box). The test grabs the real panel in the dark
theme and measures the frame's contrast against the window in the pixels, as WCAG 2.1 asks
for the parts of a control (1.4.11 non-text contrast, at least 3:1).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from cnnstudio.gui.theme import apply_theme
from cnnstudio.gui.training import TrainingController, TrainingView
from tests.gui.training_session import small_session


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in (colour.redF(), colour.greenF(), colour.blueF()))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2.1 contrast ratio, 1 to 21."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def frame_contrasts(image: QImage, rect: QRect, background: QColor) -> list[float]:
    """The best contrast against ``background`` on each side of ``rect`` (3 px bands)."""
    mid_x, mid_y = rect.center().x(), rect.center().y()
    sides = {
        "left": [QPoint(rect.left() + d, mid_y) for d in (-1, 0, 1)],
        "right": [QPoint(rect.right() + d, mid_y) for d in (-1, 0, 1)],
        "top": [QPoint(mid_x, rect.top() + d) for d in (-1, 0, 1)],
        "bottom": [QPoint(mid_x, rect.bottom() + d) for d in (-1, 0, 1)],
    }
    return [
        max(contrast(image.pixelColor(p), background) for p in points) for points in sides.values()
    ]


def indicator_rect(button: QAbstractButton, in_widget: QWidget, radio: bool) -> QRect:
    option = QStyleOptionButton()
    option.initFrom(button)
    element = (
        QStyle.SubElement.SE_RadioButtonIndicator
        if radio
        else QStyle.SubElement.SE_CheckBoxIndicator
    )
    rect = button.style().subElementRect(element, option, button)
    return rect.translated(button.mapTo(in_widget, QPoint(0, 0)))


def grab(widget: QWidget) -> QImage:
    image = widget.grab().toImage()
    # The grab is in device pixels; the widget's coordinates are logical ones.
    assert image.devicePixelRatio() == 1.0
    return image


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[QPalette]:
    apply_theme(qapp, "dark")
    yield qapp.palette()
    apply_theme(qapp, "system")  # the next tests start from the default palette


def test_the_unchecked_augment_box_shows_its_frame_in_the_dark_theme(
    qtbot: QtBot, dark: QPalette
) -> None:
    controller = TrainingController(small_session())
    view = TrainingView(controller)
    qtbot.addWidget(view)
    view.resize(1200, 420)
    view.show()
    qtbot.waitExposed(view)
    panel = view.panel
    assert not panel.augment.isChecked()
    image = grab(view)
    background = dark.color(QPalette.ColorRole.Window)
    # The window really is the dark one where the box sits (left of the box, in the panel).
    rect = indicator_rect(panel.augment, view, radio=False)
    assert image.pixelColor(2, rect.center().y()) == background
    sides = frame_contrasts(image, rect, background)
    assert min(sides) >= 3.0, sides
    # Disabled (during a run) it stays visible, fainter.
    panel.augment.setEnabled(False)
    image = grab(view)
    disabled = frame_contrasts(image, rect, background)
    assert 1.4 <= min(disabled) < min(sides), disabled
    assert controller.shutdown(timeout_s=10)


def test_radio_buttons_show_their_ring_in_the_dark_theme(qtbot: QtBot, dark: QPalette) -> None:
    window = QWidget()
    layout = QVBoxLayout(window)
    unchecked = QRadioButton("A file")
    layout.addWidget(QRadioButton("A torchvision model", checked=True))
    layout.addWidget(unchecked)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    rect = indicator_rect(unchecked, window, radio=True)
    sides = frame_contrasts(grab(window), rect, dark.color(QPalette.ColorRole.Window))
    assert min(sides) >= 3.0, sides
