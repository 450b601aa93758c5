"""Groups of layers: the dotted paths on `Layer.group`, as a tree the canvas can fold.

A layer's ``group`` names the groups it sits in, outermost first: ``layer2.0`` is block 0 of
stage ``layer2``, exactly as torch names the submodule. A group is the set of layers whose path
is the group's path or lies below it; groups are never stored on their own, so they cannot
disagree with their layers. This module holds the rules (valid paths, the tree, making and
dissolving a group, fresh names for a pasted copy) and what a folded group shows: its
shorthand (``Bottleneck 256 x3``, ``Inception 3a``), shapes, counts and the errors inside.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from .analysis import Analysis
from .catalog import Shape
from .design import Design, Layer
from .diagnostics import Diagnostic
from .i18n import translate

GROUP_PATTERN = re.compile(r"[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*\Z")


def group_problem(path: object) -> str | None:
    """Why ``path`` cannot name a group, or None."""
    if not isinstance(path, str):
        return "must be a string such as layer2.0"
    if not GROUP_PATTERN.match(path):
        return "must be names of letters, digits and _ joined by dots, such as layer2.0"
    return None


def ancestors(path: str) -> list[str]:
    """Every group a path lies in, outermost first, itself last: ``a.b`` -> ``[a, a.b]``."""
    parts = path.split(".")
    return [".".join(parts[: n + 1]) for n in range(len(parts))]


def parent(path: str) -> str | None:
    """The group enclosing ``path`` (None at the top level)."""
    head, dot, _ = path.rpartition(".")
    return head if dot else None


def inside(group: str | None, path: str) -> bool:
    """Whether a layer whose group is ``group`` belongs to the group ``path``."""
    return group is not None and (group == path or group.startswith(path + "."))


def group_members(design: Design) -> dict[str, list[str]]:
    """Every group (nested ones too) with its layers in document order, groups as first seen."""
    members: dict[str, list[str]] = {}
    for layer in design:
        if layer.group:
            for path in ancestors(layer.group):
                members.setdefault(path, []).append(layer.id)
    return members


def common_group(groups: Iterable[str | None]) -> str | None:
    """The innermost group that holds all of ``groups`` (None when some are ungrouped)."""
    common: list[str] | None = None
    for group in groups:
        if group is None:
            return None
        parts = group.split(".")
        if common is None:
            common = parts
            continue
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
        if not common:
            return None
    return ".".join(common) if common else None


def _fresh(base: str, taken: set[str]) -> str:
    n = 1
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def _existing(design: Design) -> set[str]:
    return {path for layer in design if layer.group for path in ancestors(layer.group)}


def _moved(group: str | None, old: str, new: str | None) -> str | None:
    """``group`` with its prefix ``old`` replaced by ``new`` (None: dropped)."""
    if not inside(group, old):
        return group
    assert group is not None
    rest = group[len(old) + 1 :]
    if new is None:
        return rest or None
    return f"{new}.{rest}" if rest else new


def grouping(design: Design, ids: Sequence[str], name: str | None = None) -> dict[str, str | None]:
    """New groups for ``ids`` that put them into one new group (for `SetGroups`, Ctrl+G).

    The new group sits inside the innermost group holding all of them; groups they were in
    below that one keep their names inside the new group.
    """
    common = common_group(design[lid].group for lid in ids)
    taken = _existing(design)
    prefix = f"{common}." if common else ""
    if name is None:
        name = _fresh(prefix + "group", taken)
    elif prefix + name in taken:
        raise ValueError(f"a group {prefix + name!r} already exists")
    else:
        name = prefix + name
    changes: dict[str, str | None] = {}
    for lid in ids:
        group = design[lid].group
        if common is None:
            changes[lid] = f"{name}.{group}" if group else name
        else:
            changes[lid] = _moved(group, common, name)
    return changes


def ungrouping(design: Design, path: str) -> dict[str, str | None]:
    """New groups for the members of ``path`` that dissolve that one group (Ctrl+Shift+G)."""
    outer = parent(path)
    return {
        layer.id: _moved(layer.group, path, outer) for layer in design if inside(layer.group, path)
    }


def fresh_group_names(
    design: Design, layers: Sequence[Layer]
) -> Callable[[str | None], str | None]:
    """How the groups of pasted copies of ``layers`` are renamed so they form a new group.

    The innermost group holding all the copied layers becomes a fresh sibling (``layer2.0`` ->
    ``layer2.0_copy1``); copies of ungrouped layers stay ungrouped.
    """
    common = common_group(lay.group for lay in layers)
    if common is None:
        return lambda group: group
    fresh = _fresh(f"{common}_copy", _existing(design))
    return lambda group: _moved(group, common, fresh)


# -- what a folded group shows ----------------------------------------------------------------
@dataclass(frozen=True)
class GroupSummary:
    """A group as one block: its members, where data enters and leaves, its totals."""

    path: str
    members: tuple[str, ...]
    sources: tuple[str, ...]  # layers outside the group that feed it, in order
    exits: tuple[str, ...]  # members whose output leaves the group (or ends the network)
    input_shapes: tuple[Shape | None, ...]
    output_shapes: tuple[Shape | None, ...]
    params: int
    trainable_params: int
    macs: int
    unknown: int  # members whose numbers are unknown (an error upstream or inside)
    errors: tuple[Diagnostic, ...] = field(default=())
    shorthand: str = ""

    @property
    def name(self) -> str:
        """The last part of the path (``3a`` of ``inception.3a``)."""
        return self.path.rpartition(".")[2]


class GroupIndex:
    """The groups of one state of a design's structure, to summarize them again and again.

    Members, the layers feeding each group and the layers leaving it are fixed until the
    structure changes (build a new index then); the numbers come from each new analysis, and a
    shorthand is recomputed only when the output shapes it is named from change, so refreshing
    a folded block after an edit costs a pass over its members, not over its blocks' blocks.
    """

    def __init__(self, design: Design) -> None:
        self.design = design
        self.members = group_members(design)
        consumers: dict[str, list[str]] = {}
        for layer in design:
            for src in layer.inputs:
                consumers.setdefault(src, []).append(layer.id)
        self._sources: dict[str, tuple[str, ...]] = {}
        self._exits: dict[str, tuple[str, ...]] = {}
        self._inner: dict[str, set[str]] = {}
        for path, ids in self.members.items():
            inner = set(ids)
            self._inner[path] = inner
            sources: dict[str, None] = {}
            exits = []
            for lid in ids:
                for src in design[lid].inputs:
                    if src not in inner and src in design:
                        sources.setdefault(src)
                outside = consumers.get(lid, [])
                if not outside or any(c not in inner for c in outside) or lid == design.output:
                    exits.append(lid)
            self._sources[path] = tuple(sources)
            self._exits[path] = tuple(exits)
        self._names: dict[str, tuple[tuple[Shape | None, ...], str]] = {}

    def sources(self, path: str) -> tuple[str, ...]:
        """The layers outside ``path`` that feed it, in order."""
        return self._sources.get(path, ())

    def exits(self, path: str) -> tuple[str, ...]:
        """The members of ``path`` whose output leaves it (or ends the network)."""
        return self._exits.get(path, ())

    def summary(self, analysis: Analysis, path: str) -> GroupSummary:
        """What the folded block of ``path`` shows, from ``analysis``."""
        members = self.members.get(path, [])
        inner = self._inner.get(path, set())
        layers = analysis.layers
        params = trainable = macs = unknown = 0
        for lid in members:
            info = layers.get(lid)
            if info is None or info.output_shape is None:
                unknown += 1
            else:
                params += info.params
                trainable += info.trainable_params
                macs += info.macs
        errors = [d for lid in analysis.flagged if lid in inner for d in layers[lid].errors]

        def shape(lid: str) -> Shape | None:
            info = layers.get(lid)
            return info.output_shape if info is not None else None

        sources, exits = self._sources.get(path, ()), self._exits.get(path, ())
        summary = GroupSummary(
            path,
            tuple(members),
            sources,
            exits,
            tuple(shape(s) for s in sources),
            tuple(shape(e) for e in exits),
            params,
            trainable,
            macs,
            unknown,
            tuple(errors),
        )
        return replace(summary, shorthand=self.shorthand(analysis, summary))

    def shorthand(self, analysis: Analysis, summary: GroupSummary) -> str:
        """The group's lecture name, reused while the output shapes it is named from hold."""
        path = summary.path
        layers = analysis.layers
        key = tuple(
            layers[e].output_shape if e in layers else None
            for p in self.members
            if p == path or p.startswith(path + ".")
            for e in self._exits.get(p, ())
        )
        cached = self._names.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        text = shorthand(self.design, analysis, summary, self)
        self._names[path] = (key, text)
        return text


