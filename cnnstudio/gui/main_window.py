"""The designer window: canvas in the middle, palette, inspector and summary docks, menus.

`MainWindow` wires the panels to one `DesignSession` and owns the document actions (New, Open,
Save, templates, recent files) and the Edit/View/Network/Help menus. Other features extend it
through its public attributes: the menus (`file_menu`, `edit_menu`, `view_menu`,
`network_menu`, `help_menu`, plus `insert_menu` for a new top-level menu before Help), the
`toolbar`, `add_dock` / `add_bottom_dock` for new panels (they get a View toggle), and
`session` / `canvas` for the document and the view.

Dialogs go through small methods (`_confirm_discard`, `_ask_save_changes`, `_ask_open_path`,
`_ask_save_path`, `_show_error`) so tests can replace them and never block.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabBar,
    QToolBar,
    QWidget,
)

from .. import __version__
from ..core.commands import SetMeta
from ..core.design import Design, Layer
from ..core.disk_state import ExternalChangeError
from ..core.errors import DesignError
from ..core.fileio import SUFFIX
from ..core.formatting import fmt_bytes, fmt_int
from ..core.i18n import QT_TRANSLATE_NOOP, format_decimal, translate
from ..core.memory import MemoryEstimate, MemoryEstimateError, available_memory, estimate_memory
from ..core.templates import TEMPLATES, get_template
from .canvas import CanvasView
from .canvas.group_actions import install_groups
from .file_guard import FileGuard
from .i18n import LANGUAGES, choose_language, translated_in
from .inspector import InspectorPanel
from .my_blocks import install_my_blocks
from .palette import PalettePanel
from .session import DesignSession
from .settings import THEMES, AppSettings
from .summary import SummaryPanel
from .theme import apply_theme, error_colour, ok_colour

APP_NAME = "cnnstudio"
CANVAS_MIN_WIDTH, CANVAS_MIN_HEIGHT = 240, 180
#: The dock layout's version in the saved state: a layout saved by an older version (a bottom
#: dock too short for the Training tab's controls) is not restored, the new defaults apply.
LAYOUT_VERSION = 1
FILE_FILTER = f"cnnstudio designs (*{SUFFIX});;JSON files (*.json);;All files (*)"


DEFAULT_DESIGN_NAME = "Untitled"  # Design's default name, replaced by the file's on Save As


def new_design() -> Design:
    """What File ▸ New starts from: a lone Input block, ready for the first layer."""
    return Design([Layer("input", "Input", params={"shape": [1, 28, 28]}, pos=(0.0, 0.0))])


def redo_shortcuts(standard: list[QKeySequence]) -> list[QKeySequence]:
    """Ctrl+Shift+Z and Ctrl+Y both redo (as in VS Code and Krita), each key only once.

    The platform's Redo bindings come first (Ctrl+Shift+Z on GNOME and KDE, Ctrl+Y on
    Windows); a key listed twice on one action makes Qt report an "Ambiguous shortcut
    overload" and do nothing at all.
    """
    keys: list[QKeySequence] = []
    for seq in [*standard, QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]:
        if not seq.isEmpty() and seq not in keys:
            keys.append(seq)
    return keys


def standard_or(key: QKeySequence.StandardKey, fallback: str) -> list[QKeySequence]:
    """The platform's bindings of ``key``, or ``fallback`` where it has none (Quit on Windows)."""
    keys = [seq for seq in QKeySequence.keyBindings(key) if not seq.isEmpty()]
    return keys or [QKeySequence(fallback)]


