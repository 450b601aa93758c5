"""File > Export: the design as Python code, TorchScript, torch.export, ONNX or a training script.

The same exporters and format list as ``cnnstudio export`` (`cnnstudio.engine.export`, which
imports torch only when an export runs). An export runs on a
background thread (torch import, tracing and ONNX conversion take seconds) while a busy indicator
shows; the result or the one-line reason comes back to the GUI thread. When the last training
run belongs to the design as it is now, its weights are exported; otherwise the seeded
initialization is, and the message says which.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox, QProgressDialog

from ..core.design import Design
from ..core.errors import CnnStudioError
from ..core.i18n import QT_TRANSLATE_NOOP, translate
from ..engine.export import EXPORT_FORMATS, ExportFormat
from .background import BackgroundThread

TRAIN_SCRIPT = "train-script"


def module_name(text: str) -> str:
    """``LeNet-5`` → ``lenet_5``: a file stem Python can import (lower case, ``_`` for the rest)."""
    name = re.sub(r"\W+", "_", text.strip().lower(), flags=re.ASCII).strip("_")
    if not name:
        return "model"
    if name[0].isdigit() or keyword.iskeyword(name):
        name = f"model_{name}"
    return name


# The engine's format titles (the engine stays free of Qt and of the interface's language).
_TITLES = (
    QT_TRANSLATE_NOOP("ExportMenu", "Python code"),
    QT_TRANSLATE_NOOP("ExportMenu", "torch.export program"),
    QT_TRANSLATE_NOOP("ExportMenu", "training script"),
)


def menu_title(fmt: ExportFormat) -> str:
    """``Python code (.py)...``: the engine's title, capitalised, with the file suffix."""
    title = translate("ExportMenu", fmt.title)
    return translate("ExportMenu", "{format} ({suffix})...").format(
        format=f"{title[:1].upper()}{title[1:]}", suffix=fmt.suffix
    )


def _failure_text(exc: Exception) -> str:
    """The one-line reason of a failed export; other exceptions are bugs and go on up."""
    if isinstance(exc, CnnStudioError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.filename or ''}: {exc.strerror or exc}".strip(": ")
    raise exc


def export_job(
    design: Design, fmt: str, path: Path, weights: dict[str, Any] | None
) -> Callable[[], list[Path]]:
    """What the export thread runs: the engine's export (or the training-script writer)."""

    def job() -> list[Path]:
        from ..engine.export import export_design

        # A folder typed into the file dialog that does not exist yet is created, as the
        # dialog's own "new folder" would; only what cannot be created is an error.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CnnStudioError(
                f"{path.parent}: cannot create the folder ({exc.strerror or exc})"
            ) from None
        return export_design(design, fmt, path, weights=weights)

    return job


