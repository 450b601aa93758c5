"""The design graph: layers, their connections, and the events that announce every change.

`Design` is the model the canvas presents. Its mutators are low-level and emit one
`DesignEvent` each; user edits go through `cnnstudio.core.commands` so they can be undone.
Listeners (the canvas, the summary, the autosaver) subscribe and never edit on their own.
"""

from __future__ import annotations

import copy
import keyword
import re
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

ID_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Names that an id cannot take because exported code would break: Python keywords, the names the
# generated module itself uses, and attributes every torch nn.Module already has.
RESERVED_IDS = frozenset(keyword.kwlist) | {
    "self", "torch", "nn", "super", "None", "True", "False", "T_destination", "add_module",
    "apply", "bfloat16", "buffers", "call_super_init", "children", "compile", "cpu", "cuda",
    "double", "dump_patches", "eval", "extra_repr", "float", "forward", "get_buffer",
    "get_extra_state", "get_parameter", "get_submodule", "half", "ipu", "load_state_dict",
    "modules", "mtia", "named_buffers", "named_children", "named_modules", "named_parameters",
    "parameters", "register_backward_hook", "register_buffer", "register_forward_hook",
    "register_forward_pre_hook", "register_full_backward_hook", "register_module",
    "register_parameter", "requires_grad_", "set_extra_state", "share_memory", "state_dict",
    "to", "to_empty", "train", "training", "type", "xpu", "zero_grad",
    # nn.Module's private attributes: assigning a submodule to one of these breaks the module.
    "_apply", "_backward_hooks", "_backward_pre_hooks", "_buffers", "_call_impl",
    "_compiled_call_impl", "_forward_hooks", "_forward_hooks_always_called",
    "_forward_hooks_with_kwargs", "_forward_pre_hooks", "_forward_pre_hooks_with_kwargs",
    "_get_backward_hooks", "_get_backward_pre_hooks", "_get_name", "_is_full_backward_hook",
    "_load_from_state_dict", "_load_state_dict_post_hooks", "_load_state_dict_pre_hooks",
    "_maybe_warn_non_full_backward_hook", "_modules", "_named_members",
    "_non_persistent_buffers_set", "_parameters", "_register_load_state_dict_pre_hook",
    "_register_state_dict_hook", "_replicate_for_data_parallel", "_save_to_state_dict",
    "_slow_forward", "_state_dict_hooks", "_state_dict_pre_hooks", "_version",
    "_wrapped_call_impl",
}  # fmt: skip


def id_problem(layer_id: str) -> str | None:
    """Why ``layer_id`` cannot name a layer (it becomes an attribute in exported code), or None."""
    if not ID_PATTERN.match(layer_id):
        return "must start with a letter or _ and hold only letters, digits and _"
    if layer_id in RESERVED_IDS:
        return "is a reserved name in exported PyTorch code"
    if layer_id.startswith("__"):
        # Python mangles ``self.__x`` inside a class body, so the attribute would get another name.
        return "must not start with two underscores (Python would rename the attribute)"
    return None


EventKind = Literal[
    "layer_added",
    "layer_removed",
    "layer_renamed",
    "param_changed",
    "inputs_changed",
    "layer_moved",
    "layer_changed",
    "design_changed",
    "design_reset",
]


@dataclass(frozen=True, slots=True)
class DesignEvent:
    """One change of the design. ``layer`` is the id concerned (None for design-wide changes)."""

    kind: EventKind
    layer: str | None = None
    detail: str | None = None


@dataclass(slots=True)
class Layer:
    """One block of the design, exactly as the file stores it (params hold only explicit values)."""

    id: str
    type: str
    inputs: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    frozen: bool = False
    label: str | None = None
    pos: tuple[float, float] | None = None
    # The dotted path of the groups the layer sits in, outermost first (``layer2.0``: block 0 of
    # stage layer2), as torch's module hierarchy names it; None when ungrouped (format v2).
    group: str | None = None
    # Fixed values of the layer's parameters (``{"weight": [[...]], "bias": [...]}``, nested
    # lists shaped as torch shapes them), e.g. a hand-made filter from the Convolution Lab;
    # None when torch initialises them (format v3, `fixed_weights`).
    weights: dict[str, Any] | None = None
    # The analysis' memo of this layer's last result (an `analysis.LayerMemo`), checked by
    # equality before reuse, so it is never stale even when params are changed in place.
    # Not part of the file.
    memo: object = field(default=None, repr=False, compare=False)

    def copy(self) -> Layer:
        """A deep copy (params may hold lists)."""
        return Layer(
            self.id,
            self.type,
            list(self.inputs),
            copy.deepcopy(self.params),
            self.frozen,
            self.label,
            self.pos,
            self.group,
            copy.deepcopy(self.weights),
        )


Listener = Callable[[DesignEvent], None]


