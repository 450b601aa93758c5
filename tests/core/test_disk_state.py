"""Issue 13 item 2, the Qt-free part: a file's stamp tells another writer's change from ours."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cnnstudio.core.disk_state import DiskStamp, ExternalChangeError, same_file
from cnnstudio.core.fileio import save_design
from cnnstudio.core.templates import get_template


def test_content_decides_not_the_modification_time(tmp_path: Path) -> None:
    path = tmp_path / "a.cnn.json"
    data = save_design(get_template("lenet5"), path, backup=False)
    mine = DiskStamp.written(path, data)
    assert mine == DiskStamp.read(path)
    os.utime(path, ns=(1, 1))  # touched: same bytes
    assert not mine.changed_by_others(DiskStamp.read(path))
    path.write_bytes(data.replace(b"LeNet-5", b"LeNet-6"))  # same size, other content
    assert mine.changed_by_others(DiskStamp.read(path))


def test_a_deleted_file_is_not_a_conflict_but_a_new_one_is(tmp_path: Path) -> None:
    path = tmp_path / "a.cnn.json"
    gone = DiskStamp.read(path)
    assert not gone.exists
    path.write_bytes(b"{}")
    assert gone.changed_by_others(DiskStamp.read(path))
    known = DiskStamp.read(path)
    path.unlink()
    assert not known.changed_by_others(DiskStamp.read(path))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_put_in_place_of_the_file_is_never_read(tmp_path: Path) -> None:
    path = tmp_path / "a.cnn.json"
    os.mkfifo(path)
    assert not DiskStamp.read(path).exists  # returns at once instead of blocking


def test_the_error_names_the_file_and_when(tmp_path: Path) -> None:
    path = tmp_path / "a.cnn.json"
    path.write_bytes(b"{}")
    error = ExternalChangeError(path, DiskStamp.read(path))
    assert str(error).startswith(f"{path}: changed on disk since it was opened or last saved")
    assert "\n" not in str(error)
    link = tmp_path / "link.cnn.json"
    link.symlink_to(path)
    assert same_file(link, tmp_path / "sub" / ".." / "a.cnn.json")
