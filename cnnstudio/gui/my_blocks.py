"""My blocks: groups saved as reusable composite blocks, listed in the palette.

`install_my_blocks` gives the window a `MyBlocks`: it owns the user's `BlockLibrary` (one file
per block in ``<AppDataLocation>/blocks``; ``CNNSTUDIO_BLOCKS_DIR`` overrides it, for tests),
adds Network ▸ Save Group as Block… (also on a group's context menu on the canvas), fills the
palette's "My blocks" group, and answers its double-click (insert after the selected block, as
for any palette entry), Rename and Delete. The model (saving a group, inserting a block with
fresh ids as one undo step) is `core.composite`; this module only asks and shows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from ..core.block_library import BlockLibrary
from ..core.composite import CompositeError, block_from_group, dumps_block
from ..core.formatting import one_line
from ..core.i18n import QT_TRANSLATE_NOOP, translate

if TYPE_CHECKING:
    from .main_window import MainWindow

SAVE_TITLE = QT_TRANSLATE_NOOP("MyBlocks", "Save Group as Block")


def default_blocks_folder() -> Path:
    """``<AppDataLocation>/blocks`` (``CNNSTUDIO_BLOCKS_DIR`` overrides it)."""
    override = os.environ.get("CNNSTUDIO_BLOCKS_DIR")
    if override:
        return Path(override)
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".local" / "share" / "cnnstudio") / "blocks"


class MyBlocks:
    """The window's composite-block library and the actions on it."""

    def __init__(self, window: MainWindow, folder: Path | None = None) -> None:
        self.window = window
        self.library = BlockLibrary(folder or default_blocks_folder())
        self.save_action = QAction(translate("MyBlocks", "Save Group as &Block…"), window)
        tip = translate(
            "MyBlocks", "Keep the selected group as a reusable block under My blocks in the palette"
        )
        self.save_action.setStatusTip(tip)
        self.save_action.setToolTip(tip)
        self.save_action.triggered.connect(lambda _=False: self.save_group())
        window.addAction(self.save_action)
        palette = window.palette_panel
        palette.composite_requested.connect(self.insert)
        palette.composite_rename_requested.connect(self.rename)
        palette.composite_delete_requested.connect(self.delete)
        window.canvas.save_group_requested.connect(self.save_group)
        self.reload()
        for problem in self.library.problems:
            self._tell(problem)

    def reload(self) -> None:
        """Read the library again and show it in the palette."""
        self.library.load()
        self._show()

    def _show(self) -> None:
        self.window.palette_panel.set_composites(
            [
                (
                    entry.name,
                    translate("MyBlocks", "{name}: {n} layers (a saved group)").format(
                        name=entry.name, n=len(entry.block.inner())
                    ),
                    dumps_block(entry.block),
                )
                for entry in self.library.entries
            ]
        )

    def _tell(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 10000)

    # -- actions ----------------------------------------------------------------------------
    def save_group(self, path: str | None = None) -> str | None:
        """Ask a name and keep group ``path`` (else the selection's group) as a block."""
        window, canvas = self.window, self.window.canvas
        path = path or canvas.group_to_save()
        if path is None:
            self._tell(
                translate(
                    "MyBlocks",
                    "Select a group to save as a block first (Ctrl+G groups the selection)",
                )
            )
            return None
        session = window.session
        suggestion = path.rpartition(".")[2]
        name, ok = QInputDialog.getText(
            window,
            translate("MyBlocks", SAVE_TITLE),
            translate("MyBlocks", "Name of the block made of group {path}:").format(path=path),
            QLineEdit.EchoMode.Normal,
            suggestion,
        )
        if not ok:
            return None
        try:
            block = block_from_group(
                session.design, path, name, session.analysis, canvas.graph.item_positions()
            )
        except CompositeError as err:
            self._refuse(
                SAVE_TITLE,
                translate("MyBlocks", "Cannot save {path} as a block: {err}").format(
                    path=path, err=err
                ),
            )
            return None
        old = self.library.find(block.name)
        if old is not None:
            answer = QMessageBox.question(
                window,
                translate("MyBlocks", SAVE_TITLE),
                translate("MyBlocks", "A block named {name!r} exists. Replace it?").format(
                    name=old.name
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return None
        try:
            self.library.save(block)
        except OSError as exc:
            self._refuse(
                SAVE_TITLE,
                translate("MyBlocks", "Cannot write {file}: {reason}").format(
                    file=exc.filename, reason=exc.strerror
                ),
            )
            return None
        self._show()
        self._tell(
            translate(
                "MyBlocks", "Saved {path} as the block {name!r} (palette ▸ My blocks)"
            ).format(path=path, name=block.name)
        )
        return block.name

    def insert(self, name: str) -> list[str]:
        """Put the block ``name`` into the design, after the selected block if one is."""
        entry = self.library.find(name)
        if entry is None:
            self._tell(
                translate("MyBlocks", "There is no block {name!r} any more").format(name=name)
            )
            self.reload()
            return []
        selected = self.window.session.selection
        after = selected[-1] if len(selected) == 1 else None
        return self.window.canvas.add_composite(entry.block, after=after)

    def rename(self, name: str) -> str | None:
        """Ask a new name for the block ``name``."""
        window = self.window
        new, ok = QInputDialog.getText(
            window,
            translate("MyBlocks", "Rename Block"),
            translate("MyBlocks", "New name of {name}:").format(name=name),
            QLineEdit.EchoMode.Normal,
            name,
        )
        if not ok or new.strip() == name:
            return None
        try:
            entry = self.library.rename(name, new)
        except (CompositeError, OSError) as err:
            self._refuse(
                "Rename Block",
                translate("MyBlocks", "Cannot rename {name}: {reason}").format(
                    name=name, reason=_reason(err)
                ),
            )
            return None
        self._show()
        return entry.name

    def _refuse(self, title: str, message: str) -> None:
        """Say in one line why the block could not be saved, renamed or deleted."""
        QMessageBox.warning(self.window, translate("MyBlocks", title), one_line(message))

    def delete(self, name: str) -> bool:
        """Delete the block ``name`` once the user confirms."""
        window = self.window
        answer = QMessageBox.question(
            window,
            translate("MyBlocks", "Delete Block"),
            translate(
                "MyBlocks",
                "Delete the block {name!r} from My blocks? Designs using it keep their copy.",
            ).format(name=name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            self.library.delete(name)
        except (CompositeError, OSError) as err:
            self._refuse(
                "Delete Block",
                translate("MyBlocks", "Cannot delete {name}: {reason}").format(
                    name=name, reason=_reason(err)
                ),
            )
            return False
        self._show()
        return True


def _reason(err: CompositeError | OSError) -> str:
    return str(err.strerror) if isinstance(err, OSError) else str(err)


def install_my_blocks(window: MainWindow) -> MyBlocks:
    """Give ``window`` its composite blocks; the save action goes into the Network menu."""
    blocks = MyBlocks(window)
    window.network_menu.addAction(blocks.save_action)
    return blocks
