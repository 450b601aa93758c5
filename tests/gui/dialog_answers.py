"""A fixture that answers every modal dialog at the Qt level, the way a user would.

The window's code keeps calling ``QFileDialog.getSaveFileName``, ``QMessageBox.warning``,
``QDialog.exec`` and friends; the fixture replaces those Qt entry points (not the window's own
methods), so a test drives the real code path from the QAction to the dialog and back. Each
dialog is recorded in ``asked``; answers come from per-kind queues, with a default when a queue
is empty (cancel for file dialogs, the default button for message boxes).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

Button = QMessageBox.StandardButton


@dataclass
class Asked:
    """One dialog the code opened: its kind (``save``, ``open``, ``warning``...), title, text."""

    kind: str
    title: str
    text: str
    parent: Any = None
    suggestion: str = ""


@dataclass
class DialogAnswers:
    """Queues of answers and the record of every dialog asked."""

    save_paths: deque[str] = field(default_factory=deque)
    open_paths: deque[str] = field(default_factory=deque)
    folders: deque[str] = field(default_factory=deque)
    buttons: deque[Button] = field(default_factory=deque)
    texts: deque[str] = field(default_factory=deque)
    ints: deque[int] = field(default_factory=deque)
    asked: list[Asked] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [a.kind for a in self.asked]

    def last(self, kind: str) -> Asked:
        return next(a for a in reversed(self.asked) if a.kind == kind)

    def _button(self, default: Button) -> Button:
        return self.buttons.popleft() if self.buttons else default


def _text_of(args: tuple[Any, ...], index: int) -> str:
    return str(args[index]) if len(args) > index else ""


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Iterator[DialogAnswers]:
    """Answer QFileDialog / QMessageBox / QInputDialog / QDialog.exec without blocking."""
    answers = DialogAnswers()

    def file_dialog(kind: str, queue: deque[str]) -> Any:
        def ask(parent: Any = None, caption: str = "", directory: str = "", *_: Any, **__: Any):
            answers.asked.append(Asked(kind, caption, "", parent, str(directory)))
            chosen = queue.popleft() if queue else ""
            return (chosen, "") if kind != "folder" else chosen

        return staticmethod(ask)

    monkeypatch.setattr(QFileDialog, "getSaveFileName", file_dialog("save", answers.save_paths))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", file_dialog("open", answers.open_paths))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", file_dialog("folder", answers.folders))

    def message(kind: str, default: Button) -> Any:
        def ask(parent: Any = None, title: str = "", text: str = "", *args: Any, **__: Any):
            answers.asked.append(Asked(kind, str(title), str(text), parent))
            return answers._button(default)

        return staticmethod(ask)

    monkeypatch.setattr(QMessageBox, "warning", message("warning", Button.Ok))
    monkeypatch.setattr(QMessageBox, "critical", message("critical", Button.Ok))
    monkeypatch.setattr(QMessageBox, "information", message("information", Button.Ok))
    monkeypatch.setattr(QMessageBox, "question", message("question", Button.No))
    monkeypatch.setattr(QMessageBox, "about", message("about", Button.Ok))

    def box_exec(box: QMessageBox) -> int:
        answers.asked.append(Asked("box", box.windowTitle(), box.text(), box.parent()))
        default = box.defaultButton()
        fallback = box.standardButton(default) if default is not None else Button.Ok
        return int(answers._button(fallback).value)

    def dialog_exec(dialog: QDialog) -> int:
        answers.asked.append(Asked("dialog", dialog.windowTitle(), "", dialog.parent()))
        dialog.show()  # laid out and painted once, so its own warnings and errors show up
        dialog.close()
        return int(QDialog.DialogCode.Accepted.value)

    monkeypatch.setattr(QMessageBox, "exec", box_exec)
    monkeypatch.setattr(QDialog, "exec", dialog_exec)

    def get_text(parent: Any = None, title: str = "", label: str = "", *_: Any, **__: Any):
        answers.asked.append(Asked("text", str(title), str(label), parent))
        return (answers.texts.popleft(), True) if answers.texts else ("", False)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))

    def get_int(
        parent: Any = None, title: str = "", label: str = "", value: int = 0, *_: Any, **__: Any
    ):
        # The queued number, else accepts the offered value, as a user pressing Enter does.
        answers.asked.append(Asked("int", str(title), str(label), parent))
        return (answers.ints.popleft() if answers.ints else int(value), True)

    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(get_int))

    def open_url(url: QUrl) -> bool:
        answers.asked.append(Asked("url", "", url.toString()))
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))
    yield answers
