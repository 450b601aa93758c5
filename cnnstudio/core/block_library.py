"""The user's library of composite blocks ("My blocks" in the palette): one file per block.

A folder holds one ``NAME.cnnblock.json`` per block (docs/design-format.md, "Composite
blocks"); one file per block means a damaged file costs that block only, and a block can be
shared by copying its file. Every write goes through `atomic_write`. A file that is not a block
is never deleted or overwritten: it is renamed aside to ``FILE.bad`` (``FILE.bad2``... if that
is taken) and reported in one line, so the user still has it and the next start is quiet.
The folder is chosen by the caller (the GUI uses the app's data folder); Qt-free.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .atomic_file import atomic_write
from .composite import CompositeBlock, CompositeError, dumps_block, loads_block, name_problem
from .formatting import one_line
from .i18n import translate

SUFFIX = ".cnnblock.json"
MAX_BLOCK_BYTES = 16 * 1024 * 1024  # a block of thousands of layers is well under 1 MiB


@dataclass
class LibraryEntry:
    """One block of the library and the file it lives in."""

    block: CompositeBlock
    path: Path

    @property
    def name(self) -> str:
        return self.block.name


@dataclass
class BlockLibrary:
    """The blocks in ``folder``, read by `load`; `problems` says what was kept aside."""

    folder: Path
    entries: list[LibraryEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def load(self) -> list[str]:
        """Read every block file (sorted by name); returns this load's one-line problems."""
        self.entries = []
        found: list[str] = []
        if not self.folder.is_dir():
            return found
        for path in sorted(self.folder.glob("*" + SUFFIX)):
            try:
                with open(path, "rb") as fh:
                    data = fh.read(MAX_BLOCK_BYTES + 1)
                if len(data) > MAX_BLOCK_BYTES:
                    raise CompositeError(
                        translate("BlockLibrary", "{name}: too large to be a block").format(
                            name=path.name
                        )
                    )
                block = loads_block(data.decode("utf-8"), path.name)
            except (CompositeError, UnicodeDecodeError, OSError) as err:
                found.append(self._set_aside(path, err))
                continue
            if self.find(block.name) is not None:
                found.append(self._set_aside(path, f"{path.name}: a second block {block.name!r}"))
                continue
            self.entries.append(LibraryEntry(block, path))
        self.entries.sort(key=lambda e: e.name.casefold())
        self.problems = found
        return found

    def _set_aside(self, path: Path, why: object) -> str:
        text = (
            translate("BlockLibrary", "not UTF-8 text")
            if isinstance(why, UnicodeDecodeError)
            else translate("BlockLibrary", "cannot be read ({strerror})").format(
                strerror=why.strerror
            )
            if isinstance(why, OSError)
            else str(why)
        )
        text = text.removeprefix(f"{path.name}: ")
        aside = path.with_name(path.name + ".bad")
        n = 2
        while aside.exists():
            aside = path.with_name(f"{path.name}.bad{n}")
            n += 1
        try:
            os.replace(path, aside)
        except OSError as exc:
            return one_line(
                f"My blocks: {path.name} is not a block ({text}); left as it is ({exc.strerror})"
            )
        return one_line(
            f"My blocks: {path.name} is not a block ({text}); kept aside as {aside.name}"
        )

    def find(self, name: str) -> LibraryEntry | None:
        """The entry called ``name`` (names are compared ignoring case)."""
        key = name.strip().casefold()
        return next((e for e in self.entries if e.name.casefold() == key), None)

    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    def save(self, block: CompositeBlock) -> LibraryEntry:
        """Write ``block``, replacing a block of the same name; raises `OSError` on failure."""
        old = self.find(block.name)
        path = old.path if old is not None else self._fresh_path(block.name)
        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, dumps_block(block).encode("utf-8"))
        entry = LibraryEntry(block, path)
        if old is not None:
            self.entries.remove(old)
        self.entries.append(entry)
        self.entries.sort(key=lambda e: e.name.casefold())
        return entry

    def rename(self, name: str, new: str) -> LibraryEntry:
        """Give a block a new name (and file); raises `CompositeError` for a bad or taken name."""
        entry = self.find(name)
        if entry is None:
            raise CompositeError(
                translate("BlockLibrary", "there is no block {name!r}").format(name=name)
            )
        if (why := name_problem(new)) is not None:
            raise CompositeError(why)
        other = self.find(new)
        if other is not None and other is not entry:
            raise CompositeError(
                translate("BlockLibrary", "a block named {name!r} exists already").format(
                    name=other.name
                )
            )
        block = CompositeBlock(new.strip(), entry.block.design)
        block.design.name = block.name
        path = self._fresh_path(block.name, keep=entry.path)
        atomic_write(path, dumps_block(block).encode("utf-8"))
        if path != entry.path:
            entry.path.unlink(missing_ok=True)
        self.entries.remove(entry)
        renamed = LibraryEntry(block, path)
        self.entries.append(renamed)
        self.entries.sort(key=lambda e: e.name.casefold())
        return renamed

    def delete(self, name: str) -> None:
        """Remove a block and its file."""
        entry = self.find(name)
        if entry is None:
            raise CompositeError(
                translate("BlockLibrary", "there is no block {name!r}").format(name=name)
            )
        entry.path.unlink(missing_ok=True)
        self.entries.remove(entry)

    def _fresh_path(self, name: str, keep: Path | None = None) -> Path:
        """A file name for ``name``: its letters and digits, numbered when taken."""
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", name).strip("_")[:60] or "block"
        path = self.folder / (stem + SUFFIX)
        n = 2
        while path.exists() and path != keep:
            path = self.folder / f"{stem}-{n}{SUFFIX}"
            n += 1
        return path
