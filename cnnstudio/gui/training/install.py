"""Wiring training into the main window: the Train menu, the Training dock and the warm-up.

:func:`install_training` needs only the window's ``session``, its menu bar, dock and status-bar
API (and uses ``insert_menu``/``add_bottom_dock`` when the window offers them). It also makes
sure training ends with the window: a close that is accepted stops and joins the training
thread, and when the application quits the pyqtgraph views are deleted before it is gone.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core.i18n import QT_TRANSLATE_NOOP, translate
from .controller import TrainingController
from .gradients import GradientFlowView, install_gradient_probe
from .panel import TrainingPanel
from .plots import TrainingPlots
from .results import TrainingResults

__all__ = ["WARM_UP_DELAY_MS", "TrainingView", "install_training"]

#: The warm-up (torch import + one tiny step, off the GUI thread) starts this long after the
#: window is first shown, so that the first paint happens without torch.
WARM_UP_DELAY_MS = 1500


class TrainingView(QWidget):
    """The Training dock's content: two tabs, Run (settings and buttons beside the live curves)
    and Results (confusion matrix, per-class accuracy, mistakes).

    The results get the dock's whole width: beside the settings form, a 1366-px window left
    them some 400 px, too little for a readable 10x10 matrix next to the bar chart and the
    misclassified images.
    """

    def __init__(self, controller: TrainingController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.panel = TrainingPanel(controller)
        self.plots = TrainingPlots(controller)
        self.results = TrainingResults(controller)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.panel)
        self.splitter.addWidget(self.plots)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([self.panel.sizeHint().width(), 900])
        self.splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.splitter, translate("Training", "Run"))
        self.tabs.addTab(self.results, translate("Training", "Results"))
        self.gradients = GradientFlowView()
        self.tabs.addTab(self.gradients, translate("Training", "Gradients"))
        self.tabs.setTabToolTip(
            0, translate("Training", "Settings, Start / Stop and the live loss and accuracy curves")
        )
        self.tabs.setTabToolTip(1, translate("Training", "What the last run got right and wrong"))
        self.tabs.setTabToolTip(
            2, translate("Training", "The gradient flow per block at each epoch end")
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def show_run(self) -> None:
        """Bring the Run tab (buttons, progress, curves) forward, as Start does."""
        self.tabs.setCurrentIndex(0)

    def dispose(self) -> None:
        """Delete the pyqtgraph views now (for application exit)."""
        self.plots.dispose()
        self.results.dispose()
        self.gradients.dispose()


class _WindowWatcher(QObject):
    """Starts the warm-up after the first show; shuts training down after an accepted close."""

    def __init__(self, window: QMainWindow, controller: TrainingController) -> None:
        super().__init__(controller)
        self.window = window
        self.controller = controller
        self._shown = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window:
            if event.type() == QEvent.Type.Show and not self._shown:
                self._shown = True
                QTimer.singleShot(WARM_UP_DELAY_MS, self.controller.warm_up)
            elif event.type() == QEvent.Type.Close:
                # The window's own closeEvent may still refuse (unsaved changes): decide after.
                # The watcher is the timer's context, so a window deleted meanwhile cancels it.
                QTimer.singleShot(0, self, self._after_close)
        return False

    def _after_close(self) -> None:
        if shiboken6.isValid(self.window) and not self.window.isVisible():
            self.controller.shutdown()


TRAIN_MENU = "train_menu"  # the Train menu's object name (its tools find it by that)


def find_menu(window: QMainWindow, name: str) -> QMenu | None:
    """The menu bar's menu whose object name is ``name``, or None (by name, not by title: the
    title is translated)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.objectName() == name:
            return menu
    return None


def _bottom_dock(window: QMainWindow, exclude: QDockWidget) -> QDockWidget | None:
    for dock in window.findChildren(QDockWidget):
        if dock is exclude or dock.isFloating():
            continue
        if window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea:
            return dock
    return None


