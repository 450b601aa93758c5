"""Undoable edits of a design: the one write path every user interaction goes through.

Each command knows how to do and undo itself on a `Design`. `History` runs them, keeps the undo
and redo stacks, merges consecutive edits of one parameter into one step, and tracks the saved
("clean") point for the unsaved-changes mark. The Qt undo/redo actions only read its state.
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .design import MISSING, Design, Layer, unique_id
from .diagnostics import ClearWeightsEdit, Fix, InsertLayerEdit, RenameEdit, SetParamEdit
from .groups import fresh_group_names
from .i18n import translate

"""Pass as a value to `SetParam` to remove the parameter (back to its default)."""


class Command(ABC):
    """Base class: ``label`` names the step in the Edit menu ("Undo Set kernel_size")."""

    label: str

    @abstractmethod
    def do(self, design: Design) -> None:
        """Apply the edit."""

    @abstractmethod
    def undo(self, design: Design) -> None:
        """Revert exactly what `do` changed."""

    def merge(self, other: Command) -> bool:
        """Absorb ``other`` (done right after this one) into this step; False when unrelated."""
        return False


@dataclass
class AddLayer(Command):
    """Add one layer (a palette drop)."""

    layer: Layer
    index: int | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return translate("Commands", "Add {id}").format(id=self.layer.id)

    def do(self, design: Design) -> None:
        design.add_layer(self.layer.copy(), self.index)

    def undo(self, design: Design) -> None:
        design.remove_layer(self.layer.id)


@dataclass
class RemoveLayers(Command):
    """Delete layers. With ``bridge``, a consumer of a deleted one-input layer is fed by that
    layer's own input instead (deleting a block from a chain keeps the chain); other
    connections to deleted layers are dropped. Undo restores everything."""

    ids: list[str]
    bridge: bool = True
    _removed: list[tuple[int, Layer]] = field(default_factory=list)
    _inputs: dict[str, list[str]] = field(default_factory=dict)
    _output: str | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return (
            translate("Commands", "Delete {value}").format(value=", ".join(self.ids))
            if len(self.ids) <= 3
            else translate("Commands", "Delete {value} blocks").format(value=len(self.ids))
        )

    def do(self, design: Design) -> None:
        gone = set(self.ids)
        self._output = design.output
        self._inputs = {
            lay.id: list(lay.inputs)
            for lay in design
            if lay.id not in gone and any(i in gone for i in lay.inputs)
        }
        # Remove from the back so each stored index is valid again when undo re-inserts in order.
        positions = sorted(((design.index_of(i), i) for i in self.ids), reverse=True)
        self._removed = [(pos, design.remove_layer(lid)[0]) for pos, lid in positions]
        for lid, inputs in self._inputs.items():
            replaced = (self._replacement(i, gone) for i in inputs)
            design.set_inputs(lid, [r for r in replaced if r is not None])
        if design.output in gone:
            design.set_meta(output=None)

    def _replacement(self, source: str, gone: set[str]) -> str | None:
        """What a consumer of ``source`` is fed by after the deletion (None: nothing)."""
        removed = {layer.id: layer for _, layer in self._removed}
        seen: set[str] = set()
        while source in gone:
            layer = removed.get(source)
            if not self.bridge or layer is None or len(layer.inputs) != 1 or source in seen:
                return None
            seen.add(source)
            source = layer.inputs[0]
        return source

    def undo(self, design: Design) -> None:
        for pos, layer in reversed(self._removed):
            design.add_layer(layer.copy(), pos)
        for lid, inputs in self._inputs.items():
            design.set_inputs(lid, inputs)
        if design.output != self._output:
            design.set_meta(output=self._output)


@dataclass
class SetParam(Command):
    """Set (or with `MISSING`, clear) one parameter. Consecutive edits of it merge."""

    layer: str
    name: str
    value: Any
    _old: Any = MISSING

    @property
    def label(self) -> str:  # type: ignore[override]
        return translate("Commands", "Set {layer}.{name}").format(layer=self.layer, name=self.name)

    def do(self, design: Design) -> None:
        params = design[self.layer].params
        self._old = copy.deepcopy(params[self.name]) if self.name in params else MISSING
        design.set_param(self.layer, self.name, self.value)

    def undo(self, design: Design) -> None:
        design.set_param(self.layer, self.name, self._old)

    def merge(self, other: Command) -> bool:
        if isinstance(other, SetParam) and (other.layer, other.name) == (self.layer, self.name):
            self.value = other.value
            return True
        return False


@dataclass
class SetInputs(Command):
    """Replace a layer's ordered inputs (connect, disconnect, reorder)."""

    layer: str
    inputs: list[str]
    label: str = "Connect"
    _old: list[str] = field(default_factory=list)

    def do(self, design: Design) -> None:
        self._old = list(design[self.layer].inputs)
        design.set_inputs(self.layer, self.inputs)

    def undo(self, design: Design) -> None:
        design.set_inputs(self.layer, self._old)


