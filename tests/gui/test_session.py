"""The session keeps the selection in step with the design through renames and deletions."""

from __future__ import annotations

from cnnstudio.core.commands import RenameLayer, remove_layers
from cnnstudio.gui.session import DesignSession


def test_selection_follows_a_rename_and_its_undo(qtbot) -> None:
    session = DesignSession()
    seen: list[list[str]] = []
    session.selection_changed.connect(seen.append)
    session.select(["conv1", "relu1"])
    session.push(RenameLayer("conv1", "stem"))
    assert session.selection == ["stem", "relu1"]
    session.undo()
    assert session.selection == ["conv1", "relu1"]
    session.push(remove_layers(["relu1"]))
    assert session.selection == ["conv1"]
    assert seen == [["conv1", "relu1"], ["stem", "relu1"], ["conv1", "relu1"], ["conv1"]]
