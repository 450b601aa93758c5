"""The interface in Brazilian Portuguese: every visible text is marked and translated.

The window is built the way `cnnstudio gui` builds it under a ``pt_BR`` translator; the test
opens every menu and the main dialogs through their actions (dialogs answered by
`dialog_answers`), collects each text, tooltip, title, placeholder, tab and header a user can
see, and fails on any that is not a Portuguese text of the catalog (formatted messages match
their ``{placeholder}`` pattern). English strings that are the same in Portuguese (layer type
names, numbers, shapes, ids of the design) are listed explicitly.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QTableView,
    QTableWidget,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from cnnstudio import __version__
from cnnstudio.core import i18n as core_i18n
from cnnstudio.core.catalog import SPECS
from cnnstudio.core.formatting import fmt_bytes, fmt_compact, fmt_int
from cnnstudio.core.templates import TEMPLATES
from cnnstudio.gui import i18n
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.settings import AppSettings
from tests.gui.dialog_answers import DialogAnswers
from tests.gui.real_window import all_menu_actions

TS = i18n.ts_path("pt_BR")

# The same in both languages: the names of layer types (torch's own), units,
# the languages' own names, and the option values stored in design files.
SAME_IN_BOTH = {
    *(t.title for t in TEMPLATES.values()),  # the networks' own names (LeNet-5, ResNet-18)
    # Qt's own catalog (qtbase_pt_BR.qm) translates the standard buttons of message boxes.
    "Cancelar",
    "Salvar",
    "Descartar",
    "Sim",
    "Não",
    "Fechar",
    "rmsprop",
    f"cnnstudio {__version__}",
    "OK",
    "cnnstudio",
    "MACs",
    "PNG",
    "SVG",
    "PDF",
    "ONNX",
    "TorchScript",
    "Python",
    "English",
    "Português (Brasil)",
    "auto",
    "cpu",
    "sgd",
    "adam",
    "adamw",
    "none",
    "step",
    "cosine",
    "onecycle",
    "plateau",
    "zeros",
    "reflect",
    "replicate",
    "circular",
    "max",
    "avg",
    "min",
    "digits",
    "mnist",
    "fashion-mnist",
    "cifar10",
    "occlusion",
    "saliency",
    "gradcam",
    *SPECS,
    # torch's parameter names, quoted in the tooltips of the inspector's (translated) labels
    *(ps.name for spec in SPECS.values() for ps in spec.params),
}
# Values, not words: numbers, shapes (6x28x28), sizes, ids and shorthand of the design's blocks.
NEUTRAL = re.compile(r"^[\W\d_]*$|^[\d.,x×:\s%()/·+\-=≈…|ε*@<>]+[A-Za-z]{0,3}$")


def _strip(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text).replace("&", "")
    return " ".join(text.split()).strip(" .…:·")


def _is_key_sequence(text: str) -> bool:
    native = QKeySequence.SequenceFormat.NativeText
    seq = QKeySequence.fromString(text, native)
    return seq.count() == 1 and seq.toString(native) == text


def catalog() -> tuple[set[str], list[re.Pattern[str]]]:
    """The finished Portuguese texts, as plain strings and as patterns for formatted ones."""
    texts: set[str] = set()
    patterns: list[re.Pattern[str]] = []
    for message in ET.parse(TS).getroot().iter("message"):
        node = message.find("translation")
        if node is None or node.get("type") or not node.text:
            continue
        text = _strip(node.text)
        texts.add(text)
        parts = re.split(r"\{[^}]*\}", text)
        # Only templates with words of their own: "{ins} -> {value}" would match anything.
        if len(parts) > 1 and sum(c.isalpha() for c in "".join(parts)) >= 3:
            patterns.append(re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$", re.S))
    return texts, patterns


def texts_of(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything a user can read on ``widget`` and its children."""
    for w in [widget, *widget.findChildren(QWidget)]:
        name = type(w).__name__ + ":" + (w.objectName() or "")
        if w.isWindow():
            yield name + ".windowTitle", w.windowTitle()
        yield name + ".toolTip", w.toolTip()
        if isinstance(w, (QLabel, QAbstractButton)):
            yield name + ".text", w.text()
        if isinstance(w, QLineEdit):
            yield name + ".placeholder", w.placeholderText()
        if isinstance(w, (QGroupBox,)):
            yield name + ".title", w.title()
        if isinstance(w, QDockWidget):
            yield name + ".title", w.windowTitle()
        if isinstance(w, QMenu):
            yield name + ".title", w.title()
            for action in w.actions():
                yield name + ".action", action.text()
                yield name + ".statusTip", action.statusTip()
        if isinstance(w, QTabBar):
            for i in range(w.count()):
                yield name + ".tab", w.tabText(i)
                yield name + ".tabTip", w.tabToolTip(i)
        if isinstance(w, QTableWidget):
            for i in range(w.columnCount()):
                item = w.horizontalHeaderItem(i)
                if item is not None:
                    yield name + ".header", item.text()
        if isinstance(w, QTreeWidget):
            stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            while stack:
                item = stack.pop()
                yield name + ".item", item.text(0)
                yield name + ".itemTip", item.toolTip(0)
                stack.extend(item.child(i) for i in range(item.childCount()))
        if isinstance(w, QTableView) and w.model() is not None:
            model = w.model()
            for c in range(model.columnCount()):
                yield name + ".header", str(model.headerData(c, Qt.Orientation.Horizontal) or "")
                for r in range(model.rowCount()):
                    yield name + ".cell", str(model.data(model.index(r, c)) or "")
        if isinstance(w, QComboBox) and not w.isEditable():
            for i in range(w.count()):
                yield name + ".item", w.itemText(i)


