"""What an open design file looked like on disk, to notice when another program changes it.

A session remembers a `DiskStamp` of its file when it opens it (taken *before* reading, so a
change made while reading is noticed later rather than missed) and after each save (of the
bytes it wrote itself, so its own save is never taken for someone else's). Before saving
over the file, and whenever the file watcher reports something, the file's current stamp is
compared with the remembered one: a different content hash means another writer (a second
cnnstudio, an editor, ``git checkout``) changed it, and the save must ask first
(`ExternalChangeError`). The modification time says when; the hash decides, so a ``touch`` or
an identical save is not a conflict.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import CnnStudioError

__all__ = ["DiskStamp", "ExternalChangeError", "same_file"]


@dataclass(frozen=True)
class DiskStamp:
    """Content hash, modification time and size of a file; ``sha256`` is None when absent."""

    sha256: str | None
    mtime_ns: int = 0
    size: int = 0

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> DiskStamp:
        """The stamp of the file at ``path`` now (absent, or unreadable, gives no hash)."""
        try:
            info = os.stat(path)
            if not stat.S_ISREG(info.st_mode):
                return cls(None)  # a pipe put in its place would block the read
            with open(path, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            return cls(None)
        return cls(digest, info.st_mtime_ns, info.st_size)

    @classmethod
    def written(cls, path: str | os.PathLike[str], data: bytes) -> DiskStamp:
        """The stamp of a file this process just wrote with ``data`` (hash of ``data`` itself:
        re-reading could pick up another writer's bytes and take them for ours)."""
        try:
            info = os.stat(path)
            mtime, size = info.st_mtime_ns, info.st_size
        except OSError:
            mtime, size = time.time_ns(), len(data)
        return cls(hashlib.sha256(data).hexdigest(), mtime, size)

    @property
    def exists(self) -> bool:
        return self.sha256 is not None

    def changed_by_others(self, current: DiskStamp) -> bool:
        """True when ``current`` holds content that this stamp did not (a deleted file is not:
        saving it again loses nothing)."""
        return current.exists and current.sha256 != self.sha256

    def when(self) -> str:
        """The modification time as ``HH:MM:SS`` (local time)."""
        return time.strftime("%H:%M:%S", time.localtime(self.mtime_ns / 1e9))


class ExternalChangeError(CnnStudioError):
    """Saving would overwrite changes another program made to the file since it was opened."""

    def __init__(self, path: Path, current: DiskStamp) -> None:
        self.path = path
        self.current = current
        super().__init__(
            f"{path}: changed on disk since it was opened or last saved here "
            f"(modified at {current.when()})"
        )


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when ``a`` and ``b`` name one file (through symlinks and ``..``), existing or not."""
    return os.path.realpath(a) == os.path.realpath(b)