def summarize(
    design: Design, analysis: Analysis, path: str, members: Sequence[str] | None = None
) -> GroupSummary:
    """What the folded block of group ``path`` shows (for many, build one `GroupIndex`)."""
    return GroupIndex(design).summary(analysis, path)


def shorthand(
    design: Design, analysis: Analysis, summary: GroupSummary, index: GroupIndex | None = None
) -> str:
    """The lecture name of a group: ``Bottleneck 256``, ``Bottleneck 256 x3``, ``Inception 3a``."""
    members = summary.members
    children = _child_groups(design, summary.path, members)
    if len(children) >= 2 and all(design[m].group != summary.path for m in members):
        # A stage made only of blocks: named for its blocks when they are all alike.
        index = index or GroupIndex(design)
        names = [index.summary(analysis, c).shorthand for c in children]
        kinds = Counter(names)
        name, count = kinds.most_common(1)[0]
        if count == len(names):
            return f"{name} x{count}"
        return f"{summary.name}: {len(names)} blocks"
    types = Counter(design[m].type for m in members)
    channels = _out_channels(summary)
    if types["Concat"] and types["Conv"] >= 3:
        return f"Inception {summary.name.removeprefix('inception')}"
    if types["Add"]:
        main = _main_convs(design, members)
        kind = "Bottleneck" if main == 3 else "Residual" if main != 2 else "Basic block"
        return f"{kind} {channels}" if channels else kind
    convs = [design[m] for m in members if design[m].type == "Conv"]
    kinds_of_conv = {
        (c.params.get("out_channels"), str(c.params.get("kernel_size", 3))) for c in convs
    }
    if len(kinds_of_conv) == 1:
        c = convs[0]
        k = c.params.get("kernel_size", 3)
        size = f"{k}x{k}" if isinstance(k, int) else "x".join(map(str, k))
        text = translate("Groups", "Conv {size} {value}").format(
            size=size, value=c.params.get("out_channels")
        )
        if len(convs) > 1:
            text += f" x{len(convs)}"
        if types["MaxPool"] or types["AvgPool"]:
            text += " + pool"
        return text
    return f"{summary.name} · {len(members)} layers"


def _child_groups(design: Design, path: str, members: Sequence[str]) -> dict[str, list[str]]:
    depth = path.count(".") + 1
    children: dict[str, list[str]] = {}
    for lid in members:
        group = design[lid].group
        if group is not None and group != path:
            child = ".".join(group.split(".")[: depth + 1])
            children.setdefault(child, []).append(lid)
    return children


def _out_channels(summary: GroupSummary) -> int | None:
    shapes = [s for s in summary.output_shapes if s]
    return shapes[-1][0] if shapes else None


def _main_convs(design: Design, members: Sequence[str]) -> int:
    """Convolutions on the longest branch into the group's Add (the residual branch)."""
    inner = set(members)
    depth: dict[str, int] = {}
    for lid in members:
        layer = design[lid]
        before = max((depth[i] for i in layer.inputs if i in inner and i in depth), default=0)
        depth[lid] = before + (layer.type == "Conv")
    adds = [m for m in members if design[m].type == "Add"]
    if not adds:
        return 0
    return depth[adds[-1]]
