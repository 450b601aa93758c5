"""The interface language: which Qt translator to load, and loading it.

English is the source language; ``pt_BR`` (Brazilian Portuguese) is translated in
``cnnstudio/translations/cnnstudio_pt_BR.ts``. The language follows the system locale unless
View ▸ Language chose one (remembered in `AppSettings`). `install_language` loads the
compiled catalog into a `QTranslator`, plus Qt's own (the standard buttons of message boxes),
points the core's `translate` hook at ``QCoreApplication.translate`` and makes numbers follow
the locale (``61.706``).

Where the ``.qm`` comes from: the one shipped beside the ``.ts`` (wheels, the desktop bundle);
in a source checkout, where it is missing or older than its ``.ts``, it is compiled with
``pyside6-lrelease`` into the user's cache folder; and where no lrelease can be found, the
``.ts`` itself is read (`TsTranslator`), so a fresh checkout is never left in English.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QStandardPaths,
    QTranslator,
)

from ..core import i18n as core_i18n

#: The languages offered in View ▸ Language, each named in its own language.
LANGUAGES: dict[str, str] = {"en": "English", "pt_BR": "Português (Brasil)"}
SOURCE_LANGUAGE = "en"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"

# What this process loaded (translators must outlive their installation).
_installed: list[QTranslator] = []
_current = SOURCE_LANGUAGE


def ts_path(language: str) -> Path:
    """The Linguist source of ``language`` (``cnnstudio_pt_BR.ts``)."""
    return TRANSLATIONS_DIR / f"cnnstudio_{language}.ts"


def system_language(locale_name: str | None = None) -> str:
    """The offered language closest to the system locale (``pt_PT`` reads Brazilian too)."""
    name = locale_name if locale_name is not None else QLocale.system().name()
    if name in LANGUAGES:
        return name
    lang = name.split("_")[0]
    return next((code for code in LANGUAGES if code.split("_")[0] == lang), SOURCE_LANGUAGE)


def choose_language(setting: str) -> str:
    """The language to load for the stored setting (``system`` or a code of `LANGUAGES`)."""
    return setting if setting in LANGUAGES else system_language()


def current_language() -> str:
    """The language `install_language` loaded last (``en`` before any)."""
    return _current


def lrelease() -> str | None:
    """The path of Qt's ``lrelease`` (PySide6 ships it), or None."""
    import PySide6

    bundled = Path(PySide6.__file__).parent / "lrelease"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    return shutil.which("pyside6-lrelease") or shutil.which("lrelease")


def compile_ts(ts: Path, qm: Path) -> bool:
    """``lrelease ts -qm qm``; False when no lrelease is found or it fails."""
    tool = lrelease()
    if tool is None:
        return False
    qm.parent.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [tool, "-silent", str(ts), "-qm", str(qm)], capture_output=True, check=False
    )
    return result.returncode == 0 and qm.is_file()


def _fresh(qm: Path, ts: Path) -> bool:
    return qm.is_file() and (not ts.is_file() or qm.stat().st_mtime >= ts.stat().st_mtime)


def cache_dir() -> Path:
    """Where a source checkout's compiled catalogs go (``CNNSTUDIO_CACHE_DIR`` overrides)."""
    override = os.environ.get("CNNSTUDIO_CACHE_DIR")
    base = override or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.GenericCacheLocation
    )
    return Path(base or Path.home() / ".cache") / "cnnstudio" / "translations"


def qm_path(language: str) -> Path | None:
    """A compiled catalog of ``language`` at least as new as its ``.ts``, or None."""
    ts = ts_path(language)
    shipped = ts.with_suffix(".qm")
    if _fresh(shipped, ts):
        return shipped
    if not ts.is_file():
        return None
    cached = cache_dir() / shipped.name
    if _fresh(cached, ts) or compile_ts(ts, cached):
        return cached
    return None


class TsTranslator(QTranslator):
    """A translator reading a ``.ts`` directly: the last resort when nothing can compile it."""

    def __init__(self, ts: Path) -> None:
        super().__init__()
        self.messages: dict[tuple[str, str], str] = {}
        for context in ET.parse(ts).getroot().iter("context"):
            name = context.findtext("name") or ""
            for message in context.iter("message"):
                source = message.findtext("source") or ""
                node = message.find("translation")
                if node is None or node.get("type") in ("unfinished", "obsolete", "vanished"):
                    continue
                if node.text:
                    self.messages[(name, source)] = node.text

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return self.messages.get((context, source), "")

    def isEmpty(self) -> bool:
        return not self.messages


def load_translator(language: str) -> QTranslator | None:
    """The catalog of ``language`` in a translator (None for English or a missing catalog)."""
    if language == SOURCE_LANGUAGE:
        return None
    qm = qm_path(language)
    if qm is not None:
        translator = QTranslator()
        if translator.load(str(qm)):
            return translator
    ts = ts_path(language)
    return TsTranslator(ts) if ts.is_file() else None


def translated_in(language: str, context: str, text: str) -> str:
    """``text`` in ``language`` whatever language is loaded (English when it has none)."""
    translator = load_translator(language)
    found = translator.translate(context, text) if translator is not None else ""
    return found or text


def _locale_number(x: float, decimals: int) -> str:
    if isinstance(x, int):
        # Grouped in Python: exact however large (Qt's toString stops at 64 bits).
        return f"{x:,}".replace(",", QLocale().groupSeparator())
    return QLocale().toString(float(x), "f", decimals)


def install_language(language: str) -> str:
    """Load ``language`` into the running application (before its windows are built).

    Returns the language in effect: the source language when the catalog cannot be loaded.
    """
    global _current
    app = QCoreApplication.instance()
    assert app is not None, "create the QApplication first"
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    translator = load_translator(language)
    if translator is None:
        language = SOURCE_LANGUAGE
    else:
        qt_own = QTranslator()
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt_own.load(f"qtbase_{language}", folder):
            _installed.append(qt_own)
        _installed.append(translator)
        for loaded in _installed:
            app.installTranslator(loaded)
    _current = language
    if language == SOURCE_LANGUAGE:
        QLocale.setDefault(QLocale.system())
        core_i18n.install(QCoreApplication.translate)
    else:
        QLocale.setDefault(QLocale(language))
        core_i18n.install(QCoreApplication.translate, _locale_number)
    return language
