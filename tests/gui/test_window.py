"""The designer window: menus, documents, undo through the Edit menu, status bar, persistence."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

from cnnstudio.core.commands import SetParam
from cnnstudio.core.fileio import dumps_design, load_design
from cnnstudio.core.templates import TEMPLATES, get_template
from cnnstudio.gui.main_window import MainWindow
from cnnstudio.gui.session import DesignSession
from cnnstudio.gui.settings import AppSettings


@pytest.fixture
def settings(tmp_path):
    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def _make_window(qtbot, settings, design=None):
    window = MainWindow(DesignSession(design or get_template("lenet5")), settings)
    # Dialogs are replaced on the instance so nothing modal can ever block a test run.
    window.answers = []
    window.errors = []
    window._ask_save_changes = lambda: window.answers.pop(0) if window.answers else "discard"
    window._show_error = lambda title, message: window.errors.append(message)
    qtbot.addWidget(window)
    return window


@pytest.fixture
def window(qtbot, settings):
    w = _make_window(qtbot, settings)
    w.show()
    qtbot.waitExposed(w)
    return w


def _menu_texts(menu) -> list[str]:
    return [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]


def test_menus_toolbar_and_docks_are_in_place(window):
    assert _menu_texts(window.menuBar()) == ["File", "Edit", "View", "Network", "Help"]
    file_items = _menu_texts(window.file_menu)
    for item in ("New", "New from Template", "Open…", "Open Recent", "Save", "Save As…", "Quit"):
        assert item in file_items
    assert [a.data() for a in window.templates_menu.actions()] == list(TEMPLATES)
    view_items = _menu_texts(window.panels_menu)
    assert view_items == ["Palette", "Inspector", "Summary"]
    assert _menu_texts(window.toolbar) == ["Undo", "Redo", "Auto Layout", "Fit"]
    assert window.fit_action.shortcut() == QKeySequence("Ctrl+0")
    assert window.undo_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Undo)
    assert QKeySequence("Ctrl+Shift+Z") in window.redo_action.shortcuts()
    assert window.save_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    assert window.delete_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    assert window.canvas is window.centralWidget()
    assert window.summary_dock.widget() is window.summary


def test_docks_can_be_hidden_from_the_view_menu(window):
    toggle = window.inspector_dock.toggleViewAction()
    toggle.trigger()
    assert not window.inspector_dock.isVisible()
    toggle.trigger()
    assert window.inspector_dock.isVisible()


def test_extension_points_add_docks_and_menus(window, qtbot):
    from PySide6.QtWidgets import QLabel

    dock = window.add_bottom_dock(QLabel("log"), "Log")
    assert dock.toggleViewAction() in window.panels_menu.actions()
    qtbot.waitUntil(lambda: window.tabifiedDockWidgets(window.summary_dock) == [dock], timeout=1000)
    train = window.insert_menu("&Train")
    assert _menu_texts(window.menuBar()) == ["File", "Edit", "View", "Network", "Train", "Help"]
    assert train.title() == "&Train"


def test_title_shows_the_unsaved_mark(window):
    assert window.windowTitle() == "LeNet-5 — cnnstudio"
    window.session.push(SetParam("fc3", "out_features", 5))
    assert window.windowTitle() == "LeNet-5 * — cnnstudio"
    window.session.undo()
    assert window.windowTitle() == "LeNet-5 — cnnstudio"


def test_undo_and_redo_through_the_edit_menu_restore_the_document(window):
    original = dumps_design(window.session.design)
    assert not window.undo_action.isEnabled()
    window.session.push(SetParam("conv1", "out_channels", 10))
    window.session.push(SetParam("fc1", "out_features", 64))
    edited = dumps_design(window.session.design)
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == "&Undo Set fc1.out_features"
    window.undo_action.trigger()
    assert window.redo_action.text() == "&Redo Set fc1.out_features"
    window.undo_action.trigger()
    assert dumps_design(window.session.design) == original
    assert not window.undo_action.isEnabled()
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert dumps_design(window.session.design) == edited
    assert not window.redo_action.isEnabled()


def test_an_inspector_edit_updates_the_summary_and_status_bar(window, qtbot):
    window.session.select(["conv1"])
    spin = window.inspector.fields["out_channels"].widget
    spin.setValue(12)
    row = window.summary.model.row_of("conv1")
    assert window.summary.model.cell(row, 2) == "12x28x28"
    params = window.session.analysis.total_params
    assert params != 61706
    assert f"{params:,} params" in window.totals_label.text()
    assert f"{params:,} params" in window.summary.totals.text()


def test_status_bar_counts_errors_and_jumps_to_the_first(window, monkeypatch):
    assert window.totals_label.text().startswith("61,706 params (61,706 trainable) · 0.42 M MACs")
    assert "0.25 MB" in window.totals_label.text()
    # One training step's memory, from the analysis (the design's batch size, else 64).
    from cnnstudio.core.memory import estimate_memory

    expected = estimate_memory(window.session.design, window.session.analysis, batch_size=64)
    assert f"step {expected.total / 1e6:.2f} MB (batch 64)" in window.totals_label.text()
    assert "saved activations" in window.totals_label.toolTip()
    assert "largest batch" in window.totals_label.toolTip()
    assert window.validity_button.text() == "valid"
    centred: list[str] = []
    monkeypatch.setattr(window.canvas, "center_on", centred.append)
    window.session.push(SetParam("conv2", "kernel_size", 30))
    window.session.push(SetParam("fc3", "out_features", 0))
    assert window.validity_button.text() == "2 errors"
    window.validity_button.click()
    assert window.session.selection == ["conv2"]
    assert centred == ["conv2"]
    window.session.select([])
    window.validate_action.trigger()
    assert window.session.selection == ["conv2"]


def test_clicking_a_summary_row_selects_and_centres(window, qtbot, monkeypatch):
    centred: list[str] = []
    monkeypatch.setattr(window.canvas, "center_on", centred.append)
    window.summary.select_row(window.summary.model.row_of("fc2"))
    assert window.session.selection == ["fc2"]
    assert centred == ["fc2"]
    assert window.inspector.title.text() == "Dense · fc2"


def test_palette_double_click_appends_after_the_selected_block(window):
    window.session.select(["fc1"])
    before = set(window.session.design.layers)
    window.palette_panel.block_requested.emit("Dropout")
    added = set(window.session.design.layers) - before
    assert len(added) == 1
    new = added.pop()
    assert window.session.design[new].type == "Dropout"
    assert window.session.design[new].inputs == ["fc1"]
    assert window.session.design["relu3"].inputs == [new]


def test_select_all_and_delete(window):
    window.select_all_action.trigger()
    assert window.session.selection == list(window.session.design.layers)
    window.session.select(["relu3"])
    window.delete_action.trigger()
    assert "relu3" not in window.session.design
    assert window.session.design["fc2"].inputs == ["fc1"]


def test_new_save_open_and_save_as_round_trip(window, tmp_path):
    window.new_file()
    assert list(window.session.design.layers) == ["input"]
    assert window.windowTitle() == "Untitled — cnnstudio"
    window.new_from_template("resnet18")
    window.session.push(SetParam("fc", "out_features", 7))
    first = tmp_path / "net.cnn.json"
    window._ask_save_path = lambda: str(first)
    assert window.save_action.isEnabled()
    window.save_action.trigger()  # no path yet: Save asks for one
    assert window.session.path == first
    assert window.windowTitle() == "net.cnn.json — cnnstudio"
    saved = dumps_design(window.session.design)
    assert dumps_design(load_design(first)) == saved

    second = tmp_path / "copy"  # the suffix is added
    assert window.save_as(second)
    assert window.session.path == tmp_path / "copy.cnn.json"

    window.new_file()
    assert window.open_file(first)
    assert dumps_design(window.session.design) == saved
    assert not window.session.is_modified
    window.session.push(SetParam("fc", "out_features", 9))
    assert window.save()
    assert load_design(first)["fc"].params["out_features"] == 9
    recent = window.settings.recent_files()
    assert recent[0] == str(first.resolve())
    assert str((tmp_path / "copy.cnn.json").resolve()) in recent


def test_open_dialog_uses_the_chosen_path(window, tmp_path):
    path = tmp_path / "alex.cnn.json"
    from cnnstudio.core.fileio import save_design

    save_design(get_template("alexnet"), path)
    window._ask_open_path = lambda: str(path)
    window.open_action.trigger()
    assert window.session.design.name == "AlexNet"
    assert window.session.path == path


def test_opening_a_corrupt_file_shows_the_message_and_keeps_the_design(window, tmp_path):
    window.session.push(SetParam("fc3", "out_features", 5))
    before = dumps_design(window.session.design)
    bad = tmp_path / "bad.cnn.json"
    bad.write_text("{not json", encoding="utf-8")
    assert not window.open_file(bad, confirm=False)
    assert len(window.errors) == 1
    assert "not valid JSON" in window.errors[0] and "\n" not in window.errors[0]
    assert dumps_design(window.session.design) == before
    assert window.session.is_modified
    assert window.windowTitle() == "LeNet-5 * — cnnstudio"


def test_unsaved_changes_are_asked_about(window, tmp_path):
    window.session.push(SetParam("fc3", "out_features", 5))
    window.answers = ["cancel"]
    assert not window.new_file()
    assert window.session.design["fc3"].params["out_features"] == 5
    window.answers = ["cancel"]
    assert not window.close()
    assert window.isVisible()

    target = tmp_path / "kept.cnn.json"
    window._ask_save_path = lambda: str(target)
    window.answers = ["save"]
    assert window.new_from_template("simple-cnn")
    assert load_design(target)["fc3"].params["out_features"] == 5
    window.session.push(SetParam("conv1", "out_channels", 3))
    window.answers = ["discard"]
    assert window.close()


def test_recent_files_menu_and_window_layout_persist(qtbot, settings, tmp_path):
    path = tmp_path / "lenet.cnn.json"
    from cnnstudio.core.fileio import save_design

    save_design(get_template("lenet5"), path)
    first = _make_window(qtbot, settings)
    first.show()
    assert first.open_file(path)
    first.resize(640, 480)  # fits the offscreen screen, so no clamping
    first.inspector_dock.hide()
    assert first.close()

    second = _make_window(qtbot, settings)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (640, 480)
    assert not second.inspector_dock.isVisible()
    second._fill_recent_menu()
    entries = [a for a in second.recent_menu.actions() if a.toolTip() == str(path.resolve())]
    assert len(entries) == 1
    second.new_file()
    entries[0].trigger()
    assert second.session.path == path.resolve()


def test_templates_menu_opens_each_template(window):
    for action in window.templates_menu.actions():
        action.trigger()
        assert window.session.design.name == TEMPLATES[action.data()].title
        assert window.session.path is None
        assert not window.session.is_modified


def test_theme_choice_is_remembered(window, settings):
    dark = next(a for a in window.theme_group.actions() if a.data() == "dark")
    dark.trigger()
    assert settings.theme() == "dark"
    system = next(a for a in window.theme_group.actions() if a.data() == "system")
    system.trigger()
    assert settings.theme() == "system"


def test_rename_survives_undo_and_keeps_the_block_selected(window):
    from cnnstudio.core.commands import RenameLayer

    window.session.select(["conv1"])
    window.session.push(RenameLayer("conv1", "stem"))
    assert window.session.selection == ["stem"]
    window.undo_action.trigger()
    assert window.session.selection == ["conv1"]
    assert window.inspector.title.text() == "Conv · conv1"


def test_about_names_the_version(window, monkeypatch):
    from cnnstudio import __version__
    from cnnstudio.gui import main_window

    shown: list[str] = []
    monkeypatch.setattr(
        main_window.QMessageBox, "about", lambda parent, title, text: shown.append(text)
    )
    window.about_action.trigger()
    assert __version__ in shown[0]


def test_paths_are_given_back_as_paths(window, tmp_path):
    assert window.save_as(tmp_path / "x.cnn.json")
    assert isinstance(window.session.path, Path)


def test_data_folder_preference_persists(settings):
    assert settings.data_dir() is None
    settings.set_data_dir("/data/sets")
    settings.sync()
    again = AppSettings(QSettings(settings.store.fileName(), QSettings.Format.IniFormat))
    assert again.data_dir() == "/data/sets"