class MainWindow(QMainWindow):
    """The cnnstudio designer window around one `DesignSession`."""

    def __init__(
        self,
        session: DesignSession | None = None,
        settings: AppSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.session = session if session is not None else DesignSession()
        self.settings = settings if settings is not None else AppSettings()
        self._restored = False
        self.persist_layout = True
        """False: neither restore nor save the window geometry and dock layout (screenshots)."""

        self.canvas = CanvasView(self.session, self)
        # However the docks are dragged or a saved layout restored on a smaller screen, the
        # canvas keeps room for a few blocks (an 800x600 window once left it 60 px).
        self.canvas.setMinimumSize(CANVAS_MIN_WIDTH, CANVAS_MIN_HEIGHT)
        self.setCentralWidget(self.canvas)

        self.palette_panel = PalettePanel(self)
        self.inspector = InspectorPanel(self.session, self)
        self.summary = SummaryPanel(self.session, self)
        self.palette_dock = self.add_dock(
            self.palette_panel,
            QT_TRANSLATE_NOOP("Panels", "Palette"),
            Qt.DockWidgetArea.LeftDockWidgetArea,
        )
        self.inspector_dock = self.add_dock(
            self.inspector,
            QT_TRANSLATE_NOOP("Panels", "Inspector"),
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self.summary_dock = self.add_dock(
            self.summary,
            QT_TRANSLATE_NOOP("Panels", "Summary"),
            Qt.DockWidgetArea.BottomDockWidgetArea,
        )
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.GroupedDragging
        )
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

        # Error texts this window put in the status bar, cleared once their error is gone.
        self._error_messages: set[str] = set()
        self._create_actions()
        self._create_menus()
        self.group_actions = install_groups(self)
        self.my_blocks = install_my_blocks(self)
        self._create_toolbar()
        self._create_status_bar()
        # Another program (a second cnnstudio, an editor) changing the open file is noticed.
        self.file_guard = FileGuard(self)

        self.palette_panel.block_requested.connect(self._on_palette_block_requested)
        self.summary.layer_activated.connect(lambda lid: self.canvas.center_on(lid))
        self.session.history_changed.connect(self._update_edit_actions)
        self.session.document_changed.connect(self._update_title)
        self.session.analysis_changed.connect(self._update_status)
        self.session.selection_changed.connect(self._on_session_selection_changed)

        self.resize(1400, 900)
        self._update_edit_actions()
        self._update_title()
        self._update_status()
        self._on_session_selection_changed(self.session.selection)

    # -- tools built on torch (training, insight, export) ------------------------------------
    def install_tools(self) -> None:
        """Add the Training and Feature maps docks, the Train menu, File > Export and Import….

        Kept out of ``__init__`` so the designer alone stays light for tools and tests; the
        app calls it before the window is shown (so the saved dock layout covers the docks).
        torch itself is still imported only when a run, a feature map or an export needs it.
        """
        from .export_menu import install_export
        from .figure_menu import install_figures
        from .first_paint import install_first_paint
        from .import_dialog import install_import
        from .insight.install import install_insight
        from .lab import install_lab
        from .training.install import install_training
        from .training.memory_check import install_memory_check
        from .training.sanity import install_sanity

        self.training = install_training(self)
        # After torch's warm-up, the docks tabbed out of sight get their first layout and paint,
        # so that the first click on their tab does not hold the GUI (issue 19).
        self.first_paint, self.first_paint_trigger = install_first_paint(
            self, self.training.devices_changed
        )
        self.sanity = install_sanity(self, self.training)
        self.memory_check = install_memory_check(self, self.training)
        self.insight = install_insight(self, self.training)
        self.export_menu = install_export(self, self.training)
        self.figures = install_figures(self)
        self.lab = install_lab(self)
        self.import_tool = install_import(self)
        self.insight.stats_changed.connect(self.canvas.graph.set_activation_stats)
        for dock in self.findChildren(QDockWidget):
            if dock.objectName() == "FeatureMapsDock" and dock.widget() is not None:
                dock.setWidget(_scrolling(dock.widget()))
        self.summary_dock.raise_()

    # -- extension points -------------------------------------------------------------------
    def add_dock(
        self,
        widget: QWidget,
        title: str,
        area: Qt.DockWidgetArea = Qt.DockWidgetArea.BottomDockWidgetArea,
    ) -> QDockWidget:
        """Put ``widget`` in a dock (its View ▸ Panels toggle is added once the menu exists)."""
        # The caller marks ``title`` with QT_TRANSLATE_NOOP("Panels", ...); the English title
        # names the dock, so a saved layout survives a change of language.
        dock = QDockWidget(translate("Panels", title), self)
        dock.setObjectName(f"{title.lower().replace(' ', '_')}_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if hasattr(self, "panels_menu"):
            self.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def add_bottom_dock(self, widget: QWidget, title: str) -> QDockWidget:
        """A new tab beside Summary in the bottom dock area (Training, Feature maps, Log).

        The widget scrolls inside its tab, so a tall form never squeezes the canvas.
        """
        dock = self.add_dock(_scrolling(widget), title, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.summary_dock, dock)
        self.summary_dock.raise_()
        return dock

    def insert_menu(self, title: str) -> QMenu:
        """A new top-level menu placed before Help (for example Train)."""
        menu = QMenu(title, self)
        self.menuBar().insertMenu(self.help_menu.menuAction(), menu)
        return menu

    # -- building ---------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: object,
        shortcut: QKeySequence.StandardKey | str | None = None,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        # triggered(bool) would hand ``checked`` to a slot's first optional parameter (Save As
        # once received False as its path); these actions never need it.
        action.triggered.connect(lambda _checked=False, call=slot: call())
        self.addAction(action)  # shortcuts work while a menu bar is hidden too
        return action

    def _create_actions(self) -> None:
        sk = QKeySequence.StandardKey
        self.new_action = self._action(
            translate("MainWindow", "&New"),
            self.new_file,
            sk.New,
            translate("MainWindow", "Start a new design"),
        )
        self.open_action = self._action(
            translate("MainWindow", "&Open…"),
            self.open_dialog,
            sk.Open,
            translate("MainWindow", "Open a design file"),
        )
        self.save_action = self._action(
            translate("MainWindow", "&Save"),
            self.save,
            sk.Save,
            translate("MainWindow", "Save the design"),
        )
        self.save_as_action = self._action(
            translate("MainWindow", "Save &As…"),
            self.save_as,
            sk.SaveAs,
            translate("MainWindow", "Save the design under a new name"),
        )
        self.quit_action = self._action(
            translate("MainWindow", "&Quit"),
            self.close,
            None,
            translate("MainWindow", "Close the window"),
        )
        self.quit_action.setShortcuts(standard_or(sk.Quit, "Ctrl+Q"))

        self.undo_action = self._action(
            translate("MainWindow", "&Undo"), self.session.undo, sk.Undo
        )
        self.redo_action = self._action(translate("MainWindow", "&Redo"), self.session.redo)
        self.redo_action.setShortcuts(redo_shortcuts(QKeySequence.keyBindings(sk.Redo)))
        self.cut_action = self._action(
            translate("MainWindow", "Cu&t"),
            self.cut,
            sk.Cut,
            translate("MainWindow", "Copy and delete the selection"),
        )
        self.copy_action = self._action(
            translate("MainWindow", "&Copy"),
            lambda: self.canvas.copy_selected(),
            sk.Copy,
            translate("MainWindow", "Copy the selected blocks"),
        )
        self.paste_action = self._action(
            translate("MainWindow", "&Paste"),
            lambda: self.canvas.paste(),
            sk.Paste,
            translate("MainWindow", "Paste copied blocks"),
        )
        self.delete_action = self._action(
            translate("MainWindow", "&Delete"),
            lambda: self.canvas.delete_selected(),
            sk.Delete,
            translate("MainWindow", "Delete the selection"),
        )
        self.select_all_action = self._action(
            translate("MainWindow", "Select &All"),
            self.select_all,
            sk.SelectAll,
            translate("MainWindow", "Select every block"),
        )

        self.zoom_in_action = self._action(
            translate("MainWindow", "Zoom &In"), lambda: self.canvas.zoom_in(), sk.ZoomIn
        )
        self.zoom_out_action = self._action(
            translate("MainWindow", "Zoom &Out"), lambda: self.canvas.zoom_out(), sk.ZoomOut
        )
        self.fit_action = self._action(
            translate("MainWindow", "&Fit"),
            lambda: self.canvas.fit_all(),
            "Ctrl+0",
            translate("MainWindow", "Show the whole network"),
        )
        self.auto_layout_action = self._action(
            translate("MainWindow", "Auto &Layout"),
            lambda: self.canvas.auto_layout(),
            "Ctrl+L",
            translate("MainWindow", "Arrange the blocks top-down (one undo step)"),
        )
        self.validate_action = self._action(
            translate("MainWindow", "&Validate"),
            self.jump_to_first_error,
            "Ctrl+E",
            translate("MainWindow", "Select the first block with an error"),
        )
        self.about_action = self._action(
            translate("MainWindow", "&About cnnstudio"), self.show_about
        )

    def _create_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu(translate("MainWindow", "&File"))
        self.file_menu.addAction(self.new_action)
        self.templates_menu = self.file_menu.addMenu(translate("MainWindow", "New from &Template"))
        for name, info in TEMPLATES.items():
            action = self.templates_menu.addAction(info.title)
            action.setStatusTip(translate("Templates", info.description))
            action.setToolTip(translate("Templates", info.description))
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.new_from_template(n))
        self.file_menu.addAction(self.open_action)
        self.recent_menu = self.file_menu.addMenu(translate("MainWindow", "Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.save_action)
        self.file_menu.addAction(self.save_as_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)

        self.edit_menu = bar.addMenu(translate("MainWindow", "&Edit"))
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.edit_menu.addSeparator()
        for action in (self.cut_action, self.copy_action, self.paste_action, self.delete_action):
            self.edit_menu.addAction(action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.select_all_action)

        self.view_menu = bar.addMenu(translate("MainWindow", "&View"))
        self.panels_menu = self.view_menu.addMenu(translate("MainWindow", "&Panels"))
        for dock in (self.palette_dock, self.inspector_dock, self.summary_dock):
            self.panels_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()
        for action in (self.zoom_in_action, self.zoom_out_action, self.fit_action):
            self.view_menu.addAction(action)
        self.view_menu.addAction(self.auto_layout_action)
        self.view_menu.addSeparator()
        self.theme_menu = self.view_menu.addMenu(translate("MainWindow", "&Theme"))
        self.theme_group = QActionGroup(self)
        current = self.settings.theme()
        for theme in THEMES:
            action = self.theme_menu.addAction(
                {
                    "system": translate("MainWindow", "Follow the system"),
                    "light": translate("MainWindow", "Light"),
                    "dark": translate("MainWindow", "Dark"),
                }[theme]
            )
            action.setCheckable(True)
            action.setChecked(theme == current)
            action.setData(theme)
            action.triggered.connect(lambda _=False, t=theme: self.set_theme(t))
            self.theme_group.addAction(action)
        self.language_menu = self.view_menu.addMenu(translate("MainWindow", "&Language"))
        self.language_group = QActionGroup(self)
        chosen = choose_language(self.settings.language())
        for code, name in LANGUAGES.items():
            # Each language is named in its own language, so anyone can find theirs.
            action = self.language_menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(code == chosen)
            action.setData(code)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            self.language_group.addAction(action)

        self.network_menu = bar.addMenu(translate("MainWindow", "&Network"))
        self.network_menu.addAction(self.validate_action)

        self.help_menu = bar.addMenu(translate("MainWindow", "&Help"))
        self.shortcuts_action = self._action(
            translate("MainWindow", "&Keyboard Shortcuts"), self.show_shortcuts
        )
        self.docs_action = self._action(
            translate("MainWindow", "&Documentation"), self.open_documentation
        )
        self.help_menu.addAction(self.shortcuts_action)
        self.help_menu.addAction(self.docs_action)
        self.help_menu.addSeparator()
        self.help_menu.addAction(self.about_action)

    def _create_toolbar(self) -> None:
        self.toolbar = QToolBar(translate("MainWindow", "Main toolbar"), self)
        self.toolbar.setObjectName("main_toolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.undo_action, self.redo_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.auto_layout_action)
        self.toolbar.addAction(self.fit_action)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

    def _create_status_bar(self) -> None:
        bar = self.statusBar()
        self.totals_label = QLabel(bar)
        self.validity_button = QPushButton(bar)
        self.validity_button.setFlat(True)
        self.validity_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.validity_button.clicked.connect(self.jump_to_first_error)
        bar.addPermanentWidget(self.totals_label)
        bar.addPermanentWidget(self.validity_button)

    # -- live state -------------------------------------------------------------------------
    def _update_edit_actions(self) -> None:
        history = self.session.history
        self.undo_action.setEnabled(history.can_undo)
        self.redo_action.setEnabled(history.can_redo)
        self.undo_action.setText(
            translate("MainWindow", "&Undo {action}").format(action=history.undo_label)
            if history.can_undo
            else translate("MainWindow", "&Undo")
        )
        self.redo_action.setText(
            translate("MainWindow", "&Redo {action}").format(action=history.redo_label)
            if history.can_redo
            else translate("MainWindow", "&Redo")
        )
        undo, redo = translate("MainWindow", "Undo"), translate("MainWindow", "Redo")
        self.undo_action.setToolTip(f"{undo} {history.undo_label or ''}".strip())
        self.redo_action.setToolTip(f"{redo} {history.redo_label or ''}".strip())
        self.undo_action.setIconText(undo)
        self.redo_action.setIconText(redo)

    def _update_title(self) -> None:
        self.setWindowTitle(f"{self.session.title} — {APP_NAME}")

    def status_text(self) -> str:
        """The totals line of the status bar: ``61,706 params (61,706 trainable) · 0.42 M MACs``."""
        a = self.session.analysis
        macs = a.total_macs
        macs_text = (
            f"{format_decimal(macs / 1e9, 2)} G"
            if macs >= 1e9
            else f"{format_decimal(macs / 1e6, 2)} M"
        )
        unknown = len(a.unknown_blocks)
        if unknown == 1:
            known = translate("MainWindow", " known, 1 block unknown")
        elif unknown:
            known = translate("MainWindow", " known, {n} blocks unknown").format(n=unknown)
        else:
            known = ""
        return translate(
            "MainWindow", "{params} params{known} ({trainable} trainable) · {macs} MACs · {mb} MB"
        ).format(
            params=fmt_int(a.total_params),
            known=known,
            trainable=fmt_int(a.trainable_params),
            macs=macs_text,
            mb=format_decimal(a.size_mb, 2),
        )

    def training_memory(self) -> MemoryEstimate | None:
        """One training step's memory with the design's batch size and optimizer (analytic)."""
        design = self.session.design
        training = design.training if isinstance(design.training, dict) else {}
        batch = training.get("batch_size", 64)
        optimizer = training.get("optimizer", "sgd")
        momentum = training.get("momentum", 0.9)
        if not isinstance(momentum, (int, float)) or isinstance(momentum, bool):
            momentum = 0.9
        try:
            return estimate_memory(
                design,
                self.session.analysis,
                batch_size=batch,
                optimizer=str(optimizer),
                momentum=float(momentum),
            )
        except MemoryEstimateError:
            return None  # settings the training panel reports itself

    def _update_status(self) -> None:
        a = self.session.analysis
        # The memory estimate walks every layer: computed once per analysis, for text and tip.
        memory = self.training_memory()
        text = self.status_text()
        if memory is not None:
            text = translate("MainWindow", "{status} · step {size} (batch {batch})").format(
                status=text, size=fmt_bytes(memory.total), batch=memory.batch_size
            )
        self.totals_label.setText(text + " ·")
        if memory is not None:
            free = available_memory()
            verdict = ""
            if free is not None:
                verdict = "\n" + (
                    translate(
                        "MainWindow",
                        "fits in the {free} of memory free here (largest batch: {largest})",
                    )
                    if memory.fits(free)
                    else translate(
                        "MainWindow",
                        "does not fit in the {free} of memory free here (largest batch: {largest})",
                    )
                ).format(free=fmt_bytes(free), largest=fmt_int(memory.largest_batch(free)))
            self.totals_label.setToolTip(
                translate(
                    "MainWindow",
                    "One training step (batch {batch}): weights {weights}, gradients {gradients}, "
                    "optimizer {optimizer}, saved activations {activations}",
                ).format(
                    batch=memory.batch_size,
                    weights=fmt_bytes(memory.weights),
                    gradients=fmt_bytes(memory.gradients),
                    optimizer=fmt_bytes(memory.optimizer),
                    activations=fmt_bytes(memory.activations),
                )
                + verdict
            )
        errors = a.errors
        shown = self.statusBar().currentMessage()
        if shown and shown not in {e.message for e in errors} and shown in self._error_messages:
            # An error message outlives its error (undo back to a valid design): drop it.
            self.statusBar().clearMessage()
        pal = self.validity_button.palette()
        if errors:
            count = len(errors)
            self.validity_button.setText(
                translate("MainWindow", "1 error")
                if count == 1
                else translate("MainWindow", "{n} errors").format(n=count)
            )
            self.validity_button.setToolTip(
                errors[0].message
                + "\n"
                + translate("MainWindow", "Click to select the first broken block.")
            )
            self.validity_button.setEnabled(True)
            self.validity_button.setStyleSheet(f"color: {error_colour(pal).name()};")
        else:
            self.validity_button.setText(
                translate("MainWindow", "valid")
                if a.valid
                else translate("MainWindow", "no output")
            )
            self.validity_button.setToolTip(
                translate("MainWindow", "The design has no errors.")
                if a.valid
                else translate("MainWindow", "The design has no output layer.")
            )
            self.validity_button.setStyleSheet(
                f"color: {ok_colour(pal).name()};" if a.valid else ""
            )
        self.validity_button.setFixedWidth(self.validity_button.sizeHint().width())

    def _on_session_selection_changed(self, ids: list[str]) -> None:
        # Delete stays enabled: with no block selected it removes the selected connections.
        self.cut_action.setEnabled(bool(ids))
        self.copy_action.setEnabled(bool(ids))

    # -- document actions -------------------------------------------------------------------
    def new_file(self) -> bool:
        """File ▸ New: a design holding only an Input block."""
        if not self._confirm_discard():
            return False
        self.session.load(new_design(), None)
        self._after_load()
        return True

    def new_from_template(self, name: str) -> bool:
        """File ▸ New from Template: a fresh copy of a built-in network (unsaved)."""
        if not self._confirm_discard():
            return False
        self.session.load(get_template(name), None)
        self._after_load()
        return True

    def open_dialog(self) -> bool:
        """File ▸ Open…: ask for a file, then open it."""
        if not self._confirm_discard():
            return False
        path = self._ask_open_path()
        return self.open_file(path, confirm=False) if path else False

    def open_file(self, path: str | Path, *, confirm: bool = True) -> bool:
        """Open a design file; a file that is not a design leaves the current one untouched."""
        if confirm and not self._confirm_discard():
            return False
        try:
            self.session.open(path)
        except DesignError as exc:
            self._show_error(translate("MainWindow", "Cannot open the file"), str(exc))
            return False
        self.settings.add_recent_file(path)
        self._after_load()
        return True

    def save(self) -> bool:
        """File ▸ Save (asks for a name the first time)."""
        if self.session.path is None:
            return self.save_as()
        return self._save_to(self.session.path)

    def save_as(self, path: str | Path | None = None) -> bool:
        """File ▸ Save As…: save under ``path`` or a name the user picks."""
        if path is None:
            path = self._ask_save_path()
            if not path:
                return False
        target = Path(path)
        if not target.name.endswith(SUFFIX) and target.suffix == "":
            target = target.with_name(target.name + SUFFIX)
        if self.session.design.name in ("", DEFAULT_DESIGN_NAME):
            # An unnamed design takes the file's name (one undo step, saved with it).
            stem = target.name.removesuffix(SUFFIX).removesuffix(".json") or target.stem
            self.session.push(
                SetMeta({"name": stem}, label=translate("MainWindow", "Name the design"))
            )
            if not self._save_to(target):
                self.session.undo()  # a failed save leaves the design as it was
                return False
            return True
        return self._save_to(target)

    def _save_to(self, path: Path, *, overwrite: bool = False) -> bool:
        try:
            self.session.save(path, overwrite=overwrite)
        except ExternalChangeError as exc:
            return self.file_guard.resolve_on_save(exc)  # asks: reload, overwrite, save as
        except (DesignError, OSError) as exc:
            self._show_error(translate("MainWindow", "Cannot save the file"), str(exc))
            return False
        self.settings.add_recent_file(path)
        self.statusBar().showMessage(
            translate("MainWindow", "Saved {path}").format(path=path), 4000
        )
        return True

    def _after_load(self) -> None:
        # Fit once the canvas has laid out the new blocks (its scene updates on design_reset).
        QTimer.singleShot(0, self.canvas.fit_all)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = self.settings.recent_files()
        for n, path in enumerate(paths, start=1):
            action = self.recent_menu.addAction(f"&{n} {Path(path).name}" if n < 10 else path)
            action.setToolTip(path)
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_file(p))
        if paths:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(
                translate("MainWindow", "Clear the List"), self._clear_recent
            )
        else:
            self.recent_menu.addAction(translate("MainWindow", "No recent files")).setEnabled(False)

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self._fill_recent_menu()

    # -- edit / view / network / help -------------------------------------------------------
    def cut(self) -> None:
        """Edit ▸ Cut: copy the selected blocks, then delete them (one undo step)."""
        if self.session.selection:
            self.canvas.copy_selected()
            self.canvas.delete_selected()

    def select_all(self) -> None:
        self.session.select(list(self.session.design.layers))

    def jump_to_first_error(self) -> bool:
        """Select the first block with an error and centre the canvas on it."""
        for diag in self.session.analysis.errors:
            if diag.layer is not None and diag.layer in self.session.design:
                self.session.select([diag.layer])
                self.canvas.center_on(diag.layer)
                self._error_messages.add(diag.message)
                self.statusBar().showMessage(diag.message, 8000)
                return True
        errors = self.session.analysis.errors
        self._error_messages.update(e.message for e in errors)
        self.statusBar().showMessage(
            errors[0].message
            if errors
            else translate("MainWindow", "The design is valid: no errors found."),
            5000,
        )
        return False

    def _on_palette_block_requested(self, type_name: str) -> None:
        selected = self.session.selection
        after = selected[-1] if len(selected) == 1 else None
        self.canvas.add_block(type_name, after=after)

    def set_theme(self, theme: str) -> None:
        """View ▸ Theme: switch the palette now and remember it."""
        self.settings.set_theme(theme)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self._update_status()

    def set_language(self, language: str) -> None:
        """View ▸ Language: remember the choice; the interface follows on the next start.

        Every label, tooltip and explanation is set once when its widget is built, so the
        window is not half-retranslated in place: the message says when the change applies.
        """
        previous = choose_language(self.settings.language())
        self.settings.set_language(language)
        self.settings.sync()
        if language != previous:
            text = QT_TRANSLATE_NOOP(
                "MainWindow", "cnnstudio will be in {language} the next time it starts."
            )
            # Said in the language chosen as well, for whoever cannot read the current one.
            lines = [translate("MainWindow", text), translated_in(language, "MainWindow", text)]
            QMessageBox.information(
                self,
                translate("MainWindow", "Language"),
                "\n".join(dict.fromkeys(lines)).format(language=LANGUAGES[language]),
            )

    def show_shortcuts(self) -> None:
        """Help ▸ Keyboard Shortcuts: every action with a key, read from the window's actions."""
        from .shortcuts_dialog import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def open_documentation(self) -> bool:
        """Help ▸ Documentation: the project's docs folder, else its README."""
        from .shortcuts_dialog import documentation_url

        return QDesktopServices.openUrl(documentation_url())

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            translate("MainWindow", "About cnnstudio"),
            f"<h3>cnnstudio {__version__}</h3><p>"
            + translate(
                "MainWindow",
                "Design convolutional neural networks by dragging blocks, see every shape and "
                "parameter count as you edit, then train and export them to PyTorch.",
            )
            + "</p>",
        )

    # -- dialogs (methods so tests can replace them) ----------------------------------------
    def _confirm_discard(self) -> bool:
        """True when the current design may be replaced or closed (saved, discarded, clean)."""
        if not self.session.is_modified:
            return True
        answer = self._ask_save_changes()
        if answer == "save":
            return self.save()
        return answer == "discard"

    def _ask_save_changes(self) -> str:
        """Ask whether to save unsaved changes: ``"save"``, ``"discard"`` or ``"cancel"``."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(translate("MainWindow", "Unsaved changes"))
        box.setText(
            translate("MainWindow", "Save the changes to {name}?").format(
                name=self.session.title.removesuffix(" *")
            )
        )
        box.setInformativeText(
            translate("MainWindow", "Your changes will be lost if you don't save them.")
        )
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        if answer == QMessageBox.StandardButton.Save:
            return "save"
        if answer == QMessageBox.StandardButton.Discard:
            return "discard"
        return "cancel"

    def _ask_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate("MainWindow", "Open design"), self._dialog_dir(), FILE_FILTER
        )
        return path or None

    def _ask_save_path(self) -> str | None:
        suggested = self.session.path or Path(self._dialog_dir()) / (
            self.session.design.name.replace(" ", "_").lower() + SUFFIX
        )
        path, _ = QFileDialog.getSaveFileName(
            self, translate("MainWindow", "Save design"), str(suggested), FILE_FILTER
        )
        return path or None

    def _dialog_dir(self) -> str:
        if self.session.path is not None:
            return str(self.session.path.parent)
        recent = self.settings.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())

    def _show_error(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    # -- window life ------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        if not self._restored:
            self._restored = True
            geometry = state = None
            if self.persist_layout:
                geometry, state = self.settings.window_geometry(), self.settings.window_state()
            if geometry is not None:
                self.restoreGeometry(geometry)
            if state is None or not self.restoreState(state, LAYOUT_VERSION):
                self._default_dock_sizes()
        super().showEvent(event)

    def _default_dock_sizes(self) -> None:
        """First-run proportions, designed for a 1366x768 laptop first (as the UX guide asks).

        The side docks take a share of the width within bounds (the palette's names and the
        inspector's fields stay readable, the canvas keeps the rest). The bottom tabs get the
        height their tallest panel needs to show every control without a scroll bar (the
        Training tab: its buttons, progress and whole form) and at least about a third of the
        window, but never so much that the canvas drops below about 40 % of it.
        """
        width, height = self.width(), self.height()
        palette = _clamp(width * 0.12, 150, 220)
        inspector = _clamp(width * 0.2, 260, 360)
        self.resizeDocks(
            [self.palette_dock, self.inspector_dock],
            [palette, inspector],
            Qt.Orientation.Horizontal,
        )
        bottom = [
            dock
            for dock in self.findChildren(QDockWidget)
            if self.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
            and not dock.isFloating()
        ]
        needed = max((_content_height(dock) for dock in bottom), default=0)
        # The size given to resizeDocks covers the whole tab group, its tab bar included.
        tabs = self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
        needed += max((bar.sizeHint().height() for bar in tabs), default=0)
        target = min(max(needed, round(height * 0.36)), round(height * 0.45))
        self.resizeDocks([self.summary_dock], [target], Qt.Orientation.Vertical)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._confirm_discard():
            event.ignore()
            return
        if self.persist_layout:
            self.settings.save_window(self.saveGeometry(), self.saveState(LAYOUT_VERSION))
            self.settings.sync()
        insight = getattr(self, "insight", None)
        if insight is not None:
            insight.shutdown()
        lab = getattr(self, "lab", None)
        if lab is not None:
            lab.close()
        event.accept()


def _clamp(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, value)))


def _content_height(dock: QDockWidget) -> int:
    """The height ``dock`` needs to show its panel without scrolling (its title bar included)."""
    widget = dock.widget()
    if widget is None:
        return 0
    inner = widget.widget() if isinstance(widget, QScrollArea) else widget
    chrome = dock.minimumSizeHint().height() - widget.minimumSizeHint().height()
    return (inner.minimumSizeHint().height() if inner is not None else 0) + max(0, chrome)


def _scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area that lets it grow with the dock."""
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setObjectName(f"{widget.objectName() or 'dock'}_scroll")
    return area
