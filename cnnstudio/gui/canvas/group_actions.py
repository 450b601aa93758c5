"""The Network menu's group actions: group (Ctrl+G), ungroup (Ctrl+Shift+G), fold and unfold;
and the summary table folding the groups the canvas folds.

Installed by the main window from here, so the window's own menu code stays as it is. Grouping
and ungrouping are one undo step each (`SetGroups` through the session); folding is a view
setting of the canvas, not an edit, so it is not on the undo history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from ...core.i18n import translate

if TYPE_CHECKING:
    from ..main_window import MainWindow

GROUP_SHORTCUT = "Ctrl+G"
UNGROUP_SHORTCUT = "Ctrl+Shift+G"


def install_groups(window: MainWindow) -> dict[str, QAction]:
    """Add the group actions to the Network menu (and the window, so the keys always work)."""
    canvas = window.canvas

    def action(text: str, slot: object, shortcut: str | None, tip: str) -> QAction:
        made = QAction(text, window)
        if shortcut is not None:
            made.setShortcut(QKeySequence(shortcut))
        made.setStatusTip(tip)
        made.setToolTip(tip)
        made.triggered.connect(slot)
        window.addAction(made)
        return made

    actions = {
        "group": action(
            translate("Canvas", "&Group Selection"),
            lambda _=False: canvas.group_selected(),
            GROUP_SHORTCUT,
            translate("Canvas", "Put the selected blocks into a new group (one undo step)"),
        ),
        "ungroup": action(
            translate("Canvas", "&Ungroup"),
            lambda _=False: canvas.ungroup(),
            UNGROUP_SHORTCUT,
            translate("Canvas", "Dissolve the selected group (one undo step)"),
        ),
        "fold": action(
            translate("Canvas", "&Fold All Groups"),
            lambda _=False: canvas.graph.fold_all(),
            None,
            translate("Canvas", "Show each top-level group as one block"),
        ),
        "unfold": action(
            translate("Canvas", "Unfold All Groups"),
            lambda _=False: canvas.graph.unfold_all(),
            None,
            translate("Canvas", "Show every layer"),
        ),
    }
    menu = window.network_menu
    menu.addSeparator()
    for made in actions.values():
        menu.addAction(made)

    def fold_table() -> None:  # the summary table folds as the canvas does
        window.summary.model.fold(canvas.graph.folded_owners(), canvas.graph.group_index)

    canvas.graph.folding_changed.connect(fold_table)
    fold_table()
    return actions
