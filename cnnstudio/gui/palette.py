"""The block palette (left dock): every layer type by group, a search field, drag to add.

Entries come from the catalog (`SPECS` grouped by `GROUPS`), so a new layer type appears here
without touching this file. Dragging an entry carries `LAYER_MIME` with the type name; the
canvas accepts the drop. Double-clicking asks the window to append the block after the
selected one (`block_requested`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import GROUPS, SPECS
from ..core.i18n import translate
from .session import LAYER_MIME

TYPE_ROLE = Qt.ItemDataRole.UserRole


def layer_mime_data(type_name: str) -> QMimeData:
    """The drag payload of one palette entry."""
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_name.encode("utf-8"))
    mime.setText(type_name)
    return mime


class _PaletteTree(QTreeWidget):
    """A tree whose leaves drag out as `LAYER_MIME` (group rows do not drag)."""

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME]

    def mimeData(self, items: Sequence[QTreeWidgetItem]) -> QMimeData:
        types = [item.data(0, TYPE_ROLE) for item in items if item.data(0, TYPE_ROLE)]
        return layer_mime_data(types[0]) if types else QMimeData()


class PalettePanel(QWidget):
    """Search field over a tree of layer types grouped as in the lectures."""

    block_requested = Signal(str)  # a type name, from a double-click or Enter

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
        self.tree.expandAll()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)

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
        for group in self._groups.values():
            shown = any(not group.child(i).isHidden() for i in range(group.childCount()))
            group.setHidden(not shown)
        if self.search.text() != text:
            self.search.setText(text)

    def _on_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        type_name = item.data(0, TYPE_ROLE)
        if type_name:
            self.block_requested.emit(type_name)
