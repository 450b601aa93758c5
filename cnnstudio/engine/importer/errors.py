"""The importer's user-facing errors: one line each, with the CLI exit code they mean."""

from __future__ import annotations

from ...core.errors import CnnStudioError


class ImportSourceError(CnnStudioError):
    """The source is not something to import: a missing file or name, not a module (exit 2)."""


class ImportModelError(CnnStudioError):
    """The model cannot be imported: its construction or forward fails, data-dependent shapes,
    a program of another torch version (exit 1)."""
