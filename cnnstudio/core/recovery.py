"""Crash recovery: each running instance autosaves to its own recovery file, guarded by a lock.

The lock is an OS file lock (``flock``) on ``<key>.lock`` (the key is the pid, see
`RecoveryStore`): the kernel releases it when the process ends in any way, kill -9 included. At
start-up, recovery files whose lock nobody holds belong to an instance that died without closing
cleanly, and the app offers to restore them; files of a second instance that is still running
are locked and left alone. Without ``fcntl`` (Windows) a lock file that cannot be deleted is the
sign of life: Windows refuses to delete a file another process holds open.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .atomic_file import atomic_write
from .design import Design
from .errors import DesignError
from .fileio import dumps_design, loads_design

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True)
class RecoveryEntry:
    """An orphaned recovery file: what was being edited, where it came from, and when."""

    path: Path
    source: str | None
    saved_at: float
    name: str

    def load(self) -> Design:
        """The autosaved design; raises `DesignError` if the file is damaged."""
        return loads_design(self.path.read_text(encoding="utf-8"), str(self.path))


class RecoveryStore:
    """The recovery folder of one running instance.

    Its files are ``<key>.cnn.json`` (the autosave), ``<key>.meta.json`` (where it came from)
    and ``<key>.lock``. The key is the process id, or the pid and a number when files of a
    dead instance with the same pid (a pid reused after a reboot) are still waiting there.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.pid = os.getpid()
        self.key = str(self.pid)
        self._lock_file: IO[str] | None = None

    @property
    def recovery_path(self) -> Path:
        return self.folder / f"{self.key}.cnn.json"

    @property
    def meta_path(self) -> Path:
        return self.folder / f"{self.key}.meta.json"

    def acquire(self) -> None:
        """Create the folder and take this instance's lock (held until `release` or death).

        Raises ``OSError`` when the folder cannot be written or no lock can be taken.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        for _ in range(100):
            self.key = self._free_key()
            handle = _take_lock(self.folder / f"{self.key}.lock")
            if handle is not None:
                break
            # Another live instance has this key (one from another pid namespace, such as a
            # sandbox sharing the folder, or one that took it just now): try the next key.
        else:
            raise OSError(f"{self.folder}: no recovery lock could be taken")
        handle.truncate(0)
        handle.write(str(self.pid))
        handle.flush()
        self._lock_file = handle
        self._remove_leftovers()

    def _free_key(self) -> str:
        """The pid, unless a dead instance with the same pid left an autosave under it, or
        another store of this very process holds it (the blocking lock would wait forever)."""
        key, number = str(self.pid), 1
        while (self.folder / f"{key}.cnn.json").exists() or _is_locked(self.folder, key):
            key, number = f"{self.pid}-{number}", number + 1
        return key

    def write(self, design: Design, source: str | os.PathLike[str] | None) -> None:
        """Autosave ``design`` (atomically). ``source`` is the file it was opened from, if any."""
        self.write_text(dumps_design(design), design.name, source)

    def write_text(self, text: str, name: str, source: str | os.PathLike[str] | None) -> None:
        """Autosave already serialised design text (lets the caller serialise on its thread)."""
        meta = {"source": str(source) if source else None, "saved_at": time.time(), "name": name}
        # The design file is what makes an orphan, so it is written last: a kill between the
        # two writes leaves no orphan at the first autosave, and later on at worst the previous
        # design beside the newer meta (same source; name and time one autosave ahead).
        atomic_write(self.meta_path, json.dumps(meta).encode("utf-8"))
        atomic_write(self.recovery_path, text.encode("utf-8"))

    def clear(self) -> None:
        """Forget the autosave (after a successful save or a clean exit)."""
        for path in (self.recovery_path, self.meta_path):
            path.unlink(missing_ok=True)

    def release(self) -> None:
        """Clean exit: remove the autosave and the lock."""
        self.clear()
        if self._lock_file is None:
            return
        lock_path = self.folder / f"{self.key}.lock"
        if fcntl is not None:
            # Unlinked while still locked, so nobody can find it unlocked and misjudge it.
            lock_path.unlink(missing_ok=True)
            self._lock_file.close()
        else:  # pragma: no cover - Windows cannot delete a file that is still open
            self._lock_file.close()
            with contextlib.suppress(OSError):
                lock_path.unlink(missing_ok=True)
        self._lock_file = None

    def orphans(self) -> list[RecoveryEntry]:
        """Recovery files left by instances that are no longer running, newest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob("*.cnn.json"):
            key = path.name[: -len(".cnn.json")]
            if key == self.key or _is_locked(self.folder, key):
                continue
            meta = _read_meta(self.folder / f"{key}.meta.json")
            saved_at = meta.get("saved_at")
            if not isinstance(saved_at, (int, float)):
                try:
                    saved_at = path.stat().st_mtime
                except OSError:
                    continue  # another instance restored or discarded it just now
            found.append(
                RecoveryEntry(
                    path, meta.get("source"), float(saved_at), str(meta.get("name", "Untitled"))
                )
            )
        return sorted(found, key=lambda e: e.saved_at, reverse=True)

    def discard(self, entry: RecoveryEntry) -> None:
        """Delete an orphan (restored or declined) together with its meta and lock files."""
        key = entry.path.name[: -len(".cnn.json")]
        entry.path.unlink(missing_ok=True)
        (self.folder / f"{key}.meta.json").unlink(missing_ok=True)
        _remove_if_unlocked(self.folder / f"{key}.lock")

    def _remove_leftovers(self) -> None:
        """Delete what dead instances left besides a design: temp files, lone meta and locks."""
        for tmp in self.folder.glob(".*.tmp"):
            owner = tmp.name[1:].split(".", 1)[0]  # ".<key>.cnn.json.<random>.tmp"
            if owner != self.key and not _is_locked(self.folder, owner):
                tmp.unlink(missing_ok=True)
        for path in self.folder.glob("*.meta.json"):
            owner = path.name[: -len(".meta.json")]
            if owner == self.key or (self.folder / f"{owner}.cnn.json").exists():
                continue
            if not _is_locked(self.folder, owner):
                path.unlink(missing_ok=True)
        for path in self.folder.glob("*.lock"):
            owner = path.name[: -len(".lock")]
            if owner != self.key and not (self.folder / f"{owner}.cnn.json").exists():
                _remove_if_unlocked(path)


