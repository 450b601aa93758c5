"""The Convolution Lab window (View ▸ Convolution Lab) and the widgets it draws with."""

from .install import install_lab
from .window import LabWindow

__all__ = ["LabWindow", "install_lab"]