@dataclass
class MoveLayers(Command):
    """Move blocks; one gesture that moves many blocks is one step."""

    positions: dict[str, tuple[float, float] | None]
    label: str = "Move"
    _old: dict[str, tuple[float, float] | None] = field(default_factory=dict)

    def do(self, design: Design) -> None:
        self._old = {lid: design[lid].pos for lid in self.positions}
        for lid, pos in self.positions.items():
            design.set_pos(lid, pos)

    def undo(self, design: Design) -> None:
        for lid, pos in self._old.items():
            design.set_pos(lid, pos)


@dataclass
class SetFrozen(Command):
    """Freeze or unfreeze a layer's parameters (transfer learning)."""

    layer: str
    frozen: bool

    @property
    def label(self) -> str:  # type: ignore[override]
        text = (
            translate("Commands", "Freeze {layer}")
            if self.frozen
            else translate("Commands", "Unfreeze {layer}")
        )
        return text.format(layer=self.layer)

    def do(self, design: Design) -> None:
        self._old = design[self.layer].frozen
        design.set_frozen(self.layer, self.frozen)

    def undo(self, design: Design) -> None:
        design.set_frozen(self.layer, self._old)


@dataclass
class SetWeights(Command):
    """Fix a layer's parameter values (`fixed_weights`), or hand them back to torch (None)."""

    layer: str
    weights: dict[str, Any] | None
    label: str = "Set fixed weights"

    def do(self, design: Design) -> None:
        self._old = design[self.layer].weights
        design.set_weights(self.layer, copy.deepcopy(self.weights))

    def undo(self, design: Design) -> None:
        design.set_weights(self.layer, self._old)


@dataclass
class SetLabel(Command):
    """Change a block's display label."""

    layer: str
    text: str | None
    label: str = "Set label"

    def do(self, design: Design) -> None:
        self._old = design[self.layer].label
        design.set_label(self.layer, self.text)

    def undo(self, design: Design) -> None:
        design.set_label(self.layer, self._old)


@dataclass
class SetGroups(Command):
    """Move layers into other groups (dotted paths; None: no group) as one step."""

    groups: dict[str, str | None]
    label: str = "Group"
    _old: dict[str, str | None] = field(default_factory=dict)

    def do(self, design: Design) -> None:
        self._old = {lid: design[lid].group for lid in self.groups}
        for lid, group in self.groups.items():
            design.set_group(lid, group)

    def undo(self, design: Design) -> None:
        for lid, group in self._old.items():
            design.set_group(lid, group)


@dataclass
class RenameLayer(Command):
    """Change a layer's id; references follow."""

    old: str
    new: str

    @property
    def label(self) -> str:  # type: ignore[override]
        return translate("Commands", "Rename {old} to {new}").format(old=self.old, new=self.new)

    def do(self, design: Design) -> None:
        design.rename(self.old, self.new)

    def undo(self, design: Design) -> None:
        design.rename(self.new, self.old)


@dataclass
class SetMeta(Command):
    """Change the design's name, output or training settings."""

    changes: dict[str, Any]
    label: str = "Change design"
    _old: dict[str, Any] = field(default_factory=dict)

    def do(self, design: Design) -> None:
        self._old = {key: copy.deepcopy(getattr(design, key)) for key in self.changes}
        design.set_meta(**copy.deepcopy(self.changes))

    def undo(self, design: Design) -> None:
        design.set_meta(**copy.deepcopy(self._old))


