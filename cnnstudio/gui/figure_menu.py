"""File ▸ Export Figure…: the network, the selected blocks or the training charts, for slides.

One dialog asks what to draw (the network, the selection, the training curves, the results
charts), the format (SVG, PDF, PNG; charts PNG or SVG), the PNG scale and the file. The folder
and the scale are remembered between exports. The drawing itself is `cnnstudio.gui.figures`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from ..core.i18n import QT_TRANSLATE_NOOP, translate
from .figures import (
    CHART_FIGURE_SUFFIXES,
    DEFAULT_SCALE,
    DESIGN_FIGURE_SUFFIXES,
    FigureError,
    export_chart_figure,
    export_design_figure,
)

_FOLDER_KEY = "figures/folder"
_SCALE_KEY = "figures/scale"
#: What can be drawn: key -> (menu text, allowed suffixes).
SUBJECTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "network": (QT_TRANSLATE_NOOP("FigureMenu", "The whole network"), DESIGN_FIGURE_SUFFIXES),
    "selection": (QT_TRANSLATE_NOOP("FigureMenu", "The selected blocks"), DESIGN_FIGURE_SUFFIXES),
    "curves": (QT_TRANSLATE_NOOP("FigureMenu", "Training curves"), CHART_FIGURE_SUFFIXES),
    "results": (
        QT_TRANSLATE_NOOP("FigureMenu", "Confusion matrix and per-class accuracy"),
        CHART_FIGURE_SUFFIXES,
    ),
}
_FORMAT_NAMES = {
    ".svg": QT_TRANSLATE_NOOP("FigureMenu", "SVG (vector, for slides)"),
    ".pdf": QT_TRANSLATE_NOOP("FigureMenu", "PDF (vector)"),
    ".png": QT_TRANSLATE_NOOP("FigureMenu", "PNG (picture)"),
}


def _slug(name: str) -> str:
    text = "".join(ch if ch.isalnum() else "_" for ch in name.strip().lower()).strip("_")
    return text or "network"


class FigureDialog(QDialog):
    """What to draw, in which format, at which scale, into which file."""

    def __init__(
        self, subjects: list[str], folder: str, base: str, scale: float, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("figure_dialog")
        self.setWindowTitle(translate("FigureMenu", "Export Figure"))
        self.folder = folder
        self.base = base
        self.subject = QComboBox()
        self.subject.setObjectName("figure_subject")
        for key in subjects:
            self.subject.addItem(translate("FigureMenu", SUBJECTS[key][0]), key)
        self.format = QComboBox()
        self.format.setObjectName("figure_format")
        self.scale = QDoubleSpinBox()
        self.scale.setObjectName("figure_scale")
        self.scale.setRange(0.25, 8)
        self.scale.setSingleStep(0.5)
        self.scale.setValue(scale)
        self.scale.setSuffix(" ×")
        self.scale.setToolTip(
            translate("FigureMenu", "Pixels per point of the picture: 2 is sharp on a projector")
        )
        self.path = QLineEdit()
        self.path.setObjectName("figure_path")
        browse = QPushButton(translate("FigureMenu", "Browse…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.hint = QLabel(
            translate(
                "FigureMenu", "Drawn in the light theme, with the blocks as the canvas shows them."
            )
        )
        self.hint.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(translate("FigureMenu", "Draw"), self.subject)
        form.addRow(translate("FigureMenu", "Format"), self.format)
        form.addRow(translate("FigureMenu", "PNG scale"), self.scale)
        form.addRow(translate("FigureMenu", "File"), row)
        form.addRow(self.hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.buttons = buttons
        self.subject.currentIndexChanged.connect(self._on_subject_changed)
        self.format.currentIndexChanged.connect(self._on_format_changed)
        self._on_subject_changed()

    def chosen_subject(self) -> str:
        return str(self.subject.currentData())

    def chosen_suffix(self) -> str:
        return str(self.format.currentData())

    def _on_subject_changed(self, *_: object) -> None:
        previous = self.format.currentData()
        self.format.blockSignals(True)
        self.format.clear()
        for suffix in SUBJECTS[self.chosen_subject()][1]:
            self.format.addItem(translate("FigureMenu", _FORMAT_NAMES[suffix]), suffix)
        index = self.format.findData(previous)
        self.format.setCurrentIndex(max(0, index))
        self.format.blockSignals(False)
        self._on_format_changed()

    def _on_format_changed(self, *_: object) -> None:
        suffix = self.chosen_suffix()
        self.scale.setEnabled(suffix == ".png")
        subject = self.chosen_subject()
        stem = self.base if subject in ("network", "selection") else f"{self.base}_{subject}"
        if subject == "selection":
            stem += "_selection"
        current = self.path.text().strip()
        folder = str(Path(current).parent) if current else self.folder
        self.path.setText(str(Path(folder) / f"{stem}{suffix}"))

    def _browse(self) -> None:
        suffix = self.chosen_suffix()
        path, _ = QFileDialog.getSaveFileName(
            self,
            translate("FigureMenu", "Export Figure"),
            self.path.text(),
            f"{translate('FigureMenu', _FORMAT_NAMES[suffix])} (*{suffix})",
        )
        if path:
            if not path.lower().endswith(suffix):
                path += suffix
            self.path.setText(path)


class FigureMenu:
    """The File ▸ Export Figure… action of a designer window."""

    def __init__(self, designer: Any) -> None:
        self.designer = designer
        self.action = QAction(translate("FigureMenu", "Export &Figure…"), designer)
        self.action.setObjectName("export_figure_action")
        tip = translate(
            "FigureMenu", "Save the network or the training charts as SVG, PDF or PNG for slides"
        )
        self.action.setStatusTip(tip)
        self.action.setToolTip(tip)
        self.action.triggered.connect(lambda _=False: self.export())
        self.last_path: Path | None = None

    def _store(self) -> Any:
        return self.designer.settings.store

    def _subjects(self) -> list[str]:
        subjects = ["network"]
        if self.designer.session.selection:
            subjects.append("selection")
        view = self._training_view()
        if view is not None:
            subjects.append("curves")
            if self.designer.training.last_finished is not None:
                subjects.append("results")
        return subjects

    def _training_view(self) -> Any:
        training = getattr(self.designer, "training", None)
        return getattr(training, "view", None) if training is not None else None

    def export(self) -> Path | None:
        """Ask what and where, then write the figure; errors are shown, never raised."""
        store = self._store()
        folder = str(store.value(_FOLDER_KEY, "") or Path.home())
        try:
            scale = float(store.value(_SCALE_KEY, DEFAULT_SCALE))
        except (TypeError, ValueError):
            scale = DEFAULT_SCALE
        base = _slug(self.designer.session.design.name or "network")
        dialog = FigureDialog(self._subjects(), folder, base, scale, self.designer)
        if self.designer.session.selection:
            dialog.subject.setCurrentIndex(dialog.subject.findData("selection"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        path = Path(dialog.path.text().strip()).expanduser()
        try:
            written = self._write(
                dialog.chosen_subject(), dialog.chosen_suffix(), path, dialog.scale.value()
            )
        except FigureError as exc:
            QMessageBox.warning(self.designer, translate("FigureMenu", "Export Figure"), str(exc))
            return None
        store.setValue(_FOLDER_KEY, str(written.parent))
        store.setValue(_SCALE_KEY, dialog.scale.value())
        self.last_path = written
        self.designer.statusBar().showMessage(
            translate("FigureMenu", "Figure saved to {path}").format(path=written), 5000
        )
        return written

    def _write(self, subject: str, suffix: str, path: Path, scale: float) -> Path:
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        if not path.parent.is_dir():
            try:
                path.parent.mkdir(parents=True)
            except OSError as exc:
                raise FigureError(
                    f"{path.parent}: cannot create the folder ({exc.strerror})"
                ) from None
        design = self.designer.session.design
        if subject == "network":
            return export_design_figure(design, path, scale=scale)
        if subject == "selection":
            return export_design_figure(
                design, path, scale=scale, selection=self.designer.session.selection
            )
        view = self._training_view()
        if view is None:
            raise FigureError("the training charts are not available in this window")
        charts = view.plots.view if subject == "curves" else view.results.charts
        return export_chart_figure(charts, path, scale=scale)


def install_figures(designer: Any) -> FigureMenu:
    """Add File ▸ Export Figure… just after File ▸ Export."""
    menu = FigureMenu(designer)
    actions = designer.file_menu.actions()
    before = designer.quit_action
    export_menu = getattr(getattr(designer, "export_menu", None), "menu", None)
    if export_menu is not None:
        index = next((i for i, a in enumerate(actions) if a.menu() is export_menu), None)
        if index is not None and index + 1 < len(actions):
            before = actions[index + 1]
    designer.file_menu.insertAction(before, menu.action)
    designer.addAction(menu.action)
    return menu
