"""The PySide6 desktop application: main window, canvas, panels and plots."""
