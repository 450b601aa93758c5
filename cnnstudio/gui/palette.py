"""The block palette (left dock): every layer type by group, a search field, drag to add.

Entries come from the catalog (`SPECS` grouped by `GROUPS`), so a new layer type appears here
without touching this file. Dragging an entry carries `LAYER_MIME` with the type name; the
canvas accepts the drop. Double-clicking asks the window to append the block after the
selected one (`block_requested`).

The last group, "My blocks", lists the user's composite blocks (saved groups, see
`gui.my_blocks`): they drag out as `COMPOSITE_MIME` carrying the whole block document, so the
canvas needs no library to drop one; double-click asks for one (`composite_requested`), and
their context menu offers Rename and Delete (`composite_rename_requested`, ...). The palette
only shows them; the window's `MyBlocks` owns the library.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QMenu,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import GROUPS, SPECS
from ..core.i18n import QT_TRANSLATE_NOOP, translate
from .session import COMPOSITE_MIME, LAYER_MIME

TYPE_ROLE = Qt.ItemDataRole.UserRole
BLOCK_ROLE = Qt.ItemDataRole.UserRole + 1  # a composite block's name
BLOCK_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2  # its document, the drag payload
MY_BLOCKS = QT_TRANSLATE_NOOP("Palette", "My blocks")
MY_BLOCKS_HINT = QT_TRANSLATE_NOOP("Palette", "(none yet)")
MY_BLOCKS_TIP = QT_TRANSLATE_NOOP(
    "Palette", "Right-click a group on the canvas ▸ Save Group as Block… to keep it here"
)


def layer_mime_data(type_name: str) -> QMimeData:
    """The drag payload of one palette entry."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_name.encode("utf-8"))
    mime.setText(type_name)
    return mime


def composite_mime_data(name: str, text: str) -> QMimeData:
    """The drag payload of a "My blocks" entry: the block's document."""
    mime = QMimeData()
    mime.setData(COMPOSITE_MIME, text.encode("utf-8"))
    mime.setText(name)
    return mime


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [c for c in (item.child(i) for i in range(item.childCount())) if c is not None]


class _PaletteTree(QTreeWidget):
    """A tree whose leaves drag out as `LAYER_MIME` or `COMPOSITE_MIME` (group rows do not)."""

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME, COMPOSITE_MIME]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:
        for item in items:
            if item.data(0, TYPE_ROLE):
                return layer_mime_data(item.data(0, TYPE_ROLE))
            if item.data(0, BLOCK_ROLE):
                return composite_mime_data(item.data(0, BLOCK_ROLE), item.data(0, BLOCK_TEXT_ROLE))
        return QMimeData()


