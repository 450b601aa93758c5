"""The graph rules behind the canvas gestures, Qt-free and tested without a display.

Which connections are allowed (:func:`connect_problem`: no self-feed, no cycle, nothing into an
Input), what lies downstream of some layers (:func:`downstream`, for making room), a new layer
with its required parameters (:func:`default_layer`) and disconnecting several edges in one step
(:func:`disconnect_edges`). They sit beside the command builders of :mod:`cnnstudio.core.commands`
(``connect``, ``insert_between``, ``append_after``) that the gestures then push.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

from .catalog import SPECS
from .commands import Command, Macro, SetInputs, disconnect
from .design import Design, Layer
from .i18n import translate

__all__ = ["connect_problem", "default_layer", "disconnect_edges", "downstream"]


def connect_problem(design: Design, source: str, target: str) -> str | None:
    """Why ``source`` cannot feed ``target``, in a few words; ``None`` when it can."""
    if source == target:
        return translate("GraphRules", "a block cannot feed itself")
    spec = SPECS.get(design[target].type)
    if spec is not None and spec.max_inputs == 0:
        return translate("GraphRules", "{target} is an Input layer and takes no inputs").format(
            target=target
        )
    seen: set[str] = set()
    todo = [source]
    while todo:
        lid = todo.pop()
        if lid == target:
            return translate(
                "GraphRules", "connecting {source} to {target} would make a loop"
            ).format(source=source, target=target)
        if lid in seen or lid not in design:
            continue
        seen.add(lid)
        todo.extend(design[lid].inputs)
    return None


def downstream(design: Design, heads: Iterable[str]) -> list[str]:
    """``heads`` and every layer fed by them, directly or not (each once, heads first)."""
    consumers: dict[str, list[str]] = {}
    for layer in design:
        for src in layer.inputs:
            consumers.setdefault(src, []).append(layer.id)
    found: dict[str, None] = {}
    todo = list(heads)[::-1]
    while todo:
        lid = todo.pop()
        if lid in found:
            continue
        found[lid] = None
        todo.extend(reversed(consumers.get(lid, ())))
    return list(found)


def default_layer(design: Design, type_name: str, pos: tuple[float, float] | None = None) -> Layer:
    """A new layer of ``type_name``: a fresh id from its spec's prefix, every required param."""
    spec = SPECS.get(type_name)
    if spec is None:
        raise ValueError(f"unknown layer type {type_name!r}")
    params = {p.name: copy.deepcopy(p.default) for p in spec.params if p.required}
    return Layer(design.unique_id(spec.id_prefix), type_name, params=params, pos=pos)


def disconnect_edges(design: Design, edges: Sequence[tuple[str, str, int]]) -> Command:
    """One undo step removing the ``(source, target, slot)`` connections.

    A single edge uses :func:`~cnnstudio.core.commands.disconnect` (every input from that
    source); several are cut by slot, so two edges into one merge block both go.
    """
    if len(edges) == 1:
        source, target, _ = edges[0]
        return disconnect(design, source, target)
    cut: dict[str, set[int]] = {}
    for _, target, slot in edges:
        cut.setdefault(target, set()).add(slot)
    steps: list[Command] = [
        SetInputs(
            target,
            [src for slot, src in enumerate(design[target].inputs) if slot not in slots],
            label=translate("GraphRules", "Disconnect"),
        )
        for target, slots in cut.items()
    ]
    return Macro(f"Disconnect {len(edges)} connections", steps)
