"""The training settings form with Start / Continue / Pause / Stop, progress and status line.

`TrainingPanel` shows the design's ``training`` section as widgets whose ranges refuse bad
values in place, turns them into a :class:`TrainSettings` when a run starts (the controller then
stores them in the design with one undoable step) and reloads them when the design changes
(open, undo). It imports nothing from torch: the trainer module is imported only on Start, by
which time the controller's warm-up has usually imported it off the GUI thread.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...core.design import DesignEvent
from ...core.formatting import fmt_int
from ...core.i18n import QT_TRANSLATE_NOOP, format_decimal, translate
from ..settings import AppSettings
from ..theme import error_colour, ok_colour
from .controller import TrainingController

if TYPE_CHECKING:
    from ...engine.trainer import BatchEnded, EpochEnded, RunFinished, RunStarted, TrainSettings

__all__ = [
    "BEST_CRITERIA",
    "DATASETS",
    "DEFAULTS",
    "OPTIMIZERS",
    "SCHEDULES",
    "TrainingPanel",
    "fmt_duration",
]

# The engine's choices and defaults, repeated here so that the panel does not import torch;
# a test checks that they match cnnstudio.engine.trainer / datasets.
DATASETS = ("digits", "mnist", "fashion-mnist", "cifar10")
OPTIMIZERS = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULES = ("none", "step", "cosine", "onecycle", "plateau")
# What picks the kept weights (TrainSettings.best), as the form shows it.
# The option codes (item data) stay as in files; the texts are shown translated.
BEST_CRITERIA: dict[str, str] = {
    "val_loss": QT_TRANSLATE_NOOP("Training", "lowest val loss"),
    "val_acc": QT_TRANSLATE_NOOP("Training", "highest val acc"),
}
DEFAULTS: dict[str, Any] = {
    "dataset": "digits",
    "data_dir": None,
    "batch_size": 64,
    "epochs": 10,
    "optimizer": "adam",
    "lr": 0.01,
    "momentum": 0.9,
    "nesterov": False,
    "weight_decay": 0.0,
    "schedule": "none",
    "early_stopping_patience": 0,
    "best": "val_loss",
    "augment": False,
    "device": "auto",
    "seed": 0,
}
_FOLDER_ITEM = QT_TRANSLATE_NOOP("Training", "Image folder...")


def _percent(fraction: float) -> str:
    """``0.123`` -> ``12.3%`` (``12,3%`` in Portuguese)."""
    return format_decimal(fraction * 100, 1) + "%"


def fmt_duration(seconds: float) -> str:
    """``0:07``, ``12:30``, ``1:02:03`` (``?`` when unknown)."""
    if not math.isfinite(seconds) or seconds < 0:
        return "?"
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


class _FloatBox(QDoubleSpinBox):
    """A double spin box that shows ``0.002`` and ``1e-05`` rather than ``0.002000``."""

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip()
        if not stripped:
            return (QValidator.State.Intermediate, text, pos)
        try:
            value = float(stripped.replace(",", "."))
        except ValueError:
            # "1e" or "0." on the way to a number
            ok = all(ch in "0123456789.,eE+-" for ch in stripped)
            return (QValidator.State.Intermediate if ok else QValidator.State.Invalid, text, pos)
        state = (
            QValidator.State.Acceptable
            if self.minimum() <= value <= self.maximum()
            else QValidator.State.Intermediate
        )
        return (state, text, pos)


def _float_box(lo: float, hi: float, decimals: int, tip: str) -> QDoubleSpinBox:
    box = _FloatBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box


def _int_box(lo: int, hi: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    box.setGroupSeparatorShown(True)
    return box


class _ElidedLabel(QLabel):
    """One line that ends in "…" where it does not fit (its tooltip holds the whole text)."""

    def paintEvent(self, event: Any) -> None:
        from PySide6.QtGui import QPainter

        painter = QPainter(self)
        text = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.width())
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignVCenter), text)


class TrainingPanel(QWidget):
    """Training settings, run buttons, progress bar and the last error of a `TrainingController`."""

    settings_edited = Signal()  # a widget value changed by the user

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.session = controller.session
        self._loading = False
        self._last_dataset = DEFAULTS["dataset"]
        self._run_start_epoch = 0
        self._run_batches = 1
        self._run_epochs = 1

        self.dataset = QComboBox()
        self.dataset.addItems([*DATASETS, translate("Training", _FOLDER_ITEM)])
        self.dataset.setToolTip(
            translate(
                "Training",
                "Built-in datasets download on first use; an image folder has one sub-folder of "
                "images per class",
            )
        )
        self.dataset.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.dataset.setMinimumContentsLength(12)
        self.data_dir = QLineEdit()
        self.data_dir.setPlaceholderText(translate("Training", "default"))
        self.data_dir.setToolTip(
            translate("Training", "Where downloaded datasets are kept (empty: the default folder)")
        )
        self.data_dir_button = QToolButton()
        self.data_dir_button.setText("...")
        self.data_dir_button.setToolTip(translate("Training", "Choose the data folder"))
        self.batch_size = _int_box(1, 65536, translate("Training", "Images per training step"))
        self.epochs = _int_box(
            1, 100_000, translate("Training", "Passes over the training set (in total)")
        )
        self.optimizer = QComboBox()
        self.optimizer.addItems(list(OPTIMIZERS))
        self.lr = _float_box(1e-6, 10.0, 6, translate("Training", "Learning rate"))
        self.momentum = _float_box(0.0, 0.999, 3, translate("Training", "SGD momentum"))
        self.nesterov = QCheckBox(translate("Training", "Nesterov"))
        self.nesterov.setToolTip(translate("Training", "Nesterov momentum (SGD with momentum > 0)"))
        self.weight_decay = _float_box(
            0.0, 1.0, 6, translate("Training", "L2 penalty on the weights")
        )
        self.schedule = QComboBox()
        self.schedule.addItems(list(SCHEDULES))
        self.schedule.setToolTip(
            translate(
                "Training",
                "Learning-rate schedule: step decay, cosine decay, one-cycle, or reduce on plateau",
            )
        )
        self.patience = _int_box(
            0,
            10_000,
            translate(
                "Training",
                "Stop after this many epochs without a better one by Keep best by (0: never)",
            ),
        )
        self.patience.setSpecialValueText(translate("Training", "off"))
        self.best_by = QComboBox()
        for key, text in BEST_CRITERIA.items():
            self.best_by.addItem(translate("Training", text), key)
        self.best_by.setToolTip(
            translate(
                "Training",
                "Which epoch's weights the run keeps (and early stopping counts from): the lowest "
                "validation loss or the highest validation accuracy",
            )
        )
        self.augment = QCheckBox(translate("Training", "Augment"))
        self.augment.setToolTip(
            translate("Training", "Random shifts, small rotations (and flips where they fit)")
        )
        self.device = QComboBox()
        self.device.addItem("auto")
        self.device.setToolTip(translate("Training", "auto: a GPU when there is one, else the CPU"))
        self.seed = _int_box(
            0, 2**31 - 1, translate("Training", "Seed for the weights, the split and the shuffling")
        )

        self.start_button = QPushButton(translate("Training", "Start"))
        self.start_button.setToolTip(
            translate("Training", "Start training from fresh weights (F5)")
        )
        self.continue_button = QPushButton(translate("Training", "Continue"))
        self.continue_button.setToolTip(
            translate(
                "Training",
                "Train the last model further: up to the total epochs, or that many more when "
                "reached",
            )
        )
        self.pause_button = QPushButton(translate("Training", "Pause"))
        self.stop_button = QPushButton(translate("Training", "Stop"))
        self.stop_button.setToolTip(
            translate("Training", "Stop after the current batch; the weights are kept")
        )
        # Beside the buttons, so that it costs the short dock no height.
        self.weights = _ElidedLabel("")
        self.weights.setObjectName("initial_weights_label")
        self.weights.setVisible(False)
        # A long source name is cut at the dock's edge (its tooltip has it all), never widens it.
        self.weights.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setFormat(translate("Training", "Not started"))
        self.status = QLabel(translate("Training", "Choose the data and press Start (F5)."))
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Two lines are reserved, so that the panel keeps its height as messages change: a
        # height change can toggle the dock's scroll bar and resize the live plots mid-run.
        self.status.setMinimumHeight(2 * self.status.fontMetrics().lineSpacing() + 2)
        self.status.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self._build_layout()
        self._connect()
        self.load_from_design()
        self._on_controller_state_changed(controller.state)
        self._on_controller_initial_weights_changed(controller.initial_weights_label)
        if controller.devices:
            self._on_controller_devices_changed(controller.devices)

    # ----------------------------------------------------------------- building

    def _build_layout(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        # 2 px: the seven rows fit the Training dock of a 1366x768 screen without a scroll bar.
        grid.setVerticalSpacing(2)
        folder = QHBoxLayout()
        folder.setSpacing(2)
        folder.addWidget(self.data_dir, 1)
        folder.addWidget(self.data_dir_button)
        momentum = QHBoxLayout()
        momentum.addWidget(self.momentum, 1)
        momentum.addWidget(self.nesterov)
        self._momentum_label = QLabel(translate("Training", "Momentum"))
        # Augment shares the device's cell, as Nesterov shares momentum's: one row less, and
        # no wider than the dataset list already makes that column.
        device = QHBoxLayout()
        device.addWidget(self.device, 1)
        device.addWidget(self.augment)
        rows: list[tuple[str | QLabel, Any, str | QLabel | None, Any]] = [
            (
                translate("Training", "Dataset"),
                self.dataset,
                translate("Training", "Data folder"),
                folder,
            ),
            (
                translate("Training", "Batch size"),
                self.batch_size,
                translate("Training", "Epochs"),
                self.epochs,
            ),
            (
                translate("Training", "Optimizer"),
                self.optimizer,
                translate("Training", "Learning rate"),
                self.lr,
            ),
            (
                translate("Training", "Weight decay"),
                self.weight_decay,
                self._momentum_label,
                momentum,
            ),
            (
                translate("Training", "Schedule"),
                self.schedule,
                translate("Training", "Early stop"),
                self.patience,
            ),
            (translate("Training", "Device"), device, translate("Training", "Seed"), self.seed),
            (translate("Training", "Keep best by"), self.best_by, None, None),
        ]
        for r, (l1, w1, l2, w2) in enumerate(rows):
            for c, (label, item) in enumerate(((l1, w1), (l2, w2))):
                if label is None:
                    continue
                grid.addWidget(label if isinstance(label, QLabel) else QLabel(label), r, 2 * c)
                if isinstance(item, QWidget):
                    grid.addWidget(item, r, 2 * c + 1)
                else:
                    grid.addLayout(item, r, 2 * c + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        buttons = QHBoxLayout()
        for button in (self.start_button, self.continue_button, self.pause_button):
            buttons.addWidget(button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.weights, 1)

        # The run controls come first, above the form: on a short screen they are what must
        # stay in view (a 1366x768 laptop gives the Training dock about 280 px).
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addStretch(1)

    def _connect(self) -> None:
        c = self.controller
        c.state_changed.connect(self._on_controller_state_changed)
        c.run_started.connect(self._on_controller_run_started)
        c.batch_progress.connect(self._on_controller_batch_progress)
        c.epoch_ended.connect(self._on_controller_epoch_ended)
        c.run_finished.connect(self._on_controller_run_finished)
        c.run_failed.connect(self._on_controller_run_failed)
        c.devices_changed.connect(self._on_controller_devices_changed)
        c.initial_weights_changed.connect(self._on_controller_initial_weights_changed)
        self.session.design_reset.connect(self.load_from_design)
        self.session.design_events.connect(self._on_session_design_events)
        self.start_button.clicked.connect(self.start)
        self.continue_button.clicked.connect(self.continue_run)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(c.stop)
        self.dataset.activated.connect(self._on_dataset_activated)
        self.data_dir_button.clicked.connect(self._choose_data_dir)
        self.optimizer.currentTextChanged.connect(self._update_optimizer_fields)
        for box in (self.batch_size, self.epochs, self.patience, self.seed):
            box.valueChanged.connect(self._edited)
        for fbox in (self.lr, self.momentum, self.weight_decay):
            fbox.valueChanged.connect(self._edited)
        for combo in (self.dataset, self.optimizer, self.schedule, self.best_by, self.device):
            combo.currentIndexChanged.connect(self._edited)
        for check in (self.nesterov, self.augment):
            check.toggled.connect(self._edited)
        self.data_dir.textEdited.connect(self._edited)

    def _on_controller_initial_weights_changed(self, label: str) -> None:
        self.weights.setText(
            translate("Training", "starting from {label}").format(label=label) if label else ""
        )
        self.weights.setToolTip(
            translate(
                "Training",
                "Start trains from the weights of {label} (Train > Forget Loaded Weights to "
                "start from the seeded initialization)",
            ).format(label=label)
            if label
            else ""
        )
        self.weights.setVisible(bool(label))
        self.start_button.setToolTip(
            translate("Training", "Start training from the weights of {label} (F5)").format(
                label=label
            )
            if label
            else translate("Training", "Start training from fresh weights (F5)")
        )

    def _edited(self, *_: Any) -> None:
        if not self._loading:
            self.settings_edited.emit()

    # ----------------------------------------------------------------- settings

    def values(self) -> dict[str, Any]:
        """The form's values as ``TrainSettings`` fields (the rest come from the design)."""
        optimizer = self.optimizer.currentText()
        momentum = self.momentum.value()
        return {
            "dataset": self.dataset_name(),
            "data_dir": self.data_dir.text().strip() or AppSettings().data_dir(),
            "batch_size": self.batch_size.value(),
            "epochs": self.epochs.value(),
            "optimizer": optimizer,
            "lr": self.lr.value(),
            "momentum": momentum,
            "nesterov": self.nesterov.isChecked() and optimizer == "sgd" and momentum > 0,
            "weight_decay": self.weight_decay.value(),
            "schedule": self.schedule.currentText(),
            "early_stopping_patience": self.patience.value(),
            "best": self.best_by.currentData(),
            "augment": self.augment.isChecked(),
            "device": self.device.currentText(),
            "seed": self.seed.value(),
        }

    def settings(self) -> TrainSettings:
        """The settings a run would use; raises ``ValueError`` with a one-line message."""
        from ...engine.trainer import TrainSettings

        merged = dict(self.session.design.training or {})
        merged.update(self.values())
        return TrainSettings.from_dict(merged)

    def load_from_design(self) -> None:
        """Show the design's ``training`` section (defaults for what it lacks or gets wrong)."""
        stored = self.session.design.training
        values = dict(DEFAULTS)
        if isinstance(stored, dict):
            values.update({k: v for k, v in stored.items() if k in DEFAULTS})
        self._loading = True
        try:
            self.set_dataset(_as(values["dataset"], str, DEFAULTS["dataset"]))
            data_dir = values["data_dir"]
            self.data_dir.setText(data_dir if isinstance(data_dir, str) else "")
            self.data_dir.setPlaceholderText(
                AppSettings().data_dir() or translate("Training", "default")
            )
            self.batch_size.setValue(_as(values["batch_size"], int, DEFAULTS["batch_size"]))
            self.epochs.setValue(_as(values["epochs"], int, DEFAULTS["epochs"]))
            _set_combo(self.optimizer, values["optimizer"], DEFAULTS["optimizer"])
            self.lr.setValue(_as(values["lr"], float, DEFAULTS["lr"]))
            self.momentum.setValue(_as(values["momentum"], float, DEFAULTS["momentum"]))
            self.nesterov.setChecked(values["nesterov"] is True)
            self.weight_decay.setValue(_as(values["weight_decay"], float, 0.0))
            _set_combo(self.schedule, values["schedule"], DEFAULTS["schedule"])
            self.patience.setValue(_as(values["early_stopping_patience"], int, 0))
            best = values["best"].lower() if isinstance(values["best"], str) else ""
            self.best_by.setCurrentIndex(max(0, self.best_by.findData(best)))
            self.augment.setChecked(values["augment"] is True)
            device = _as(values["device"], str, "auto").strip() or "auto"
            if self.device.findText(device) < 0:
                self.device.addItem(device)
            self.device.setCurrentText(device)
            self.seed.setValue(_as(values["seed"], int, 0))
        finally:
            self._loading = False
        self._update_optimizer_fields()

    def _on_session_design_events(self, events: list[DesignEvent]) -> None:
        if any(e.kind in ("design_changed", "design_reset") for e in events):
            self.load_from_design()

    def dataset_name(self) -> str:
        text = self.dataset.currentText()
        return self._last_dataset if text == translate("Training", _FOLDER_ITEM) else text

    def set_dataset(self, name_or_path: str) -> None:
        """Select a built-in dataset or an image folder (added to the list when new)."""
        index = self.dataset.findText(name_or_path)
        if index < 0:
            index = self.dataset.count() - 1  # folders go just above "Image folder..."
            self.dataset.insertItem(index, name_or_path)
            self.dataset.setItemData(index, name_or_path, Qt.ItemDataRole.ToolTipRole)
        self.dataset.setCurrentIndex(index)
        self._last_dataset = name_or_path

    def _on_dataset_activated(self, index: int) -> None:
        if self.dataset.itemText(index) != translate("Training", _FOLDER_ITEM):
            self._last_dataset = self.dataset.itemText(index)
            return
        folder = QFileDialog.getExistingDirectory(
            self,
            translate("Training", "Image folder (one sub-folder per class)"),
            self.data_dir.text(),
        )
        self.set_dataset(folder if folder else self._last_dataset)

    def _choose_data_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self,
            translate("Training", "Data folder"),
            self.data_dir.text() or self.controller.default_data_dir,
        )
        if folder:
            self.data_dir.setText(folder)
            AppSettings().set_data_dir(folder)  # the preferred folder for the next designs too
            self._edited()

    def _update_optimizer_fields(self, *_: Any) -> None:
        sgd = self.optimizer.currentText() == "sgd"
        for widget in (self._momentum_label, self.momentum, self.nesterov):
            widget.setVisible(sgd)

    def _on_controller_devices_changed(self, devices: list[str]) -> None:
        current = self.device.currentText()
        self._loading = True
        try:
            self.device.clear()
            self.device.addItems(["auto", *[d for d in devices if d != "auto"]])
            if self.device.findText(current) < 0:
                self.device.addItem(current)
            self.device.setCurrentText(current)
        finally:
            self._loading = False
        if self.controller.default_data_dir:
            self.data_dir.setToolTip(
                translate(
                    "Training", "Where downloaded datasets are kept (empty: {folder})"
                ).format(folder=self.controller.default_data_dir)
            )

    # ----------------------------------------------------------------- run buttons

    def start(self) -> bool:
        """Start a fresh run with the form's settings; False (and the reason shown) if not."""
        return self._start(resume=False)

    def continue_run(self) -> bool:
        """Train the last model further with the form's settings."""
        return self._start(resume=True)

    def _start(self, *, resume: bool) -> bool:
        if self.controller.is_running:
            return False
        try:
            settings = self.settings()
        except ValueError as exc:
            self._show_status(str(exc), error=True)
            return False
        self._show_status(
            translate("Training", "Preparing: building the model and loading the data...")
        )
        self.progress.setRange(0, 0)  # busy indicator until the first batch
        self.progress.setFormat(translate("Training", "Preparing..."))
        return self.controller.start(settings, resume=resume)

    def toggle_pause(self) -> None:
        if self.controller.state == "paused":
            self.controller.resume()
        else:
            self.controller.pause()

    def _on_controller_state_changed(self, state: str) -> None:
        idle = state == "idle"
        self.start_button.setEnabled(idle)
        self.continue_button.setEnabled(self.controller.can_continue)
        self.pause_button.setEnabled(state in ("preparing", "running", "paused"))
        self.pause_button.setText(
            translate("Training", "Resume") if state == "paused" else translate("Training", "Pause")
        )
        self.stop_button.setEnabled(state in ("preparing", "running", "paused"))
        for widget in self._form_widgets():
            widget.setEnabled(idle)
        if state == "paused":
            paused = translate("Training", " · paused")
            self.progress.setFormat(self.progress.format().split(paused)[0] + paused)
        elif state == "stopping":
            self._show_status(translate("Training", "Stopping after the current batch..."))

    def _form_widgets(self) -> list[QWidget]:
        return [
            self.dataset,
            self.data_dir,
            self.data_dir_button,
            self.batch_size,
            self.epochs,
            self.optimizer,
            self.lr,
            self.momentum,
            self.nesterov,
            self.weight_decay,
            self.schedule,
            self.patience,
            self.best_by,
            self.augment,
            self.device,
            self.seed,
        ]

    # ----------------------------------------------------------------- progress

    def _on_controller_run_started(self, event: RunStarted) -> None:
        self._run_start_epoch = event.start_epoch
        self._run_batches = max(1, event.batches_per_epoch)
        self._run_epochs = event.epochs
        total = max(1, (event.epochs - event.start_epoch) * self._run_batches)
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.setFormat(
            translate("Training", "Epoch {epoch}/{epochs}").format(
                epoch=event.start_epoch + 1, epochs=event.epochs
            )
        )
        self._show_status(
            translate(
                "Training",
                "Training on {device}: {train} training and {val} validation images, "
                "{params} trainable parameters",
            ).format(
                device=event.device,
                train=fmt_int(event.train_samples),
                val=fmt_int(event.val_samples),
                params=fmt_int(event.trainable_params),
            )
        )

    def _on_controller_batch_progress(self, event: BatchEnded) -> None:
        done = (event.epoch - 1 - self._run_start_epoch) * self._run_batches + event.batch
        self.progress.setValue(min(self.progress.maximum(), done))
        self.progress.setFormat(
            translate(
                "Training",
                "Epoch {epoch}/{epochs} · batch {batch}/{batches} · {speed} samples/s · {eta} left",
            ).format(
                epoch=event.epoch,
                epochs=self._run_epochs,
                batch=event.batch,
                batches=event.batches,
                speed=fmt_int(round(event.samples_per_s)),
                eta=fmt_duration(event.eta_s),
            )
        )

    def _on_controller_epoch_ended(self, event: EpochEnded) -> None:
        self._show_status(
            translate(
                "Training",
                "Epoch {epoch}: train loss {train_loss}, acc {train_acc}; "
                "val loss {val_loss}, acc {val_acc}",
            ).format(
                epoch=event.epoch,
                train_loss=format_decimal(event.train_loss, 4),
                train_acc=_percent(event.train_acc),
                val_loss=format_decimal(event.val_loss, 4),
                val_acc=_percent(event.val_acc),
            )
            + (
                translate("Training", "  (best so far by {criterion})").format(
                    criterion=self._criterion()
                )
                if event.improved
                else ""
            )
        )

    def _criterion(self) -> str:
        """What keeps the weights of the current run, in words: ``loss`` or ``accuracy``."""
        best = getattr(self.controller.settings, "best", "val_loss")
        return (
            translate("Training", "accuracy")
            if best == "val_acc"
            else translate("Training", "loss")
        )

    def _on_controller_run_finished(self, event: RunFinished) -> None:
        # Stopped at 23 of 100 epochs shows 23 %, not a full bar.
        planned = max(event.epochs_completed, self.epochs.value(), 1)
        self.progress.setRange(0, planned)
        self.progress.setValue(min(event.epochs_completed, planned))
        what = {
            "completed": translate("Training", "Finished"),
            "stopped": translate("Training", "Stopped"),
            "early-stopped": translate("Training", "Early-stopped"),
        }
        head = what.get(event.reason, event.reason.capitalize())
        self.progress.setFormat(
            translate("Training", "{what} after {n} epochs").format(
                what=head, n=event.epochs_completed
            )
        )
        best = f"; {event.best_summary()}" if event.best_epoch is not None else ""
        self._show_status(
            translate("Training", "{what} in {time}: val loss {loss}, val acc {acc}").format(
                what=head,
                time=fmt_duration(event.seconds),
                loss=format_decimal(event.val_loss, 4),
                acc=_percent(event.val_acc),
            )
            + best,
            ok=True,
        )
        self._on_controller_state_changed(self.controller.state)

    def _on_controller_run_failed(self, message: str, hint: str) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(translate("Training", "Not trained"))
        self._show_status(f"{message} — {hint}" if hint else message, error=True)
        self._on_controller_state_changed(self.controller.state)

    def _show_status(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        if error:
            colour = error_colour(self.palette()).name()
            self.status.setStyleSheet(f"color: {colour};")
            text = f"⚠ {text}"
        elif ok:
            self.status.setStyleSheet(f"color: {ok_colour(self.palette()).name()};")
        else:
            self.status.setStyleSheet("")
        self.status.setText(text)
        self.status.setToolTip(text)


def _as(value: Any, kind: type, default: Any) -> Any:
    """``value`` if it is usable as ``kind`` (bools are not numbers here), else ``default``."""
    if isinstance(value, bool) and kind is not bool:
        return default
    if kind is float and isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    if isinstance(value, kind):
        return value
    return default


def _set_combo(combo: QComboBox, value: Any, default: str) -> None:
    text = value.lower() if isinstance(value, str) else default
    combo.setCurrentText(text if combo.findText(text) >= 0 else default)