class ExportMenu(QObject):
    """The File > Export submenu of a `MainWindow` and the exports it starts."""

    done = Signal(list)  # paths written
    failed = Signal(str)

    def __init__(self, window: QMainWindow, training: Any | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.training = training
        self.background = BackgroundThread("cnnstudio-export", self)
        self._progress: QProgressDialog | None = None
        menu = QMenu(translate("ExportMenu", "&Export"), window.file_menu)  # type: ignore[attr-defined]
        menu.setObjectName("export_menu")
        before = window.quit_action  # type: ignore[attr-defined]
        window.file_menu.insertMenu(before, menu)  # type: ignore[attr-defined]
        window.file_menu.insertSeparator(before)  # type: ignore[attr-defined]
        self.menu = menu
        self.actions = {}
        for name, fmt in EXPORT_FORMATS.items():
            action = menu.addAction(menu_title(fmt))
            action.setToolTip(fmt.description)
            action.triggered.connect(lambda _checked=False, f=name: self.export(f))
            self.actions[name] = action
        # Tests (and scripts) replace these instead of driving modal dialogs.
        self.ask_path: Callable[[str, str], str | None] = self._ask_path
        self.show_message: Callable[[str, str, bool], None] = self._show_message

    # -- the gesture --------------------------------------------------------------------------
    def export(self, fmt: str) -> bool:
        """Ask where, then export in the background; False when refused or cancelled."""
        session = self.window.session  # type: ignore[attr-defined]
        analysis = session.analysis
        if not analysis.valid:
            errors = [d.message for d in analysis.errors] or ["the design has no output layer"]
            listed = "\n".join(errors[:8]) + ("\n..." if len(errors) > 8 else "")
            self.show_message(
                translate("ExportMenu", "Export"),
                f"Fix the design before exporting:\n{listed}",
                True,
            )
            return False
        path = self.ask_path(fmt, self._suggestion(fmt))
        if not path:
            return False
        settings = getattr(self.window, "settings", None)
        if settings is not None:
            settings.set_export_dir(Path(path).parent)
        design = session.design.clone()
        if fmt == TRAIN_SCRIPT:
            # The script trains from scratch with the design's training settings: it carries
            # no weights, so none are passed and the message does not claim any.
            weights, note = None, ": the script trains from scratch (no weights included)"
        else:
            weights, source = self._trained_weights(design)
            note = f" with {source}"
        self._note = note
        self._start(export_job(design, fmt, Path(path), weights))
        return True

    def _start(self, job: Callable[[], list[Path]]) -> None:
        progress = QProgressDialog("Exporting...", "", 0, 0, self.window)
        progress.setCancelButton(None)
        progress.setWindowTitle(translate("ExportMenu", "Export"))
        progress.setMinimumDuration(400)  # quick exports finish before it would appear
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress = progress
        self.background.submit(
            job, self._on_finished, lambda exc: self._on_failed(_failure_text(exc))
        )

    def _trained_weights(self, design: Design) -> tuple[dict[str, Any] | None, str]:
        """The last run's weights when they belong to this very design, else None (seeded)."""
        training = self.training
        model = getattr(training, "model", None)
        if model is None or training is None or training.is_running:
            return None, "initial weights (seed 0)"
        if not training.weights_fit(design):
            return None, "initial weights (seed 0): the design changed since training"
        state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        return state, "the trained weights"

    # -- results ------------------------------------------------------------------------------
    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None

    def _on_finished(self, written: list[Path]) -> None:
        self._close_progress()
        names = ", ".join(str(p) for p in written)
        self.window.statusBar().showMessage(
            translate("ExportMenu", "Exported {names}").format(names=names) + self._note, 8000
        )
        self.done.emit(list(written))

    def _on_failed(self, message: str) -> None:
        self._close_progress()
        self.show_message(translate("ExportMenu", "Export failed"), message, True)
        self.failed.emit(message)

    # -- dialogs ------------------------------------------------------------------------------
    def _suggestion(self, fmt: str) -> str:
        """Where the dialog starts: the last export folder, a name that imports and never clashes.

        The Python export writes its weights as ``<name>.pt``, so TorchScript's ``.pt`` gets
        another stem; the Python file's stem is a valid module name (``lenet_5.py``).
        """
        session = self.window.session  # type: ignore[attr-defined]
        suffix = EXPORT_FORMATS[fmt].suffix
        if session.path is not None:
            stem = session.path.name.removesuffix(".cnn.json").removesuffix(".json")
        else:
            stem = session.design.name or "model"
        stem = module_name(stem)
        if fmt == TRAIN_SCRIPT:
            name = "train.py"
        elif fmt == "torchscript":
            name = f"{stem}_torchscript{suffix}"
        else:
            name = stem + suffix
        return str(self._folder() / name)

    def _folder(self) -> Path:
        settings = getattr(self.window, "settings", None)
        remembered = settings.export_dir() if settings is not None else None
        if remembered:
            return Path(remembered)
        session = self.window.session  # type: ignore[attr-defined]
        return session.path.parent if session.path is not None else Path.home()

    def _ask_path(self, fmt: str, suggestion: str) -> str | None:
        spec = EXPORT_FORMATS[fmt]
        chosen, _ = QFileDialog.getSaveFileName(
            self.window,
            translate("ExportMenu", "Export {format}").format(format=spec.title),
            suggestion,
            f"*{spec.suffix};;" + translate("ExportMenu", "All files (*)"),
        )
        return chosen or None

    def _show_message(self, title: str, text: str, error: bool) -> None:
        if error:
            QMessageBox.warning(self.window, title, text)
        else:
            QMessageBox.information(self.window, title, text)


def install_export(window: QMainWindow, training: Any | None = None) -> ExportMenu:
    """Add File > Export to ``window``; ``training`` supplies trained weights when it has them."""
    return ExportMenu(window, training)