def remove_stale_temps(design_path: str | os.PathLike[str]) -> int:
    """Delete temporary files that an interrupted atomic save of ``design_path`` left beside it."""
    path = Path(design_path)
    count = 0
    if path.parent.is_dir():
        for tmp in path.parent.glob(f".{path.name}.*.tmp"):
            tmp.unlink(missing_ok=True)
            count += 1
        for tmp in path.parent.glob(f".{path.name}.bak.*.tmp"):
            tmp.unlink(missing_ok=True)
            count += 1
    return count


def _read_meta(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _take_lock(lock_path: Path) -> IO[str] | None:
    """Open and lock ``lock_path`` (made if missing); None while a live instance holds it."""
    deadline = time.monotonic() + 0.5
    while True:
        handle = open(lock_path, "a", encoding="utf-8")  # noqa: SIM115 - held for life
        if fcntl is None:  # pragma: no cover - Windows: the open file itself is the lock
            return handle
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            if time.monotonic() > deadline:
                return None  # held for real
            time.sleep(0.01)  # another instance may hold it a moment to see whether it lives
            continue
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(lock_path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return handle
        # Another start-up's cleanup removed the file between our open and lock, taking it
        # for a dead instance's: lock a fresh one, or we would look dead to everyone.
        handle.close()


def _is_locked(folder: Path, key: str) -> bool:
    """True while the instance with ``key`` is alive (it holds the lock on its lock file)."""
    lock_path = folder / f"{key}.lock"
    if not lock_path.exists():
        return False
    if fcntl is None:  # pragma: no cover - Windows
        # A running instance keeps its lock file open, and Windows refuses to delete an open
        # file; a dead instance's lock file is garbage, so deleting it is no loss.
        try:
            lock_path.unlink()
        except PermissionError:
            return True
        except OSError:
            return False
        return False
    try:
        with open(lock_path, encoding="utf-8") as handle:
            try:
                # Shared: two instances asking at once must not take each other for owners.
                fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return False
    except OSError:
        return False


def _remove_if_unlocked(lock_path: Path) -> None:
    """Delete a dead instance's lock file, holding its lock while doing it.

    A live instance that has just opened the file but not yet locked it then finds the file
    gone once it has the lock, and locks a fresh one (see `_take_lock`).
    """
    if fcntl is None:  # pragma: no cover - Windows: an open (live) lock file cannot be deleted
        with contextlib.suppress(OSError):
            lock_path.unlink(missing_ok=True)
        return
    try:
        with open(lock_path, encoding="utf-8") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # alive
            lock_path.unlink(missing_ok=True)
    except OSError:
        return


__all__ = ["DesignError", "RecoveryEntry", "RecoveryStore", "remove_stale_temps"]