def unique_id(prefix: str, taken: Container[str]) -> str:
    """A fresh id ``prefix1``, ``prefix2``... (or ``prefix`` if it ends in a digit and is free)."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", prefix).lower() or "layer"
    if not ID_PATTERN.match(base):
        base = "l_" + base
    if id_problem(base):
        base = "l_" + base.lstrip("_") if base.startswith("__") else base + "_"
    if base[-1].isdigit() and base not in taken:
        return base
    base = base.rstrip("0123456789") or base
    n = 1
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


#: "Argument not given" (``None`` can be a real value); shared with the commands.
MISSING: Any = object()


class Design:
    """A network design: named, ordered layers plus the optional output id and training settings."""

    def __init__(
        self,
        layers: Iterable[Layer] = (),
        name: str = "Untitled",
        output: str | None = None,
        training: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.output = output
        self.training: dict[str, Any] | None = training
        self._layers: dict[str, Layer] = {}
        for layer in layers:
            self._layers[layer.id] = layer
        self._listeners: list[Listener] = []
        self.revision = 0

    # -- reading ------------------------------------------------------------------------------
    @property
    def layers(self) -> dict[str, Layer]:
        """Layers by id, in document order. Read it; change it only through the mutators."""
        return self._layers

    def __contains__(self, layer_id: object) -> bool:
        return layer_id in self._layers

    def __getitem__(self, layer_id: str) -> Layer:
        return self._layers[layer_id]

    def __iter__(self) -> Iterator[Layer]:
        return iter(self._layers.values())

    def __len__(self) -> int:
        return len(self._layers)

    def index_of(self, layer_id: str) -> int:
        """Position of a layer in document order."""
        return list(self._layers).index(layer_id)

    def consumers(self, layer_id: str) -> list[str]:
        """Ids of the layers that take ``layer_id`` as an input."""
        return [lay.id for lay in self._layers.values() if layer_id in lay.inputs]

    def unique_id(self, prefix: str) -> str:
        """A fresh id for a new layer (see `unique_id`)."""
        return unique_id(prefix, self._layers)

    def clone(self) -> Design:
        """An independent copy without listeners."""
        return Design(
            (lay.copy() for lay in self._layers.values()),
            self.name,
            self.output,
            copy.deepcopy(self.training),
        )

    # -- events -------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` after every change; returns a function that unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, kind: EventKind, layer: str | None = None, detail: str | None = None) -> None:
        self.revision += 1
        event = DesignEvent(kind, layer, detail)
        for listener in list(self._listeners):
            listener(event)

    # -- low-level mutators (commands call these; each emits one event) -----------------------
    def add_layer(self, layer: Layer, index: int | None = None) -> None:
        """Insert ``layer`` at ``index`` of the document order (the end by default)."""
        if layer.id in self._layers:
            raise ValueError(f"a layer with id {layer.id!r} already exists")
        if index is None or index >= len(self._layers):
            self._layers[layer.id] = layer
        else:
            items = list(self._layers.items())
            items.insert(index, (layer.id, layer))
            self._layers = dict(items)
        self._emit("layer_added", layer.id)

    def remove_layer(self, layer_id: str) -> tuple[Layer, int]:
        """Remove a layer (consumers keep dangling references); returns it and its index."""
        index = self.index_of(layer_id)
        layer = self._layers.pop(layer_id)
        self._emit("layer_removed", layer_id)
        return layer, index

    def set_param(self, layer_id: str, name: str, value: Any = MISSING) -> None:
        """Set a parameter, or remove it (back to its default) when ``value`` is omitted."""
        layer = self._layers[layer_id]
        params = layer.params
        if value is MISSING:
            params.pop(name, None)
        else:
            params[name] = copy.deepcopy(value)
        # The analysis' memo compares params by equality, for which True == 1 == 1.0: a
        # kernel_size set from 1 to True must not reuse the facts of 1.
        layer.memo = None
        self._emit("param_changed", layer_id, name)

    def set_inputs(self, layer_id: str, inputs: list[str]) -> None:
        """Replace the ordered input list of a layer."""
        self._layers[layer_id].inputs = list(inputs)
        self._emit("inputs_changed", layer_id)

    def set_pos(self, layer_id: str, pos: tuple[float, float] | None) -> None:
        """Move a block on the canvas."""
        self._layers[layer_id].pos = pos
        self._emit("layer_moved", layer_id)

    def set_frozen(self, layer_id: str, frozen: bool) -> None:
        """Freeze (exclude from training) or unfreeze a layer."""
        self._layers[layer_id].frozen = frozen
        self._emit("layer_changed", layer_id, "frozen")

    def set_weights(self, layer_id: str, weights: dict[str, Any] | None) -> None:
        """Fix a layer's parameter values (nested lists), or hand them back to torch (None)."""
        self._layers[layer_id].weights = weights
        self._emit("layer_changed", layer_id, "weights")

    def set_label(self, layer_id: str, label: str | None) -> None:
        """Change the display label of a block."""
        self._layers[layer_id].label = label
        self._emit("layer_changed", layer_id, "label")

    def set_group(self, layer_id: str, group: str | None) -> None:
        """Put a layer into a group (a dotted path), or take it out of every group (None)."""
        self._layers[layer_id].group = group
        self._emit("layer_changed", layer_id, "group")

    def rename(self, old: str, new: str) -> None:
        """Give a layer a new id; inputs and the output that name it follow."""
        if new in self._layers:
            raise ValueError(f"a layer with id {new!r} already exists")
        items = []
        for lid, layer in self._layers.items():
            if lid == old:
                layer.id = new
                lid = new
            layer.inputs = [new if i == old else i for i in layer.inputs]
            items.append((lid, layer))
        self._layers = dict(items)
        if self.output == old:
            self.output = new
        self._emit("layer_renamed", new, old)

    def set_meta(
        self, *, name: Any = MISSING, output: Any = MISSING, training: Any = MISSING
    ) -> None:
        """Change the design's name, output id or training settings."""
        if name is not MISSING:
            self.name = name
        if output is not MISSING:
            self.output = output
        if training is not MISSING:
            self.training = copy.deepcopy(training)
        self._emit("design_changed")

    def replace_with(self, other: Design) -> None:
        """Take over the content of ``other`` (New, Open, revert), keeping the listeners."""
        self.name, self.output = other.name, other.output
        self.training = copy.deepcopy(other.training)
        self._layers = {lay.id: lay.copy() for lay in other}
        self._emit("design_reset")