def save_checkpoint_dialog(
    window: QWidget, controller: TrainingController, path: str | Path | None = None
) -> Path | None:
    """Ask for a file (unless ``path`` is given) and save the checkpoint; None when not saved."""
    if path is None:
        design = controller.session.design
        base = controller.session.path.parent if controller.session.path else Path.home()
        suggestion = str(base / f"{design.name or 'model'}.pt")
        chosen, _ = QFileDialog.getSaveFileName(
            window,
            translate("Training", "Save checkpoint"),
            suggestion,
            "Checkpoints (*.pt);;All files (*)",
        )
        if not chosen:
            return None
        path = chosen
    try:
        controller.save_checkpoint(path)
    except (RuntimeError, ValueError) as exc:  # CheckpointError is a ValueError
        QMessageBox.warning(window, translate("Training", "Save checkpoint"), str(exc))
        return None
    return Path(path)


def load_weights_dialog(
    window: QWidget, controller: TrainingController, path: str | Path | None = None
) -> bool:
    """Ask for a weights file (unless ``path`` is given); fresh runs then start from it.

    The file is read and checked against the design (every key and shape) on the training
    thread; a file that does not fit is refused in one line naming the first mismatch.
    Returns False when no file was chosen.
    """
    if path is None:
        base = controller.session.path.parent if controller.session.path else Path.home()
        chosen, _ = QFileDialog.getOpenFileName(
            window,
            translate("Training", "Load weights"),
            str(base),
            "Weights (*.pt *.pth);;All files (*)",
        )
        if not chosen:
            return False
        path = chosen
    source = Path(path)
    design = controller.session.design.clone()

    def load() -> dict[str, Any] | str:
        from ...core.errors import CnnStudioError
        from ...engine.builder import build_model
        from ...engine.export import apply_weights, load_weights

        try:
            state = load_weights(source)
            apply_weights(build_model(design), state, f"the weights in {source.name}")
        except CnnStudioError as exc:
            return str(exc)
        return state

    def loaded(answer: dict[str, Any] | str) -> None:
        if isinstance(answer, str):
            QMessageBox.warning(window, translate("Training", "Load weights"), answer)
            return
        controller.set_initial_weights(answer, source.name)
        status = window.statusBar() if isinstance(window, QMainWindow) else None
        if status is not None:
            status.showMessage(
                translate("Training", "Training starts from the weights in {name}").format(
                    name=source.name
                ),
                8000,
            )

    controller.run_off_gui(load, loaded)
    return True