def untranslated(found: list[tuple[str, str]], design_words: set[str]) -> list[str]:
    texts, patterns = catalog()
    allowed = {_strip(t) for t in SAME_IN_BOTH | design_words}

    def ok(raw: str) -> bool:
        text = _strip(raw)
        if not text or NEUTRAL.match(text) or text in texts or text in allowed:
            return True
        if any(p.match(text) for p in patterns):
            return True
        # Key sequences as the Keyboard Shortcuts table writes them (Qt names the keys).
        keys = [k.strip() for k in text.split(", ")]
        if all(_is_key_sequence(k) for k in keys):
            return True
        # "conv1 · 6x12x12 · Conv": values joined by dots, each one checked.
        parts = [p for p in re.split(r"\s+·\s+", text) if p]
        if len(parts) > 1 and all(ok(p) for p in parts):
            return True
        # "word: value" and "Name (.ext)": a translated head with a value after it.
        head, sep, tail = text.partition(": ")
        if sep and ok(head) and ok(tail):
            return True
        named = re.fullmatch(r"(.+?) \(\.[\w.]+\)\.*", text)
        if named and (ok(named[1]) or ok(named[1][:1].lower() + named[1][1:])):
            return True  # an export format's menu entry, capitalised
        # Rich text: each paragraph is marked on its own.
        chunks = [c for c in re.split(r"<[^>]+>", raw) if _strip(c)]
        return len(chunks) > 1 and all(ok(c) for c in chunks)

    bad = []
    for where, raw in found:
        # An explanation joins several messages, one a line.
        lines = raw.splitlines()
        if not ok(raw) and not (len(lines) > 1 and all(ok(line) for line in lines)):
            bad.append(f"{where}: {raw!r}")
    return sorted(set(bad))


@pytest.fixture
def portuguese(qapp: object) -> Iterator[None]:
    """The pt_BR catalog loaded as the app loads it; English again afterwards."""
    assert i18n.install_language("pt_BR") == "pt_BR"
    yield
    i18n.install_language("en")
    core_i18n.install(None)


def test_catalog_has_no_unfinished_or_empty_translation() -> None:
    root = ET.parse(TS).getroot()
    assert root.get("language") == "pt_BR"
    unfinished = [
        (m.findtext("source") or "")
        for m in root.iter("message")
        if (t := m.find("translation")) is None or t.get("type") or not (t.text or "").strip()
    ]
    assert unfinished == []
    assert len(list(root.iter("message"))) > 300


def test_the_catalog_is_found_and_numbers_follow_the_locale(portuguese: None) -> None:
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("MainWindow", "&File") == "&Arquivo"
    assert core_i18n.translate("Catalog", "Pooling") == "Agrupamento"
    assert fmt_int(61706) == "61.706"
    assert fmt_int(12345678901234567890) == "12.345.678.901.234.567.890"  # past 64 bits
    assert fmt_compact(48120) == "48,1 k" and fmt_compact(416520) == "417 k"
    assert fmt_bytes(3880000) == "3,88 MB"


