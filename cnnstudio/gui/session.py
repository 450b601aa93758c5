"""The open document as the widgets see it: design, history, analysis, selection and file.

Every widget edits through `DesignSession.push` (one undoable command per gesture) and
listens to its signals; nothing in the GUI changes the design directly. The analysis is
brought up to date once per push/undo/redo, never per event, and incrementally: an edit of one
block re-analyses that block and what its change reaches, whatever the design's size.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..core.analysis import Analysis, analyze, reanalyze
from ..core.commands import Command, History
from ..core.design import Design, DesignEvent
from ..core.disk_state import DiskStamp, ExternalChangeError, same_file
from ..core.fileio import load_design, save_design
from ..core.templates import DEFAULT_TEMPLATE, get_template

LAYER_MIME = "application/x-cnnstudio-layer-type"
"""Drag-and-drop MIME type of a palette entry; the payload is the layer type name (UTF-8)."""
COMPOSITE_MIME = "application/x-cnnstudio-composite"
"""Drag-and-drop MIME type of a "My blocks" entry; the payload is the block document (UTF-8)."""


class DesignSession(QObject):
    """One open design with its undo history, its latest analysis and the selected blocks."""

    design_events = Signal(list)  # list[DesignEvent] of the last push/undo/redo/load
    analysis_changed = Signal()  # self.analysis is new
    selection_changed = Signal(list)  # list[str] of selected layer ids
    history_changed = Signal()  # undo/redo availability or labels changed
    document_changed = Signal()  # path, name or clean state changed
    design_reset = Signal()  # a whole new design (New, Open, template)

    def __init__(self, design: Design | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.design = design if design is not None else get_template(DEFAULT_TEMPLATE)
        self.history = History(self.design)
        self._path: Path | None = None
        self.disk: DiskStamp | None = None
        """The file as this session last saw it on disk (see `core.disk_state`)."""
        self.selection: list[str] = []
        self._pending: list[DesignEvent] = []
        self.design.subscribe(self._pending.append)
        self.history.subscribe(self.history_changed.emit)
        self.history.subscribe(self.document_changed.emit)
        self.analysis: Analysis = analyze(self.design)

    # -- editing ------------------------------------------------------------------------------
    def push(self, command: Command) -> None:
        """Do a command as one undoable step and refresh the analysis once."""
        self.history.push(command)
        self._flush()

    def undo(self) -> None:
        if self.history.undo():
            self._flush()

    def redo(self) -> None:
        if self.history.redo():
            self._flush()

    def _flush(self) -> None:
        events, self._pending[:] = list(self._pending), []
        # Only what the events can have changed is re-analysed; `analysis.changed` says what.
        self.analysis = reanalyze(self.design, self.analysis, events)
        # A renamed block stays selected under its new id; deleted ones leave the selection.
        renames = {
            e.detail: e.layer
            for e in events
            if e.kind == "layer_renamed" and e.detail and e.layer is not None
        }
        selection = [renames.get(lid, lid) for lid in self.selection]
        selection = [lid for lid in selection if lid in self.design]
        if selection != self.selection:
            self.selection = selection
            self.selection_changed.emit(list(selection))
        self.design_events.emit(events)
        self.analysis_changed.emit()

    # -- selection ----------------------------------------------------------------------------
    def select(self, ids: list[str]) -> None:
        """Select these blocks (the canvas, the summary table and the inspector follow)."""
        ids = [lid for lid in dict.fromkeys(ids) if lid in self.design]
        if ids != self.selection:
            self.selection = ids
            self.selection_changed.emit(list(ids))

    # -- documents ----------------------------------------------------------------------------
    @property
    def is_modified(self) -> bool:
        return not self.history.is_clean

    @property
    def title(self) -> str:
        """``name.cnn.json`` (or the design name when unsaved), with ``*`` when modified."""
        base = self.path.name if self.path else self.design.name
        return f"{base}{' *' if self.is_modified else ''}"

    @property
    def path(self) -> Path | None:
        """The design's file; setting it also records how the file looks on disk now."""
        return self._path

    @path.setter
    def path(self, value: Path | None) -> None:
        self._path = value
        self.disk = DiskStamp.read(value) if value is not None else None

    def changed_on_disk(self) -> DiskStamp | None:
        """The file's current stamp when another program changed it since we last saw it."""
        if self._path is None or self.disk is None:
            return None
        current = DiskStamp.read(self._path)
        return current if self.disk.changed_by_others(current) else None

    def load(
        self, design: Design, path: Path | None = None, *, disk: DiskStamp | None = None
    ) -> None:
        """Replace the document (New, Open, a template); the history starts afresh.

        ``disk`` is the file's stamp taken before it was read (default: read now).
        """
        self.design.replace_with(design)
        self._pending.clear()
        if disk is not None and path is not None:
            self._path, self.disk = path, disk
        else:
            self.path = path
        self.history.clear()
        self.selection = []
        self.analysis = analyze(self.design)
        self.design_reset.emit()
        self.selection_changed.emit([])
        self.analysis_changed.emit()
        self.document_changed.emit()

    def open(self, path: str | Path) -> None:
        """Open a design file; one that is not a design raises `DesignError`, design untouched."""
        # Stamped before reading: a change made while reading is then noticed, never missed.
        before = DiskStamp.read(path)
        design = load_design(path)
        self.load(design, Path(path), disk=before)

    def save(self, path: str | Path | None = None, *, overwrite: bool = False) -> Path:
        """Save to ``path`` (or the current file) atomically; `DesignError` when unwritable.

        Raises `ExternalChangeError`, writing nothing, when the current file was changed on
        disk by another program since it was opened or last saved here, unless ``overwrite``.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("no file name given for an unsaved design")
        if not overwrite and self._path is not None and same_file(target, self._path):
            current = self.changed_on_disk()
            if current is not None:
                raise ExternalChangeError(target, current)
        data = save_design(self.design, target)
        self._path = target
        self.disk = DiskStamp.written(target, data)
        self.history.mark_clean()
        self.document_changed.emit()
        return target
