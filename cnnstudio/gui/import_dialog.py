"""File > Import…: a torchvision model, a module from a .py file or a .pt2 program onto the canvas.

The dialog offers torchvision's classification models in a searchable list, or a file picker
for ``.py`` (with the name of the class or function in it) and ``.pt2`` files, the input shape
and the pretrained choice. The import itself (`cnnstudio.engine.importer`: building, tracing,
verifying) runs on a pool thread; the imported design then replaces the current document as an
ordinary, unsaved design, and the import report (native share, opaque blocks, "verified" or
the difference) is shown. The model's weights become the ones training starts from; Replace
Classifier carries them over to the new head's design (the body's, and a fresh head).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import CnnStudioError
from ..core.i18n import translate


def _parse_shape(text: str) -> tuple[int, ...] | None:
    try:
        shape = tuple(int(p) for p in text.replace("x", ",").split(",") if p.strip())
    except ValueError:
        return None
    return shape if 1 <= len(shape) <= 3 and all(v > 0 for v in shape) else None


class ImportDialog(QDialog):
    """Where the model comes from, its input shape and whether to load pretrained weights."""

    def __init__(self, parent: QWidget | None, models: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("ImportDialog", "Import a model"))
        self.setObjectName("import_dialog")
        layout = QVBoxLayout(self)

        self.torchvision_radio = QRadioButton(
            translate("ImportDialog", "A torchvision classification model"), self
        )
        self.torchvision_radio.setChecked(True)
        layout.addWidget(self.torchvision_radio)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(
            translate("ImportDialog", "Search, e.g. resnet, mobilenet, efficientnet")
        )
        self.search.setClearButtonEnabled(True)
        layout.addWidget(self.search)
        self.models = QListWidget(self)
        self.models.addItems(models)
        self.models.setMinimumHeight(180)
        layout.addWidget(self.models)

        self.file_radio = QRadioButton(
            translate("ImportDialog", "A file: FILE.py (a module class or function) or FILE.pt2")
        )
        layout.addWidget(self.file_radio)
        row = QHBoxLayout()
        self.file_edit = QLineEdit(self)
        self.file_edit.setPlaceholderText(
            translate("ImportDialog", "path/to/model.py or model.pt2")
        )
        self.browse = QPushButton(translate("ImportDialog", "Browse…"), self)
        row.addWidget(self.file_edit)
        row.addWidget(self.browse)
        layout.addLayout(row)
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText(
            translate("ImportDialog", "class or function in the .py file, e.g. Net")
        )
        form.addRow(translate("ImportDialog", "Name in the file:"), self.name_edit)
        self.shape_edit = QLineEdit("3,224,224", self)
        self.shape_edit.setToolTip(
            translate("ImportDialog", "The input shape without the batch axis: C,H,W")
        )
        form.addRow(translate("ImportDialog", "Input shape:"), self.shape_edit)
        self.pretrained = QCheckBox(
            translate("ImportDialog", "Load torchvision's pretrained weights"), self
        )
        form.addRow("", self.pretrained)
        layout.addLayout(form)
        self.problem = QLabel("", self)
        self.problem.setStyleSheet("color: #c0392b")
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        layout.addWidget(self.buttons)

        self.search.textChanged.connect(self._on_search_text_changed)
        self.browse.clicked.connect(self._on_browse_clicked)
        self.file_edit.textEdited.connect(lambda _t: self.file_radio.setChecked(True))
        self.models.itemDoubleClicked.connect(lambda _i: self._on_accept())
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        # Tests replace this instead of driving the native file dialog.
        self.ask_file: Callable[[], str | None] = self._ask_file

    def _on_search_text_changed(self, text: str) -> None:
        needle = text.strip().lower()
        first = None
        for i in range(self.models.count()):
            item = self.models.item(i)
            hidden = needle not in item.text().lower()
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        if first is not None:
            self.models.setCurrentItem(first)
        self.torchvision_radio.setChecked(True)

    def _on_browse_clicked(self) -> None:
        path = self.ask_file()
        if path:
            self.file_edit.setText(path)
            self.file_radio.setChecked(True)

    def _ask_file(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            translate("ImportDialog", "Import a model"),
            "",
            "PyTorch models (*.py *.pt2);;All files (*)",
        )
        return path or None

    def request(self) -> tuple[str, tuple[int, ...], bool] | str:
        """(source, input shape, pretrained), or the reason the form cannot be imported."""
        shape = _parse_shape(self.shape_edit.text())
        if shape is None:
            return "The input shape must be 1 to 3 positive sizes like 3,224,224"
        if self.torchvision_radio.isChecked():
            item = self.models.currentItem()
            if item is None or item.isHidden():
                return "Choose a model in the list"
            return f"torchvision:{item.text()}", shape, self.pretrained.isChecked()
        path = self.file_edit.text().strip()
        if not path:
            return "Choose a .py or .pt2 file"
        if path.endswith(".py"):
            name = self.name_edit.text().strip()
            if not name:
                return "Give the name of the class or function in the .py file"
            return f"{path}:{name}", shape, False
        return path, shape, False

    def _on_accept(self) -> None:
        answer = self.request()
        if isinstance(answer, str):
            self.problem.setText(answer)
            return
        self.accept()


class _Signals(QObject):
    finished = Signal(object)  # ImportResult
    failed = Signal(str)


class _ImportTask(QRunnable):
    def __init__(self, request: tuple[str, tuple[int, ...], bool], signals: _Signals) -> None:
        super().__init__()
        self.request, self.signals = request, signals

    def run(self) -> None:
        from ..engine.importer import import_model

        source, shape, pretrained = self.request
        try:
            result = import_model(source, input_shape=shape, pretrained=pretrained)
        except CnnStudioError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:
            self.signals.failed.emit(
                translate("ImportDialog", "the import failed unexpectedly: {error}").format(
                    error=f"{type(exc).__name__}: {exc}"
                )
            )
        else:
            result.original = None  # the GUI keeps the design and weights, not the model
            self.signals.finished.emit(result)


class ImportTool(QObject):
    """File > Import… of a `MainWindow`: the dialog, the background import, the new document."""

    done = Signal(object)  # ImportResult
    failed = Signal(str)

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._signals.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._progress: QProgressDialog | None = None
        self.dialog: ImportDialog | None = None
        self.last_result: Any = None
        self._pretrained = False
        file_menu = window.file_menu  # type: ignore[attr-defined]
        self.action = file_menu.addAction(translate("ImportDialog", "&Import…"))
        self.action.setObjectName("import_action")
        self.action.setStatusTip(
            translate(
                "ImportDialog", "Import a torchvision model, a PyTorch module or a .pt2 program"
            )
        )
        # Right after Open…, where a user looks for a way to bring a model in.
        file_menu.removeAction(self.action)
        file_menu.insertAction(window.recent_menu.menuAction(), self.action)  # type: ignore[attr-defined]
        self.action.triggered.connect(self.open_dialog)
        self.transfer_action = file_menu.addAction(
            translate("ImportDialog", "Replace &Classifier (transfer learning)…")
        )
        self.transfer_action.setObjectName("transfer_action")
        self.transfer_action.setStatusTip(
            translate(
                "ImportDialog",
                "Give the classifier the dataset's number of classes and freeze every layer "
                "before it",
            )
        )
        file_menu.removeAction(self.transfer_action)
        file_menu.insertAction(window.recent_menu.menuAction(), self.transfer_action)  # type: ignore[attr-defined]
        self.transfer_action.triggered.connect(self.replace_classifier)
        # Tests replace these instead of driving modal dialogs.
        self.show_message: Callable[[str, str, bool], None] = self._show_message
        self.ask_classes: Callable[[int], int | None] = self._ask_classes

    def open_dialog(self) -> bool:
        """Ask what to import, then import it in the background; False when cancelled."""
        from ..engine.importer import classification_models

        if not self.window._confirm_discard():  # type: ignore[attr-defined]
            return False
        self.dialog = ImportDialog(self.window, classification_models())
        accepted = self.dialog.exec() == QDialog.DialogCode.Accepted
        request = self.dialog.request()
        self.dialog.deleteLater()
        self.dialog = None
        if not accepted or isinstance(request, str):
            return False
        progress = QProgressDialog(f"Importing {request[0]}…", "", 0, 0, self.window)
        progress.setCancelButton(None)
        progress.setWindowTitle(translate("ImportDialog", "Import"))
        progress.setMinimumDuration(400)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress = progress
        self._pretrained = request[2]
        self.pool.start(_ImportTask(request, self._signals))
        return True

    def replace_classifier(self) -> bool:
        """Replace the classifier for N classes and freeze the layers before it (one undo step)."""
        from ..core.transfer import classifier_layer, transfer_command

        session = self.window.session  # type: ignore[attr-defined]
        try:
            head = classifier_layer(session.design)
            current = int(session.design[head].params.get("out_features", 10))
            classes = self.ask_classes(current)
            if classes is None:
                return False
            command = transfer_command(session.design, classes)
        except CnnStudioError as exc:
            self.show_message(translate("ImportDialog", "Replace classifier"), str(exc), True)
            return False
        session.push(command)
        self.window.statusBar().showMessage(
            translate(
                "ImportDialog", "{layer} now has {n} outputs; the layers before it are frozen"
            ).format(layer=head, n=classes),
            8000,
        )
        training = getattr(self.window, "training", None)
        if training is not None and training.initial_weights is not None:
            # Training starts from the imported body and a fresh head (built off the GUI).
            from ..engine.transfer import transfer_state

            state, label = training.initial_weights, training.initial_weights_label
            design = session.design.clone()
            training.run_off_gui(
                lambda: transfer_state(state, design)[0],
                lambda new: training.set_initial_weights(new, f"{label}, new head {head}"),
            )
        return True

    def _ask_classes(self, current: int) -> int | None:
        from PySide6.QtWidgets import QInputDialog

        value, ok = QInputDialog.getInt(
            self.window,
            translate("ImportDialog", "Replace classifier"),
            translate("ImportDialog", "Classes in your dataset:"),
            current,
            1,
            1 << 20,
        )
        return int(value) if ok else None

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _on_finished(self, result: Any) -> None:
        self._close_progress()
        self.last_result = result
        session = self.window.session  # type: ignore[attr-defined]
        session.load(result.design, None)
        training = getattr(self.window, "training", None)
        if training is not None:  # training starts from the model's own weights
            training.set_initial_weights(result.state_dict, self.weights_label(result))
        QTimer.singleShot(0, self.window.canvas.fit_all)  # type: ignore[attr-defined]
        status = (
            translate("ImportDialog", "verified")
            if result.verification.ok
            else translate("ImportDialog", "NOT verified")
        )
        self.window.statusBar().showMessage(
            translate("ImportDialog", "Imported {source}: {status}").format(
                source=result.source, status=status
            ),
            8000,
        )
        self.show_message(
            translate("ImportDialog", "Import"),
            "\n".join(result.report()),
            not result.verification.ok,
        )
        self.done.emit(result)

    def weights_label(self, result: Any) -> str:
        """How the panel names the imported weights: the source, and whether pretrained."""
        return f"{result.source} (pretrained)" if self._pretrained else result.source

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        self.show_message(translate("ImportDialog", "Import failed"), message, True)
        self.failed.emit(message)

    def _show_message(self, title: str, text: str, error: bool) -> None:
        if error:
            QMessageBox.warning(self.window, title, text)
        else:
            QMessageBox.information(self.window, title, text)


def install_import(window: QMainWindow) -> ImportTool:
    """Add File > Import… to ``window``."""
    return ImportTool(window)