@dataclass
class Macro(Command):
    """Several commands as one undo step (paste, insert, a fix, an auto-layout)."""

    label: str
    commands: list[Command]

    def do(self, design: Design) -> None:
        for cmd in self.commands:
            cmd.do(design)

    def undo(self, design: Design) -> None:
        for cmd in reversed(self.commands):
            cmd.undo(design)


class History:
    """The undo/redo stacks of one design, and its saved point."""

    def __init__(self, design: Design, limit: int = 1000) -> None:
        self.design = design
        self.limit = limit
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._clean: int | None = 0  # len(_undo) at the last save; None = unreachable
        self._merge_open = True
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever the stacks or the clean state change."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def push(self, command: Command) -> None:
        """Do ``command`` and record it (merged into the previous step where it allows)."""
        command.do(self.design)
        self._redo.clear()
        last = self._undo[-1] if self._undo else None
        can_merge = self._merge_open and last is not None and self._clean != len(self._undo)
        if not (can_merge and last is not None and last.merge(command)):
            if self._clean is not None and self._clean > len(self._undo):
                self._clean = None
            self._undo.append(command)
            if len(self._undo) > self.limit:
                self._undo.pop(0)
                self._clean = None if self._clean in (None, 0) else self._clean - 1
        self._merge_open = True
        self._changed()

    def break_merge(self) -> None:
        """The next edit starts a new step even if it could merge (focus left the field)."""
        self._merge_open = False

    def undo(self) -> bool:
        """Undo the last step; False when there is none."""
        if not self._undo:
            return False
        cmd = self._undo.pop()
        cmd.undo(self.design)
        self._redo.append(cmd)
        self._merge_open = False
        self._changed()
        return True

    def redo(self) -> bool:
        """Redo the last undone step; False when there is none."""
        if not self._redo:
            return False
        cmd = self._redo.pop()
        cmd.do(self.design)
        self._undo.append(cmd)
        self._merge_open = False
        self._changed()
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    @property
    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    @property
    def is_clean(self) -> bool:
        """True when the design equals what was last saved (or loaded)."""
        return self._clean == len(self._undo)

    def mark_clean(self) -> None:
        """The design was just saved."""
        self._clean = len(self._undo)
        self._merge_open = False
        self._changed()

    def mark_dirty(self) -> None:
        """The design differs from its file although no step was taken (a restored autosave)."""
        self._clean = None
        self._changed()

    def clear(self) -> None:
        """Forget every step (after New or Open)."""
        self._undo.clear()
        self._redo.clear()
        self._clean = 0
        self._changed()


# -- building commands for common gestures --------------------------------------------------------
def connect(design: Design, source: str, target: str, slot: int | None = None) -> SetInputs:
    """Connect ``source``'s output to ``target``: appended for merges, else replacing the input."""
    from .catalog import SPECS

    inputs = list(design[target].inputs)
    spec = SPECS.get(design[target].type)
    multi = spec is not None and (spec.max_inputs is None or spec.max_inputs > 1)
    if slot is not None and slot < len(inputs):
        inputs[slot] = source
    elif multi:
        inputs.append(source)
    else:
        inputs = [source]
    return SetInputs(
        target,
        inputs,
        label=translate("Commands", "Connect {source} to {target}").format(
            source=source, target=target
        ),
    )


def disconnect(design: Design, source: str, target: str) -> SetInputs:
    """Remove the connection from ``source`` to ``target``."""
    inputs = [i for i in design[target].inputs if i != source]
    return SetInputs(
        target,
        inputs,
        label=translate("Commands", "Disconnect {source} from {target}").format(
            source=source, target=target
        ),
    )