def install_training(window: Any) -> TrainingController:
    """Add the Train menu and the Training dock to ``window``; returns the controller."""
    controller = TrainingController(window.session, parent=window)
    view = TrainingView(controller)
    if hasattr(window, "add_bottom_dock"):
        dock = window.add_bottom_dock(view, QT_TRANSLATE_NOOP("Panels", "Training"))
    else:
        dock = QDockWidget(translate("Training", "Training"), window)
        dock.setObjectName("training_dock")
        dock.setWidget(view)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        neighbour = _bottom_dock(window, dock)
        if neighbour is not None:
            window.tabifyDockWidget(neighbour, dock)
    controller.view, controller.dock = view, dock
    install_gradient_probe(controller, view.gradients)

    menu = find_menu(window, TRAIN_MENU)
    if menu is None:
        menu = (
            window.insert_menu(translate("Training", "&Train"))
            if hasattr(window, "insert_menu")
            else None
        )
    if menu is None:
        menu = window.menuBar().addMenu(translate("Training", "&Train"))
    menu.setObjectName(TRAIN_MENU)

    def show_dock() -> None:
        dock.show()
        dock.raise_()
        view.show_run()

    def start() -> None:
        show_dock()
        view.panel.start()

    def continue_run() -> None:
        show_dock()
        view.panel.continue_run()

    def action(text: str, slot: Any, shortcut: str | None = None, tip: str = "") -> QAction:
        act = QAction(text, window)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
        act.setStatusTip(tip)
        act.triggered.connect(lambda _checked=False, call=slot: call())  # never pass checked
        menu.addAction(act)
        return act

    start_action = action(
        translate("Training", "&Start Training"),
        start,
        "F5",
        translate("Training", "Train the design from fresh weights"),
    )
    continue_action = action(
        translate("Training", "&Continue Training"),
        continue_run,
        None,
        translate("Training", "Train the last model further"),
    )
    pause_action = action(
        translate("Training", "&Pause"),
        view.panel.toggle_pause,
        None,
        translate("Training", "Pause or resume the run"),
    )
    stop_action = action(
        translate("Training", "S&top"),
        controller.stop,
        "Shift+F5",
        translate("Training", "Stop after the current batch (keeps the weights)"),
    )
    menu.addSeparator()
    save_action = action(
        translate("Training", "Save C&heckpoint..."),
        lambda: save_checkpoint_dialog(window, controller),
        None,
        translate(
            "Training", "Save the trained weights, optimizer state and history with the design"
        ),
    )

    load_weights_action = action(
        translate("Training", "&Load Weights..."),
        lambda: load_weights_dialog(window, controller),
        None,
        translate("Training", "Start training from a state_dict file (as Import and Export write)"),
    )
    load_weights_action.setObjectName("load_weights_action")
    forget_weights_action = action(
        translate("Training", "&Forget Loaded Weights"),
        controller.clear_initial_weights,
        None,
        translate("Training", "Start training from the seeded initialization again"),
    )
    forget_weights_action.setObjectName("forget_weights_action")

    def update_weights_actions(label: str) -> None:
        forget_weights_action.setEnabled(bool(label) and controller.state == "idle")

    controller.initial_weights_changed.connect(update_weights_actions)

    def update_actions(state: str) -> None:
        active = state in ("preparing", "running", "paused")
        start_action.setEnabled(state == "idle")
        continue_action.setEnabled(controller.can_continue)
        pause_action.setEnabled(active)
        pause_action.setText(
            translate("Training", "&Resume")
            if state == "paused"
            else translate("Training", "&Pause")
        )
        stop_action.setEnabled(active)
        save_action.setEnabled(controller.model is not None and state in ("idle", "paused"))
        load_weights_action.setEnabled(state == "idle")
        update_weights_actions(controller.initial_weights_label)

    controller.state_changed.connect(update_actions)
    update_actions(controller.state)

    status = window.statusBar()
    controller.run_failed.connect(
        lambda message, hint: status.showMessage(
            translate("Training", "Training failed: {message}").format(message=message)
            + (f" — {hint}" if hint else ""),
            15000,
        )
    )
    controller.run_finished.connect(
        lambda event: status.showMessage(
            translate("Training", "Training {what} after {n} epochs: val acc {acc}").format(
                what={
                    "completed": translate("Training", "completed"),
                    "stopped": translate("Training", "stopped"),
                    "early-stopped": translate("Training", "early-stopped"),
                }.get(event.reason, event.reason),
                n=event.epochs_completed,
                acc=f"{event.val_acc:.1%}",
            ),
            15000,
        )
    )

    watcher = _WindowWatcher(window, controller)
    if window.isVisible():
        watcher._shown = True
        QTimer.singleShot(WARM_UP_DELAY_MS, controller.warm_up)

    app = QApplication.instance()
    if app is not None:

        def on_quit() -> None:
            controller.shutdown()
            view.dispose()

        app.aboutToQuit.connect(on_quit)
        # Disconnect with the controller so a closed window's callback never runs on a
        # deleted view.
        controller.destroyed.connect(lambda *_: _disconnect(app, on_quit))
    return controller


def _disconnect(app: QCoreApplication, slot: Any) -> None:
    with contextlib.suppress(RuntimeError, TypeError):  # already gone or never connected
        app.aboutToQuit.disconnect(slot)
