"""Composite blocks: a group saved as one reusable block, and put back into any design.

A composite block is a small design of its own (docs/design-format.md, "Composite blocks"): its
one ``Input`` layer stands for the data that enters the block, its ``output`` is the layer whose
result leaves it. The other layers keep their types, params, labels, frozen marks, the
connections among them, their positions relative to the block's top-left corner, and their
groups relative to the saved group (the group's own sub-groups).

Saving refuses a group that is not shaped like one block (several inputs from outside, several
outputs, the network's Input inside) with one line saying so. Inserting a block gives every
layer a fresh id, puts them all into one new group named after the block, feeds the entry's
consumers from where the block goes and its exit to what followed there; the analysis then works
the shapes out at the new input size, since no layer stores its input size. Each insertion is one
`Macro`, so one undo step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .analysis import Analysis, analyze, topological_order
from .commands import AddLayer, Command, Macro, SetInputs, SetMeta
from .design import Design, Layer, unique_id
from .errors import CnnStudioError, DesignError
from .fileio import design_from_dict, design_to_dict
from .formatting import one_line
from .groups import GroupIndex, ancestors, common_group, inside
from .i18n import translate

BLOCK_FORMAT = "cnnstudio-block"
BLOCK_VERSION = 1
"""The newest composite-block format this program reads and writes."""
MAX_NAME = 80


class CompositeError(CnnStudioError):
    """A group that cannot be saved as a block, or a block file that is not one (one line)."""


@dataclass
class CompositeBlock:
    """A saved group: ``design`` has one ``Input`` (the entry) and its ``output`` (the exit)."""

    name: str
    design: Design

    @property
    def entry(self) -> str:
        """The id of the ``Input`` layer standing for the data that enters the block."""
        return next(lay.id for lay in self.design if lay.type == "Input")

    @property
    def exit(self) -> str:
        """The id of the layer whose output leaves the block."""
        assert self.design.output is not None
        return self.design.output

    def inner(self) -> list[Layer]:
        """The block's own layers (all but the entry), in document order."""
        return [lay for lay in self.design if lay.type != "Input"]

    def height(self) -> float:
        """How far its stored positions reach downwards (0 when none is stored)."""
        ys = [lay.pos[1] for lay in self.inner() if lay.pos is not None]
        return max(ys, default=0.0)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a block, or None."""
    text = name.strip()
    if not text:
        return translate("Composite", "a block needs a name")
    if len(text) > MAX_NAME:
        return translate("Composite", "a block name has at most {n} characters").format(n=MAX_NAME)
    if not text.isprintable():
        return translate("Composite", "a block name is one line of printable characters")
    return None


def block_from_group(
    design: Design,
    path: str,
    name: str,
    analysis: Analysis | None = None,
    positions: Mapping[str, tuple[float, float]] | None = None,
) -> CompositeBlock:
    """The group ``path`` of ``design`` as a composite block called ``name``.

    ``positions`` (where the canvas draws each block) override the stored ones, so a block
    laid out automatically keeps the arrangement the user saw. Raises `CompositeError` when the
    group is not shaped like one block.
    """
    if (why := name_problem(name)) is not None:
        raise CompositeError(why)
    index = GroupIndex(design)
    members = index.members.get(path)
    if not members:
        raise CompositeError(
            translate("Composite", "there is no group {path!r}").format(path=one_line(path))
        )
    label = f"group {one_line(path)}"
    if any(design[m].type == "Input" for m in members):
        raise CompositeError(
            translate("Composite", "{label} holds the network's Input: a block cannot").format(
                label=label
            )
        )
    sources = index.sources(path)
    exits = index.exits(path)
    if len(sources) != 1:
        many = "no input" if not sources else f"{len(sources)} inputs ({', '.join(sources)})"
        raise CompositeError(
            translate(
                "Composite", "{label} has {many} from outside: a block takes exactly one"
            ).format(label=label, many=many)
        )
    if len(exits) != 1:
        raise CompositeError(
            translate(
                "Composite", "{label} has {n} outputs ({exits}): a block gives exactly one"
            ).format(label=label, n=len(exits), exits=", ".join(exits))
        )
    analysis = analysis if analysis is not None else analyze(design)
    info = analysis.layers.get(sources[0])
    shape = info.output_shape if info is not None else None
    if shape is None:
        raise CompositeError(
            translate(
                "Composite",
                "{label}: the shape of its input {source!r} is unknown (fix the errors before it)",
            ).format(label=label, source=sources[0])
        )
    placed = dict(positions or {})
    corner = [placed.get(m, design[m].pos) for m in members]
    xs = [p[0] for p in corner if p is not None]
    ys = [p[1] for p in corner if p is not None]
    x0, y0 = (min(xs), min(ys)) if xs else (0.0, 0.0)
    entry = unique_id("entry", set(members))
    layers = [Layer(entry, "Input", params={"shape": list(shape)})]
    for lid in members:
        layer = design[lid].copy()
        layer.inputs = [entry if src == sources[0] else src for src in layer.inputs]
        pos = placed.get(lid, layer.pos)
        layer.pos = None if pos is None else (pos[0] - x0, pos[1] - y0)
        group = layer.group
        assert group is not None and inside(group, path)
        layer.group = group[len(path) + 1 :] or None
        layers.append(layer)
    return CompositeBlock(name.strip(), Design(layers, name=name.strip(), output=exits[0]))


# -- the file ------------------------------------------------------------------------------------
def block_to_dict(block: CompositeBlock) -> dict[str, Any]:
    """The block as a document (see docs/design-format.md)."""
    return {
        "format": BLOCK_FORMAT,
        "version": BLOCK_VERSION,
        "name": block.name,
        "design": design_to_dict(block.design),
    }


def dumps_block(block: CompositeBlock) -> str:
    """Stable text of a block: the same block gives the same bytes."""
    return json.dumps(block_to_dict(block), indent=1, ensure_ascii=False) + "\n"


def loads_block(text: str, origin: str = "block") -> CompositeBlock:
    """Parse a block; raises `CompositeError` (one line naming ``origin``) when it is not one."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        where = f" (line {exc.lineno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise CompositeError(
            translate("Composite", "{origin}: not valid JSON{where}").format(
                origin=origin, where=where
            )
        ) from None
    return block_from_dict(doc, origin)


def block_from_dict(doc: Any, origin: str = "block") -> CompositeBlock:
    """A block from a parsed document, checked to be one block (one entry, one exit)."""
    if not isinstance(doc, dict) or doc.get("format") != BLOCK_FORMAT:
        raise CompositeError(
            translate(
                "Composite", '{origin}: not a cnnstudio block (expected "format": "{format}")'
            ).format(origin=origin, format=BLOCK_FORMAT)
        )
    version = doc.get("version")
    if type(version) is not int or version < 1:
        raise CompositeError(
            translate("Composite", '{origin}: "version" must be a positive integer').format(
                origin=origin
            )
        )
    if version > BLOCK_VERSION:
        raise CompositeError(
            translate(
                "Composite",
                "{origin}: written by a newer cnnstudio (block format {version}): update cnnstudio",
            ).format(origin=origin, version=version)
        )
    name = doc.get("name")
    if not isinstance(name, str):
        raise CompositeError(
            translate("Composite", '{origin}: "name" must be a string').format(origin=origin)
        )
    if (why := name_problem(name)) is not None:
        raise CompositeError(f"{origin}: {why}")
    try:
        design = design_from_dict(doc.get("design"), f"{origin}: design")
    except DesignError as err:
        raise CompositeError(str(err)) from None
    entries = [lay.id for lay in design if lay.type == "Input"]
    if len(entries) != 1:
        raise CompositeError(
            translate("Composite", "{origin}: a block has exactly one Input (its entry)").format(
                origin=origin
            )
        )
    if design.output not in design or design.output == entries[0]:
        raise CompositeError(
            translate(
                "Composite", '{origin}: "output" must name one of the block\'s layers'
            ).format(origin=origin)
        )
    if len(design) < 2:
        raise CompositeError(
            translate("Composite", "{origin}: the block has no layers").format(origin=origin)
        )
    for layer in design:
        missing = [src for src in layer.inputs if src not in design]
        if missing:
            raise CompositeError(
                translate(
                    "Composite",
                    "{origin}: layer {layer!r} is fed by {source!r}, which the block does not hold",
                ).format(origin=origin, layer=one_line(layer.id), source=one_line(missing[0]))
            )
    if topological_order(design)[1]:
        raise CompositeError(
            translate("Composite", "{origin}: the block's connections form a cycle").format(
                origin=origin
            )
        )
    return CompositeBlock(name.strip(), design)


# -- putting a block into a design -----------------------------------------------------------
def group_name_for(name: str) -> str:
    """The group path part a block called ``name`` makes (``My block`` -> ``My_block``)."""
    return re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_") or "block"


@dataclass
class Placed:
    """A block ready to insert: its new layers (fresh ids, inputs wired), exit and group."""

    layers: list[Layer]
    exit: str
    group: str


def place(
    design: Design,
    block: CompositeBlock,
    source: str | None,
    origin: tuple[float, float] = (0.0, 0.0),
    within: str | None = None,
) -> Placed:
    """New layers of ``block`` for ``design``: fresh ids, fed by ``source`` (None: unfed, as a
    dropped block is), at ``origin``, in a fresh group inside ``within`` (None: the top level)."""
    taken = set(design.layers)
    mapping: dict[str, str] = {}
    for layer in block.inner():
        mapping[layer.id] = unique_id(layer.id, taken)
        taken.add(mapping[layer.id])
    groups = {path for lay in design if lay.group for path in ancestors(lay.group)}
    base = (within + "." if within else "") + group_name_for(block.name)
    group = base
    n = 1
    while group in groups:
        group = f"{base}{n}"
        n += 1
    new: list[Layer] = []
    for layer in block.inner():
        copy = layer.copy()
        copy.id = mapping[layer.id]
        inputs: list[str] = []
        for src in layer.inputs:
            if src in mapping:
                inputs.append(mapping[src])
            elif source is not None:  # the entry: fed from where the block goes
                inputs.append(source)
        copy.inputs = inputs
        copy.group = f"{group}.{layer.group}" if layer.group else group
        if layer.pos is not None:
            copy.pos = (round(origin[0] + layer.pos[0], 1), round(origin[1] + layer.pos[1], 1))
        new.append(copy)
    return Placed(new, mapping[block.exit], group)


def _adds(placed: Placed, index: int | None) -> list[Command]:
    return [
        AddLayer(layer, None if index is None else index + n)
        for n, layer in enumerate(placed.layers)
    ]


def _label(block: CompositeBlock) -> str:
    return f"Add block {block.name}"


def add_block(
    design: Design, block: CompositeBlock, origin: tuple[float, float] = (0.0, 0.0)
) -> tuple[Macro, Placed]:
    """Drop ``block`` on empty canvas at ``origin``: unconnected, as a dropped block is."""
    placed = place(design, block, None, origin)
    return Macro(_label(block), _adds(placed, None)), placed


def append_block_after(
    design: Design, block: CompositeBlock, after: str, origin: tuple[float, float] = (0.0, 0.0)
) -> tuple[Macro, Placed]:
    """Insert ``block`` fed by ``after``; what ``after`` fed is fed by the block's exit."""
    consumers = design.consumers(after)
    within = common_group([design[after].group, *(design[c].group for c in consumers)])
    placed = place(design, block, after, origin, within)
    steps = _adds(placed, design.index_of(after) + 1)
    for consumer in consumers:
        inputs = [placed.exit if i == after else i for i in design[consumer].inputs]
        steps.append(SetInputs(consumer, inputs, label=_label(block)))
    if design.output == after:
        steps.append(SetMeta({"output": placed.exit}))
    return Macro(_label(block), steps), placed


def insert_block_between(
    design: Design,
    block: CompositeBlock,
    consumer: str,
    slot: int = 0,
    origin: tuple[float, float] = (0.0, 0.0),
) -> tuple[Macro, Placed]:
    """Insert ``block`` on the connection into ``consumer.inputs[slot]``."""
    inputs = list(design[consumer].inputs)
    source = inputs[slot]
    within = common_group(
        [design[source].group if source in design else None, design[consumer].group]
    )
    placed = place(design, block, source, origin, within)
    inputs[slot] = placed.exit
    steps = _adds(placed, design.index_of(consumer))
    steps.append(SetInputs(consumer, inputs, label=_label(block)))
    return Macro(_label(block), steps), placed


def entry_consumer(block: CompositeBlock) -> Layer:
    """The first layer the entry feeds (the block lines up on it when inserted on a chain)."""
    return next((lay for lay in block.inner() if block.entry in lay.inputs), block.inner()[0])