def insert_between(
    design: Design,
    layer: Layer,
    consumer: str,
    slot: int = 0,
) -> Macro:
    """Insert ``layer`` on the connection into ``consumer.inputs[slot]``."""
    inputs = list(design[consumer].inputs)
    source = inputs[slot]
    new = layer.copy()
    new.inputs = [source]
    inputs[slot] = new.id
    index = design.index_of(consumer)
    return Macro(
        f"Insert {new.id}",
        [
            AddLayer(new, index),
            SetInputs(
                consumer, inputs, label=translate("Commands", "Insert {id}").format(id=new.id)
            ),
        ],
    )


def append_after(design: Design, layer: Layer, after: str) -> Macro:
    """Add ``layer`` fed by ``after``; ``after``'s consumers are fed by ``layer`` instead."""
    new = layer.copy()
    new.inputs = [after]
    steps: list[Command] = [AddLayer(new, design.index_of(after) + 1)]
    for consumer in design.consumers(after):
        inputs = [new.id if i == after else i for i in design[consumer].inputs]
        steps.append(SetInputs(consumer, inputs))
    if design.output == after:
        steps.append(SetMeta({"output": new.id}))
    return Macro(f"Add {new.id}", steps)


def paste_layers(
    design: Design, layers: Sequence[Layer], offset: tuple[float, float] = (40, 40)
) -> Macro:
    """Add copies of ``layers`` with fresh ids; connections among them are kept, others dropped."""
    mapping: dict[str, str] = {}
    taken = set(design.layers)
    for lay in layers:
        new_id = unique_id(lay.id, taken)
        mapping[lay.id] = new_id
        taken.add(new_id)
    steps: list[Command] = []
    regroup = fresh_group_names(design, layers)
    for lay in layers:
        new = lay.copy()
        new.id = mapping[lay.id]
        new.inputs = [mapping[i] for i in lay.inputs if i in mapping]
        new.group = regroup(lay.group)
        if lay.pos is not None:
            new.pos = (lay.pos[0] + offset[0], lay.pos[1] + offset[1])
        steps.append(AddLayer(new))
    return Macro(f"Paste {len(layers)} block{'s' if len(layers) != 1 else ''}", steps)


def fix_command(design: Design, fix: Fix) -> Macro:
    """The undoable command that applies a diagnostic's suggested fix."""
    from .catalog import SPECS

    steps: list[Command] = []
    work = design.clone()  # ids must stay unique across the edits of one fix
    for edit in fix.edits:
        step: Command
        if isinstance(edit, SetParamEdit):
            step = SetParam(edit.layer, edit.name, edit.value)
        elif isinstance(edit, RenameEdit):
            step = RenameLayer(edit.layer, edit.new_id)
        elif isinstance(edit, ClearWeightsEdit):
            step = SetWeights(
                edit.layer,
                None,
                label=translate("Commands", "Clear {layer}'s fixed weights").format(
                    layer=edit.layer
                ),
            )
        elif isinstance(edit, InsertLayerEdit):
            new_id = work.unique_id(edit.id_hint or edit.type.lower())
            spec = SPECS[edit.type]
            params = {k: v for k, v in edit.params.items() if k in spec.param_map}
            consumer = work[edit.consumer]
            source_pos = (
                work[consumer.inputs[edit.slot]].pos if consumer.inputs[edit.slot] in work else None
            )
            pos = _midpoint(source_pos, consumer.pos)
            step = insert_between(
                work, Layer(new_id, edit.type, params=params, pos=pos), edit.consumer, edit.slot
            )
        else:  # pragma: no cover - Edit is a closed union
            raise TypeError(f"unknown edit {edit!r}")
        step.do(work)
        steps.append(step)
    return Macro(fix.label, steps)


def _midpoint(
    a: tuple[float, float] | None, b: tuple[float, float] | None
) -> tuple[float, float] | None:
    if a is None or b is None:
        return b or a
    return ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)


def move_layers(
    design: Design, positions: Mapping[str, tuple[float, float]], label: str = "Move"
) -> MoveLayers:
    """One undo step for a gesture that moves several blocks."""
    return MoveLayers(dict(positions), label=label)


def remove_layers(ids: Iterable[str]) -> RemoveLayers:
    """One undo step deleting the given blocks."""
    return RemoveLayers(list(dict.fromkeys(ids)))