class PalettePanel(QWidget):
    """Search field over a tree of layer types grouped as in the lectures."""

    block_requested = Signal(str)  # a type name, from a double-click or Enter
    composite_requested = Signal(str)  # a "My blocks" name, from a double-click or Enter
    composite_rename_requested = Signal(str)
    composite_delete_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(translate("Palette", "Search blocks"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.set_filter)

        self.tree = _PaletteTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(12)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemActivated.connect(self._on_tree_item_activated)

        self._groups: dict[str, QTreeWidgetItem] = {}
        self._entries: dict[str, QTreeWidgetItem] = {}
        bold = self.tree.font()
        bold.setBold(True)
        for key, title in GROUPS:
            group = QTreeWidgetItem(self.tree, [translate("Catalog", title)])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFont(0, bold)
            self._groups[key] = group
        for type_name, spec in SPECS.items():
            parent_item = self._groups.get(spec.group)
            if parent_item is None:  # a type in a group the palette does not list
                continue
            item = QTreeWidgetItem(parent_item, [type_name])
            item.setData(0, TYPE_ROLE, type_name)
            item.setToolTip(0, translate("Catalog", spec.summary))
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled
            )
            self._entries[type_name] = item
        for group in self._groups.values():
            group.setHidden(group.childCount() == 0)
        self.my_blocks = QTreeWidgetItem(self.tree, [translate("Palette", MY_BLOCKS)])
        self.my_blocks.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.my_blocks.setFont(0, bold)
        self.my_blocks.setToolTip(0, translate("Palette", MY_BLOCKS_TIP))
        self._composites: dict[str, QTreeWidgetItem] = {}
        self.set_composites([])
        self.tree.expandAll()
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_tree_context_menu)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)

    def set_composites(self, blocks: Sequence[tuple[str, str, str]]) -> None:
        """Show these composite blocks, as ``(name, tooltip, document)``, under "My blocks"."""
        group = self.my_blocks
        group.takeChildren()
        self._composites = {}
        for name, tip, text in blocks:
            item = QTreeWidgetItem(group, [name])
            item.setData(0, BLOCK_ROLE, name)
            item.setData(0, BLOCK_TEXT_ROLE, text)
            item.setToolTip(0, tip)
            item.setFlags(
                Qt.ItemFlag.ItemIsEnabled
                | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled
            )
            self._composites[name] = item
        if not blocks:  # an empty group still says how blocks get there
            hint = QTreeWidgetItem(group, [translate("Palette", MY_BLOCKS_HINT)])
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            hint.setToolTip(0, translate("Palette", MY_BLOCKS_TIP))
            font = hint.font(0)
            font.setItalic(True)
            hint.setFont(0, font)
        group.setExpanded(True)
        self.set_filter(self.search.text())

    def composite(self, name: str) -> QTreeWidgetItem:
        """The tree item of a composite block."""
        return self._composites[name]

    def composite_names(self) -> list[str]:
        """The composite blocks the palette lists, in order."""
        return list(self._composites)

    def menu_for(self, item: QTreeWidgetItem | None) -> QMenu | None:
        """The context menu of an entry: Rename and Delete for a composite block."""
        name = item.data(0, BLOCK_ROLE) if item is not None else None
        if not name:
            return None
        menu = QMenu(self)
        menu.addAction(
            translate("Palette", "Add to Design"), lambda: self.composite_requested.emit(name)
        )
        menu.addAction(
            translate("Palette", "Rename…"), lambda: self.composite_rename_requested.emit(name)
        )
        menu.addAction(
            translate("Palette", "Delete…"), lambda: self.composite_delete_requested.emit(name)
        )
        return menu

    def _on_tree_context_menu(self, point: QPoint) -> None:
        menu = self.menu_for(self.tree.itemAt(point))
        if menu is not None:
            menu.exec(self.tree.viewport().mapToGlobal(point))
            menu.deleteLater()

    def entry(self, type_name: str) -> QTreeWidgetItem:
        """The tree item of a layer type."""
        return self._entries[type_name]

    def visible_types(self) -> list[str]:
        """The layer types the search currently shows, in palette order."""
        return [name for name, item in self._entries.items() if not item.isHidden()]

    def set_filter(self, text: str) -> None:
        """Show only the types whose name or group title contains ``text`` (any case).

        Summaries are not searched: nearly all of them mention "input", which would make
        the filter useless for the most common words.
        """
        needle = text.strip().lower()
        titles = {key: f"{title} {translate('Catalog', title)}" for key, title in GROUPS}
        for type_name, item in self._entries.items():
            haystack = f"{type_name} {titles.get(SPECS[type_name].group, '')}".lower()
            item.setHidden(bool(needle) and needle not in haystack)
        for child in _children(self.my_blocks):
            name = child.data(0, BLOCK_ROLE)
            child.setHidden(
                bool(needle) and (not name or needle not in f"{name} my blocks".lower())
            )
        for group in [*self._groups.values(), self.my_blocks]:
            group.setHidden(all(child.isHidden() for child in _children(group)))
        if self.search.text() != text:
            self.search.setText(text)

    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        type_name = item.data(0, TYPE_ROLE)
        if type_name:
            self.block_requested.emit(type_name)
        elif item.data(0, BLOCK_ROLE):
            self.composite_requested.emit(item.data(0, BLOCK_ROLE))
