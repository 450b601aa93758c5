"""Issue 13 item 4: every save goes through one helper that writes through symlinks, refuses
what is not a regular file (leaving it as it is) and keeps the old file's mode, ``.bak`` too.

The tests run as root on CI, so the "device" is a named pipe or a folder made in the test's
own directory: the real ``/dev/null`` is never touched.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cnnstudio.core.atomic_file import (
    AtomicFile,
    NotRegularFileError,
    atomic_write,
    resolve_write_target,
)
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import load_design, save_design
from cnnstudio.core.recovery import RecoveryStore
from cnnstudio.core.templates import get_template

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_a_symlinked_design_stays_a_link_and_its_target_gets_the_save(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "net.cnn.json"
    save_design(get_template("lenet5"), target, backup=False)
    link = tmp_path / "link.cnn.json"
    link.symlink_to(os.path.relpath(target, tmp_path))

    design = get_template("simple-cnn")
    save_design(design, link)

    assert link.is_symlink() and os.readlink(link) == os.path.relpath(target, tmp_path)
    assert load_design(target).name == design.name
    # The backup and the temporary file live beside the target, not beside the link.
    assert load_design(real_dir / "net.cnn.json.bak").name == "LeNet-5"
    assert not (tmp_path / "link.cnn.json.bak").exists()
    assert _leftovers(real_dir) == [] and _leftovers(tmp_path) == []


def test_a_chain_of_links_is_followed_to_the_end(tmp_path: Path) -> None:
    target = tmp_path / "final.json"
    target.write_bytes(b"old")
    (tmp_path / "b").symlink_to(target)
    (tmp_path / "a").symlink_to(tmp_path / "b")
    assert atomic_write(tmp_path / "a", b"new") == target
    assert target.read_bytes() == b"new"
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.cnn.json"
    target = tmp_path / "later.cnn.json"
    link.symlink_to(target.name)
    save_design(get_template("lenet5"), link)
    assert link.is_symlink() and target.is_file()
    assert load_design(link).name == "LeNet-5"


@needs_fifo
def test_a_named_pipe_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.cnn.json"
    os.mkfifo(fifo)
    with pytest.raises(DesignError) as info:
        save_design(get_template("lenet5"), fifo)
    message = str(info.value)
    assert message == (
        f"{fifo}: cannot be written (a named pipe, not a regular file: left as it is)"
    )
    assert "\n" not in message
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _leftovers(tmp_path) == [] and not (tmp_path / "pipe.cnn.json.bak").exists()


@needs_fifo
def test_a_link_to_a_named_pipe_names_where_it_points(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.onnx"
    link.symlink_to(fifo)
    with pytest.raises(NotRegularFileError) as info:
        atomic_write(link, b"data")
    assert (
        info.value.strerror
        == f"it links to {fifo}, a named pipe, not a regular file: left as it is"
    )
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_folder_and_a_link_loop_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.cnn.json"
    folder.mkdir()
    with pytest.raises(NotRegularFileError, match="a folder, not a regular file"):
        atomic_write(folder, b"x")
    assert folder.is_dir()
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(NotRegularFileError, match="a symbolic link loop"):
        resolve_write_target(tmp_path / "a")
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600])
def test_the_new_file_and_its_backup_keep_the_old_files_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "net.cnn.json"
    save_design(get_template("lenet5"), path, backup=False)
    os.chmod(path, mode)
    save_design(get_template("simple-cnn"), path)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    bak = tmp_path / "net.cnn.json.bak"
    assert stat.S_IMODE(bak.stat().st_mode) == mode  # was 0600 whatever the file had
    assert load_design(bak).name == "LeNet-5"


@pytest.mark.skipif(not hasattr(os, "fchmod"), reason="POSIX permissions")
def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.bin", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.bin").stat().st_mode) == 0o640


def test_leaving_without_commit_leaves_the_target_untouched(tmp_path: Path) -> None:
    target = tmp_path / "w.pt"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), AtomicFile(target) as staged:
        with staged.open() as fh:
            fh.write(b"half")
        raise RuntimeError("the writer failed")
    assert target.read_bytes() == b"old" and _leftovers(tmp_path) == []


@needs_fifo
def test_autosave_writes_through_the_same_helper(tmp_path: Path) -> None:
    store = RecoveryStore(tmp_path)
    store.acquire()
    try:
        os.mkfifo(store.recovery_path)
        with pytest.raises(NotRegularFileError):
            store.write(get_template("lenet5"), None)
        assert stat.S_ISFIFO(os.lstat(store.recovery_path).st_mode)
    finally:
        store.recovery_path.unlink()
        store.release()
