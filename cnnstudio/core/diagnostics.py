"""Diagnostics (errors and warnings) of the analysis, and the one-click fixes they may carry.

A fix is plain data: a list of edits that `cnnstudio.core.commands.fix_command` turns into one
undoable command, so the canvas applies it exactly like any other edit. A problem may have
several reasonable repairs (a kernel too large for its input: a smaller kernel, more padding,
padding "same"); ``fix`` is the first choice and ``alternatives`` the others, in the order the
canvas and the inspector offer them (``fixes`` is all of them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .formatting import one_line


@dataclass(frozen=True, slots=True)
class SetParamEdit:
    """Set ``layer.params[name] = value``."""

    layer: str
    name: str
    value: Any


@dataclass(frozen=True, slots=True)
class InsertLayerEdit:
    """Insert a new layer between ``consumer.inputs[slot]`` and ``consumer``."""

    consumer: str
    slot: int
    type: str
    params: dict[str, Any] = field(default_factory=dict)
    id_hint: str = ""


@dataclass(frozen=True, slots=True)
class RenameEdit:
    """Give ``layer`` the id ``new_id`` (references to it follow)."""

    layer: str
    new_id: str


@dataclass(frozen=True, slots=True)
class ClearWeightsEdit:
    """Hand ``layer``'s parameter values back to torch's initialisation (drop its fixed weights)."""

    layer: str


Edit = SetParamEdit | InsertLayerEdit | RenameEdit | ClearWeightsEdit


@dataclass(frozen=True, slots=True)
class Fix:
    """A suggested repair: a label for the button and the edits it performs."""

    label: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem: a stable ``code``, a message naming the layer and numbers, an optional fix."""

    code: str
    message: str
    layer: str | None = None
    fix: Fix | None = None
    severity: Literal["error", "warning"] = "error"
    alternatives: tuple[Fix, ...] = ()

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """Every offered repair, the first choice first (empty when there is none)."""
        return _fixes(self.fix, self.alternatives)

    def __post_init__(self) -> None:
        # Messages quote ids and values from the file: a newline in one must not split the line.
        if not self.message.isprintable():
            object.__setattr__(self, "message", one_line(self.message))


class LayerProblem(Exception):
    """Raised by a layer spec when its inputs or parameters break a rule."""

    def __init__(
        self,
        code: str,
        message: str,
        fix: Fix | None = None,
        alternatives: tuple[Fix, ...] = (),
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.fix = fix
        self.alternatives = alternatives

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """Every offered repair, the first choice first."""
        return _fixes(self.fix, self.alternatives)


def _fixes(first: Fix | None, others: tuple[Fix, ...]) -> tuple[Fix, ...]:
    return others if first is None else (first, *others)
