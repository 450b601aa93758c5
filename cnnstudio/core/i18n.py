"""The translation hook of the Qt-free core: ``translate(context, text)`` and ``install``.

The core's explanations, error messages and fix labels are user-visible, but the core may not
import Qt. Its strings are marked with ``translate("context", "source text")``, which returns
the English text until a front end installs a translator: the GUI points it at
``QCoreApplication.translate``; the command line leaves it alone and stays English.

The rule that keeps ``pyside6-lupdate`` finding every string (docs/ARCHITECTURE.md,
"Translations"): call a function *named* ``translate`` (or mark with ``QT_TRANSLATE_NOOP``)
with two string literals, the context and the text; never an f-string or a variable. Values are
put in after translating: ``translate("analysis", "kernel {k} is larger").format(k=5)``.
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str, str], str]


def _identity(context: str, text: str) -> str:
    return text


_translator: Translator = _identity
NumberFormat = Callable[[float, int], str]
_numbers: NumberFormat | None = None


def translate(context: str, text: str) -> str:
    """``text`` in the user's language (English until `install` is called)."""
    return _translator(context, text)


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:
    """Marks ``text`` for extraction only; it is translated later, where it is shown."""
    return text


def install(translator: Translator | None, numbers: NumberFormat | None = None) -> None:
    """Route `translate` through ``translator`` (None: back to English) and write numbers with
    ``numbers(value, decimals)`` (None: Python's ``61,706`` and ``0.42``)."""
    global _translator, _numbers
    _translator = translator if translator is not None else _identity
    _numbers = numbers


def format_int(n: int) -> str:
    """``n`` with the locale's group separator (``61,706``; ``61.706`` in Portuguese)."""
    return _numbers(n, 0) if _numbers is not None else f"{n:,}"


def format_decimal(x: float, decimals: int) -> str:
    """``x`` with ``decimals`` digits after the locale's decimal point (``0.42``; ``0,42``)."""
    return _numbers(x, decimals) if _numbers is not None else f"{x:.{decimals}f}"
