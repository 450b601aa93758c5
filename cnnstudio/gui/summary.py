"""The summary table (bottom dock): one row per layer with its shape, sizes, cost and status.

`SummaryModel` turns the session's latest analysis into display rows and, after an edit, only
rebuilds the rows of the layers the analysis says changed and announces those whose text changed
(`dataChanged`); a full reset happens only when layers are added, removed, renamed or
reordered. Clicking a row selects that block, and the table follows the selection made
elsewhere.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.analysis import Analysis
from ..core.formatting import fmt_bytes, fmt_compact, fmt_int, fmt_shape
from ..core.groups import GroupIndex
from ..core.i18n import QT_TRANSLATE_NOOP, format_decimal, translate
from .session import DesignSession
from .theme import error_colour, warning_colour

# Marked here, translated in headerData (STATUS_COLUMN finds "Status" by its English name).
COLUMNS = (
    QT_TRANSLATE_NOOP("Summary", "Layer"),
    QT_TRANSLATE_NOOP("Summary", "Type"),
    QT_TRANSLATE_NOOP("Summary", "Output"),
    QT_TRANSLATE_NOOP("Summary", "Activations"),
    QT_TRANSLATE_NOOP("Summary", "Activation size"),
    QT_TRANSLATE_NOOP("Summary", "Params"),
    QT_TRANSLATE_NOOP("Summary", "MACs"),
    QT_TRANSLATE_NOOP("Summary", "Receptive field"),
    QT_TRANSLATE_NOOP("Summary", "Status"),
)
NUMERIC = frozenset({3, 4, 5, 6})
STATUS_COLUMN = COLUMNS.index("Status")

# One display row: the cell texts, then the status severity ("error", "warning" or "")
# and the full status tooltip.
Row = tuple[tuple[str, ...], str, str]
_Index = QModelIndex | QPersistentModelIndex


def _row(analysis: Analysis, lid: str) -> Row:
    info = analysis.layers[lid]
    known = info.output_shape is not None
    errors = [d for d in info.errors if d.severity == "error"]
    warnings = [d for d in info.errors if d.severity == "warning"]
    shown = errors or warnings
    if known:
        values = math.prod(info.output_shape) if info.output_shape else 0
        cells = (
            lid,
            info.type,
            fmt_shape(info.output_shape),
            fmt_int(values),
            fmt_bytes(info.activation_bytes),
            fmt_int(info.params),
            fmt_int(info.macs),
            "x".join(map(str, info.receptive_field)) if info.receptive_field else "",
        )
    else:
        cells = (lid, info.type, "?", "?", "?", "?", "?", "")
    status = shown[0].message if shown else ""
    severity = "error" if errors else "warning" if warnings else ""
    tooltip = "\n".join(d.message for d in shown)
    return ((*cells, status), severity, tooltip)


GROUP_KEY = "group:"  # the row key of a folded group: ``group:<path>``


def _group_row(analysis: Analysis, index: GroupIndex, path: str) -> Row:
    summary = index.summary(analysis, path)
    errors = [d for d in summary.errors if d.severity == "error"]
    shown = errors or list(summary.errors)
    outs = ", ".join(fmt_shape(s) for s in summary.output_shapes)
    known = not summary.unknown
    cells = (
        f"▸ {path}",
        summary.shorthand,
        outs,
        "",
        "",
        fmt_int(summary.params) if known else "?",
        fmt_int(summary.macs) if known else "?",
        "",
    )
    status = shown[0].message if shown else ""
    if len(shown) > 1:
        status += f" (and {len(shown) - 1} more inside)"
    severity = "error" if errors else "warning" if shown else ""
    tooltip = f"{len(summary.members)} layers folded\n" + "\n".join(d.message for d in shown)
    return ((*cells, status), severity, tooltip.strip())


class SummaryModel(QAbstractTableModel):
    """Rows of the summary table, kept in step with a session's analysis.

    Folded groups (`fold`, as the canvas folds them) are one row each, keyed ``group:<path>``.
    """

    def __init__(self, session: DesignSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._ids: list[str] = []
        self._rows: list[Row] = []
        self._row_of: dict[str, int] = {}
        self._owner: dict[str, str] = {}  # hidden layer -> its outermost folded group
        self._index: GroupIndex | None = None
        self.refresh()

    def fold(self, owner: dict[str, str], index: GroupIndex | None) -> None:
        """Show each hidden layer's folded group (``owner``: layer id -> path) as one row."""
        self._owner, self._index = dict(owner), index
        self._ids = []  # a full reset at the next refresh
        self.refresh()

    def _key(self, lid: str) -> str:
        owner = self._owner.get(lid)
        return lid if owner is None else GROUP_KEY + owner

    def _row_for(self, analysis: Analysis, key: str) -> Row:
        if key.startswith(GROUP_KEY) and self._index is not None:
            return _group_row(analysis, self._index, key[len(GROUP_KEY) :])
        return _row(analysis, key)

    # -- updating ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Bring the rows up to date with ``session.analysis``, announcing only what changed."""
        analysis = self.session.analysis
        last = len(COLUMNS) - 1
        changed = analysis.changed
        if changed is not None and self._ids:
            # An incremental analysis: the layers are the same, only these rows can differ.
            for key in dict.fromkeys(self._key(lid) for lid in changed):
                n = self._row_of.get(key)
                if n is None:
                    break  # not the rows this analysis was derived from: rebuild them all
                row = self._row_for(analysis, key)
                if row != self._rows[n]:
                    self._rows[n] = row
                    self.dataChanged.emit(self.index(n, 0), self.index(n, last))
            else:
                return
        ids = list(dict.fromkeys(self._key(lid) for lid in analysis.layers))
        rows = [self._row_for(analysis, key) for key in ids]
        if ids != self._ids:
            self.beginResetModel()
            self._ids, self._rows = ids, rows
            self._row_of = {lid: n for n, lid in enumerate(ids)}
            self.endResetModel()
            return
        start: int | None = None
        for n, (old, new) in enumerate(zip(self._rows, rows, strict=True)):
            if old != new:
                self._rows[n] = new
                if start is None:
                    start = n
            elif start is not None:
                self.dataChanged.emit(self.index(start, 0), self.index(n - 1, last))
                start = None
        if start is not None:
            self.dataChanged.emit(self.index(start, 0), self.index(len(rows) - 1, last))

    def layer_id(self, row: int) -> str:
        """The key of a row: a layer id, or ``group:<path>`` for a folded group."""
        return self._ids[row]

    def layer_ids(self, row: int) -> list[str]:
        """The layers a row stands for (one, or every layer of a folded group)."""
        key = self._ids[row]
        if key.startswith(GROUP_KEY) and self._index is not None:
            return list(self._index.members.get(key[len(GROUP_KEY) :], []))
        return [key]

    def row_of(self, layer_id: str) -> int:
        """The row of a layer (the row of its folded group when it is hidden), or -1."""
        return self._row_of.get(self._key(layer_id), -1)

    def cell(self, row: int, column: int) -> str:
        """The text shown in a cell."""
        return self._rows[row][0][column]

    # -- Qt model interface -----------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole:
                return translate("Summary", COLUMNS[section])
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(
                    (
                        Qt.AlignmentFlag.AlignRight
                        if section in NUMERIC
                        else Qt.AlignmentFlag.AlignLeft
                    )
                    | Qt.AlignmentFlag.AlignVCenter
                )
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        cells, severity, tooltip = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return cells[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN and severity:
            palette = QApplication.palette()
            return error_colour(palette) if severity == "error" else warning_colour(palette)
        if role == Qt.ItemDataRole.ToolTipRole and tooltip and column in (0, STATUS_COLUMN):
            return tooltip
        return None


class SummaryPanel(QWidget):
    """The table plus a totals line; `layer_activated` asks the canvas to centre on a block."""

    layer_activated = Signal(str)

    def __init__(self, session: DesignSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model = SummaryModel(session, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = (120, 80, 80, 85, 105, 85, 95, 105)
        for column, width in enumerate(widths):
            # At least the header's own width: translated headers can be longer.
            header.resizeSection(column, max(width, header.sectionSizeHint(column)))
        self.table.clicked.connect(self._on_table_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

        self.totals = QLabel(self)
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals.setWordWrap(True)  # a long line must not set the window's minimum width

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.table)
        layout.addWidget(self.totals)

        self._syncing = False
        session.analysis_changed.connect(self._on_session_analysis_changed)
        session.selection_changed.connect(self._on_session_selection_changed)
        self._fit_output_column()
        self._update_totals()

    # -- session -> table -------------------------------------------------------------------
    def _on_session_analysis_changed(self) -> None:
        rows = self.model.rowCount()
        self.model.refresh()
        self._fit_output_column()
        was_reset = rows != self.model.rowCount() or self.session.analysis.changed is None
        self._update_totals()
        if was_reset or self.table.selectionModel().selectedRows() == []:
            self._on_session_selection_changed(self.session.selection)

    def _fit_output_column(self) -> None:
        # Shapes such as 64x112x112 must show whole: the Output column grows to its content
        # (never shrinks below what the user dragged it to).
        column = COLUMNS.index("Output")
        header = self.table.horizontalHeader()
        needed = self.table.sizeHintForColumn(column)
        if needed > header.sectionSize(column):
            header.resizeSection(column, needed)

    def _update_totals(self) -> None:
        a = self.session.analysis
        self.totals.setText(
            translate(
                "Summary",
                "<b>Total</b>: {params} params ({trainable} trainable, {frozen} frozen) · "
                "{macs} MACs ({all_macs}) · model size {mb} MB · activations {activations} "
                "per sample",
            ).format(
                params=fmt_int(a.total_params),
                trainable=fmt_int(a.trainable_params),
                frozen=fmt_int(a.frozen_params),
                macs=fmt_compact(a.total_macs),
                all_macs=fmt_int(a.total_macs),
                mb=format_decimal(a.size_mb, 2),
                activations=fmt_bytes(a.activation_bytes),
            )
            + (
                f" · <b>{len(a.unknown_blocks)} of {len(a.layers)} blocks unknown</b> "
                "(not counted until their errors are fixed)"
                if a.unknown_blocks
                else ""
            )
        )

    def _on_session_selection_changed(self, ids: list[str]) -> None:
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for lid in ids:
            row = self.model.row_of(lid)
            if row >= 0:
                selection.select(self.model.index(row, 0), self.model.index(row, last))
        self._syncing = True
        try:
            self.table.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            if ids and self.model.row_of(ids[-1]) >= 0:
                self.table.scrollTo(self.model.index(self.model.row_of(ids[-1]), 0))
        finally:
            self._syncing = False

    # -- table -> session -------------------------------------------------------------------
    def _on_table_selection_changed(self, *_args: object) -> None:
        if self._syncing:
            return
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        self.session.select([lid for r in rows for lid in self.model.layer_ids(r)])

    def _on_table_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            ids = self.model.layer_ids(index.row())
            if not set(ids) <= set(self.session.selection):
                self.session.select(ids)
            self.layer_activated.emit(ids[0])

    def select_row(self, row: int) -> None:
        """Select the block of a row and centre the canvas on it, as a click does."""
        index = self.model.index(row, 0)
        self.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._on_table_clicked(index)
