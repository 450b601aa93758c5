"""Crash recovery: each running instance autosaves to its own recovery file, guarded by a lock.

The lock is an OS file lock (``flock``) on ``<pid>.lock``: the kernel releases it when the process
ends in any way, kill -9 included. At start-up, recovery files whose lock nobody holds belong to
an instance that died without closing cleanly, and the app offers to restore them; files of a
second instance that is still running are locked and left alone.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .design import Design
from .errors import DesignError
from .fileio import atomic_write, dumps_design, loads_design

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
    """The recovery folder of one running instance."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.pid = os.getpid()
        self._lock_file: IO[str] | None = None

    @property
    def recovery_path(self) -> Path:
        return self.folder / f"{self.pid}.cnn.json"

    @property
    def meta_path(self) -> Path:
        return self.folder / f"{self.pid}.meta.json"

    def acquire(self) -> None:
        """Create the folder and take this instance's lock (held until `release` or death)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        lock_path = self.folder / f"{self.pid}.lock"
        handle = open(lock_path, "w", encoding="utf-8")  # noqa: SIM115 - held for the process life
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write(str(self.pid))
        handle.flush()
        self._lock_file = handle
        self._remove_stale_temps()

    def write(self, design: Design, source: str | os.PathLike[str] | None) -> None:
        """Autosave ``design`` (atomically). ``source`` is the file it was opened from, if any."""
        self.write_text(dumps_design(design), design.name, source)

    def write_text(self, text: str, name: str, source: str | os.PathLike[str] | None) -> None:
        """Autosave already serialised design text (lets the caller serialise on its thread)."""
        meta = {"source": str(source) if source else None, "saved_at": time.time(), "name": name}
        # The design file is what makes an orphan, so it is replaced last: a kill between the
        # two writes leaves either nothing to offer yet, or the design with its own metadata.
        atomic_write(self.meta_path, json.dumps(meta).encode("utf-8"))
        atomic_write(self.recovery_path, text.encode("utf-8"))

    def clear(self) -> None:
        """Forget the autosave (after a successful save or a clean exit)."""
        for path in (self.recovery_path, self.meta_path):
            path.unlink(missing_ok=True)

    def release(self) -> None:
        """Clean exit: remove the autosave and the lock."""
        self.clear()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        (self.folder / f"{self.pid}.lock").unlink(missing_ok=True)

    def orphans(self) -> list[RecoveryEntry]:
        """Recovery files left by instances that are no longer running, newest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.glob("*.cnn.json"):
            pid_text = path.name.split(".", 1)[0]
            if (
                not pid_text.isdigit()
                or int(pid_text) == self.pid
                or _is_locked(self.folder, int(pid_text))
            ):
                continue
            meta = _read_meta(self.folder / f"{pid_text}.meta.json")
            found.append(
                RecoveryEntry(
                    path,
                    meta.get("source"),
                    float(meta.get("saved_at", path.stat().st_mtime)),
                    str(meta.get("name", "Untitled")),
                )
            )
        return sorted(found, key=lambda e: e.saved_at, reverse=True)

    def discard(self, entry: RecoveryEntry) -> None:
        """Delete an orphan (restored or declined) together with its meta and lock files."""
        pid_text = entry.path.name.split(".", 1)[0]
        for path in (
            entry.path,
            self.folder / f"{pid_text}.meta.json",
            self.folder / f"{pid_text}.lock",
        ):
            path.unlink(missing_ok=True)

    def _remove_stale_temps(self) -> None:
        """Delete what dead instances left besides a design: temp files, lone meta and locks."""
        for tmp in self.folder.glob(".*.tmp"):
            owner = tmp.name[1:].split(".", 1)[0]
            if owner.isdigit() and _is_locked(self.folder, int(owner)):
                continue
            tmp.unlink(missing_ok=True)
        for path in [*self.folder.glob("*.meta.json"), *self.folder.glob("*.lock")]:
            owner = path.name.split(".", 1)[0]
            if (
                not owner.isdigit()
                or int(owner) == self.pid
                or (self.folder / f"{owner}.cnn.json").exists()
                or _is_locked(self.folder, int(owner))
            ):
                continue
            path.unlink(missing_ok=True)


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


def _is_locked(folder: Path, pid: int) -> bool:
    """True while the instance with ``pid`` is alive (it holds the lock on its lock file)."""
    lock_path = folder / f"{pid}.lock"
    if not lock_path.exists():
        return False
    if fcntl is None:  # pragma: no cover - Windows: fall back to asking whether the pid exists
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    try:
        with open(lock_path, encoding="utf-8") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return False
    except OSError:
        return False


__all__ = ["DesignError", "RecoveryEntry", "RecoveryStore", "remove_stale_temps"]
