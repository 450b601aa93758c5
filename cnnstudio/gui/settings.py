"""Persistent user preferences: recent files, window layout, theme, language, data and export
folders.

A thin wrapper over `QSettings` (organisation and application "cnnstudio"). The main window
takes an `AppSettings` so tests can hand it one backed by a temporary INI file instead of the
user's real preferences.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "cnnstudio"
APPLICATION = "cnnstudio"
MAX_RECENT = 10
THEMES = ("system", "light", "dark")


class AppSettings:
    """Typed access to the stored preferences (a default `QSettings` unless one is given)."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    # -- recent files -----------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Recently opened or saved design files, newest first (only those that still exist)."""
        value = self.store.value("recent_files", [])
        if isinstance(value, str):  # QSettings returns a one-item list as a plain string
            value = [value]
        paths = [str(v) for v in value if v] if isinstance(value, list | tuple) else []
        return [p for p in paths if Path(p).is_file()]

    def add_recent_file(self, path: str | Path) -> None:
        """Put ``path`` at the top of the recent files."""
        text = str(Path(path).resolve())
        paths = [text, *(p for p in self.recent_files() if p != text)]
        self.store.setValue("recent_files", paths[:MAX_RECENT])

    def clear_recent_files(self) -> None:
        self.store.setValue("recent_files", [])

    # -- window -----------------------------------------------------------------------------
    def window_geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def window_state(self) -> QByteArray | None:
        value = self.store.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    # -- theme ------------------------------------------------------------------------------
    def theme(self) -> str:
        """``system`` (follow the desktop palette), ``light`` or ``dark``."""
        value = str(self.store.value("theme", "system"))
        return value if value in THEMES else "system"

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"unknown theme {theme!r} (known: {', '.join(THEMES)})")
        self.store.setValue("theme", theme)

    # -- language ---------------------------------------------------------------------------
    def language(self) -> str:
        """``system`` (follow the locale) or a code of `cnnstudio.gui.i18n.LANGUAGES`."""
        return str(self.store.value("language", "system"))

    def set_language(self, language: str) -> None:
        self.store.setValue("language", language)

    # -- data folder ------------------------------------------------------------------------
    def data_dir(self) -> str | None:
        """The folder the user chose for downloaded datasets (None: the built-in default)."""
        value = self.store.value("data_dir", "")
        return str(value) if value else None

    def set_data_dir(self, folder: str | None) -> None:
        self.store.setValue("data_dir", folder or "")

    # -- export folder ----------------------------------------------------------------------
    def export_dir(self) -> str | None:
        """The folder of the last export (File ▸ Export dialogs open there), if it still exists."""
        value = self.store.value("export_dir", "")
        return str(value) if value and Path(str(value)).is_dir() else None

    def set_export_dir(self, folder: str | Path) -> None:
        self.store.setValue("export_dir", str(folder))

    def sync(self) -> None:
        """Write pending changes to disk now."""
        self.store.sync()
