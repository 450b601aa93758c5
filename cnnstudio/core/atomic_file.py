"""The one way cnnstudio writes a file: atomically, through symlinks, never over a non-file.

Every output (design saves and their ``.bak``, autosaves, exports, checkpoints, training
metrics) goes through `AtomicFile` or `atomic_write`:

- the data goes to a temporary file beside the target, is flushed and fsynced, then renamed
  over the target, so a crash leaves the old file or the new one, never half of one;
- a symlink is followed to its final target, and the temporary file is made beside *that*, so
  the link stays a link and its target gets the new content (a dangling link creates its
  target);
- anything that is not a regular file (a device such as ``/dev/null``, a named pipe, a socket,
  a folder) is refused with `NotRegularFileError`, and left exactly as it was;
- the new file keeps the old one's permission bits (and owner, where the OS allows), and so
  does ``<file>.bak``; a new file gets ``0666`` less the umask, as ``open()`` would give it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "AtomicFile",
    "NotRegularFileError",
    "atomic_write",
    "fsync_dir",
    "resolve_write_target",
]


class NotRegularFileError(OSError):
    """The path names something a save must not replace (a device, a pipe, a folder, ...).

    ``strerror`` is the reason in words (``"a named pipe, not a regular file: left as it
    is"``), so callers that report ``f"{path}: cannot be written ({exc.strerror})"`` print one
    line that says what the path is.
    """

    def __init__(self, path: Path, what: str, target: Path | None = None) -> None:
        reason = f"{what}, not a regular file: left as it is"
        if target is not None:
            reason = f"it links to {target}, {reason}"
        super().__init__(errno.EEXIST, reason, str(path))
        self.path = path
        self.what = what


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link loop"
    return "a special file"


def resolve_write_target(path: str | os.PathLike[str]) -> Path:
    """Where a write of ``path`` must land: the final target of a symlink, else ``path``.

    Raises `NotRegularFileError` when that target exists and is not a regular file (or the
    links go round in a loop). A missing target is fine: the write creates it.
    """
    given = Path(path)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise NotRegularFileError(given, "a symbolic link loop") from None
        raise
    if not stat.S_ISREG(info.st_mode):
        via = target if target != given else None
        raise NotRegularFileError(given, _kind(info.st_mode), via)
    return target


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _copy_metadata(fd: int, info: os.stat_result | None) -> None:
    """Give the temporary file the mode (and owner) of the file it replaces."""
    if not hasattr(os, "fchmod"):  # pragma: no cover - Windows
        return
    os.fchmod(fd, stat.S_IMODE(info.st_mode) if info is not None else _new_file_mode())
    if info is not None and hasattr(os, "fchown"):
        # Root saving another user's file must not hand it to root; anyone else may only keep
        # their own ids, so a refusal here is expected and harmless.
        with contextlib.suppress(OSError):
            os.fchown(fd, info.st_uid, info.st_gid)


class AtomicFile:
    """A write of one file, staged in a temporary beside its (resolved) target.

    Use it when the writer needs a path or a file object (``torch.save``, ``torch.jit.save``)::

        with AtomicFile(path) as staged:
            torch.save(obj, staged.temp_path)
            staged.commit()

    Leaving the ``with`` block without `commit` (an exception, an early return) removes the
    temporary file and leaves the target untouched. The constructor already refuses a target
    that is not a regular file, and fails at once when the folder is not writable.
    """

    def __init__(self, path: str | os.PathLike[str], *, backup: bool = False) -> None:
        self.path = Path(path)
        self.target = resolve_write_target(self.path)
        self.backup = backup
        folder = self.target.parent if str(self.target.parent) else Path(".")
        self.folder = folder
        try:
            self._old: os.stat_result | None = os.stat(self.target)
        except FileNotFoundError:
            self._old = None
        fd, tmp = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp", dir=folder)
        self.temp_path = tmp
        self._done = False
        try:
            _copy_metadata(fd, self._old)
        finally:
            os.close(fd)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    @contextlib.contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The temporary file opened for writing; flushed and fsynced when the block ends."""
        with open(self.temp_path, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())

    def write(self, data: bytes) -> None:
        """Write all of ``data`` to the temporary file (durably)."""
        with self.open() as fh:
            fh.write(data)

    def sync(self) -> None:
        """fsync the temporary file, for writers that wrote it by its path (torch.jit.save)."""
        fd = os.open(self.temp_path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def commit(self) -> Path:
        """Keep ``<file>.bak`` if asked, then rename the temporary over the target; returns it."""
        if self._done:
            raise RuntimeError("this AtomicFile is already committed or discarded")
        # Checked again: something may have replaced the target while the data was written.
        resolve_write_target(self.target)
        if self.backup and self._old is not None and self.target.is_file():
            bak = self.target.with_name(self.target.name + ".bak")
            with AtomicFile(bak) as staged:
                # The backup is the old file, so it gets the old file's mode, not its own.
                if hasattr(os, "chmod"):
                    os.chmod(staged.temp_path, stat.S_IMODE(self._old.st_mode))
                staged.write(self.target.read_bytes())
                staged.commit()
        os.replace(self.temp_path, self.target)
        self._done = True
        fsync_dir(self.folder)
        return self.target

    def discard(self) -> None:
        """Remove the temporary file (nothing is written); a no-op after `commit`."""
        if not self._done:
            self._done = True
            with contextlib.suppress(OSError):
                os.unlink(self.temp_path)


def atomic_write(path: str | os.PathLike[str], data: bytes, *, backup: bool = False) -> Path:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never half.

    Follows a symlink to its target and refuses a target that is not a regular file (see the
    module docstring). With ``backup``, the previous content is kept as ``<target>.bak``.
    Returns the file actually written (the symlink's target, or ``path``).
    """
    with AtomicFile(path, backup=backup) as staged:
        staged.write(data)
        return staged.commit()


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename inside ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