def test_a_stale_catalog_is_compiled_into_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source checkout has no .qm: lrelease compiles one, else the .ts itself is read."""
    monkeypatch.setenv("CNNSTUDIO_CACHE_DIR", str(tmp_path))
    shipped = TS.with_suffix(".qm")
    qm = i18n.qm_path("pt_BR")
    assert qm is not None and qm.is_file()
    assert qm == shipped or qm.is_relative_to(tmp_path)
    monkeypatch.setattr(i18n, "qm_path", lambda language: None)
    monkeypatch.setattr(i18n, "lrelease", lambda: None)
    fallback = i18n.load_translator("pt_BR")
    assert isinstance(fallback, i18n.TsTranslator)
    assert fallback.translate("MainWindow", "&File") == "&Arquivo"


def test_every_visible_text_is_portuguese(
    portuguese: None,
    app_window: MainWindow,
    qtbot: QtBot,
    dialogs: DialogAnswers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = app_window
    found: list[tuple[str, str]] = []
    answered = QDialog.exec

    def exec_and_read(dialog: QDialog) -> int:
        found.extend(texts_of(dialog))
        return answered(dialog)

    monkeypatch.setattr(QDialog, "exec", exec_and_read)
    actions = all_menu_actions(window)  # every menu opened (aboutToShow), in Portuguese
    for top in window.menuBar().actions():
        found.append(("menubar", top.text()))
    for path, action in actions.items():
        found.append((f"action {path}", action.text()))
        found.append((f"action {path} tip", action.statusTip()))
    opened = []
    for path, action in actions.items():
        plain = path.replace("&", "")
        if plain.endswith(
            ("Atalhos de teclado", "Sobre o cnnstudio", "Exportar figura…", "Importar…")
        ) or ("Laboratório" in plain):
            action.trigger()
            opened.append(plain)
    assert len(opened) == 5, opened
    for asked in dialogs.asked:
        found.append((f"{asked.kind} title", asked.title))
        found.append((f"{asked.kind} text", asked.text))
    found.extend(texts_of(window))
    # A selected block: the inspector's form, help and explanation; the canvas tooltips.
    conv = next(lid for lid, layer in window.session.design.layers.items() if layer.type == "Conv")
    insight = window.insight
    with qtbot.waitSignal(insight.activation_shown, timeout=60_000):
        window.session.select([conv])
        insight.dock.raise_()  # the feature maps of the sample, computed on opening
    found.extend(texts_of(window.inspector))
    found.extend(texts_of(insight.dock))
    for item in window.canvas.scene().items():
        found.append((f"canvas {type(item).__name__}.toolTip", item.toolTip()))
    for top in QApplication.topLevelWidgets():  # the Lab window has no parent
        if top is not window and top.isVisible():
            found.extend(texts_of(top))
    design = window.session.design
    words = {*design.layers, window.session.title, f"{window.session.title} — cnnstudio"}
    recent = window.settings.recent_files()
    words |= {*recent, *(f"&{n} {Path(p).name}" for n, p in enumerate(recent, start=1))}
    missing = untranslated(found, words)
    assert not missing, "not marked or not translated:\n" + "\n".join(missing)


def test_view_language_switches_and_is_remembered(
    app_window: MainWindow, dialogs: DialogAnswers, tmp_path: Path
) -> None:
    window = app_window
    actions = all_menu_actions(window)
    english, portuguese = actions["View ▸ English"], actions["View ▸ Português (Brasil)"]
    assert english.isChecked() != portuguese.isChecked()
    english.trigger()
    portuguese.trigger()
    assert portuguese.isChecked()
    assert dialogs.last("information").title == "Language"
    told = dialogs.last("information").text
    # Said in both languages: the current one and the one chosen.
    assert "cnnstudio will be in Português (Brasil) the next time it starts." in told
    assert "O cnnstudio estará em Português (Brasil) na próxima vez que for iniciado." in told
    assert window.settings.language() == "pt_BR"
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert AppSettings(store).language() == "pt_BR"
    assert i18n.choose_language(AppSettings(store).language()) == "pt_BR"


def test_the_checker_flags_english_and_passes_portuguese() -> None:
    """The visible-text check is not vacuous: an unmarked English text fails it."""
    found = [
        ("label", "Some text nobody marked"),
        ("label", "&Arquivo"),
        ("status", "Salvo: /tmp/x.cnn.json"),  # a formatted message: "Salvo: {path}"
        ("shape", "6x28x28"),
        ("type", "Conv"),
    ]
    assert untranslated(found, set()) == ["label: 'Some text nobody marked'"]


@pytest.mark.parametrize(
    ("locale", "language"),
    [("pt_BR", "pt_BR"), ("pt_PT", "pt_BR"), ("en_US", "en"), ("de_DE", "en"), ("C", "en")],
)
def test_the_system_locale_picks_the_language(locale: str, language: str) -> None:
    assert i18n.system_language(locale) == language


def test_a_stored_choice_overrides_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "system_language", lambda locale_name=None: "pt_BR")
    assert i18n.choose_language("system") == "pt_BR"
    assert i18n.choose_language("en") == "en"
    assert i18n.choose_language("pt_BR") == "pt_BR"


def test_every_parameter_has_a_form_label() -> None:
    """The inspector labels a parameter through PARAMETER_LABELS: a new one must be listed."""
    from cnnstudio.gui.inspector import PARAMETER_LABELS

    names = {ps.name for spec in SPECS.values() for ps in spec.params}
    assert names <= set(PARAMETER_LABELS)


def test_every_marked_string_is_in_the_catalog(tmp_path: Path) -> None:
    """lupdate over cnnstudio/ finds nothing the .ts lacks (`make translations` was run)."""
    import shutil
    import subprocess

    lupdate = Path(i18n.lrelease() or "").with_name("lupdate")
    if not lupdate.is_file():
        lupdate = Path(shutil.which("pyside6-lupdate") or "")
    if not lupdate.is_file():
        pytest.skip("no lupdate here")
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    package = TS.parents[1]
    subprocess.run(
        [str(lupdate), "-silent", "-extensions", "py", "-no-obsolete", "-locations", "none",
         str(package), "-ts", str(copy)],
        check=True, capture_output=True,
    )  # fmt: skip
    root = ET.parse(copy).getroot()
    missing = [
        f"{c.findtext('name')}: {m.findtext('source')!r}"
        for c in root.iter("context")
        for m in c.iter("message")
        if (t := m.find("translation")) is not None and t.get("type") == "unfinished"
    ]
    assert missing == [], "marked but not translated (run make translations):\n" + "\n".join(
        missing
    )
