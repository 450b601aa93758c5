"""Automatic top-down layout: data flows downwards, branches side by side, as lectures draw it."""

from __future__ import annotations

from collections.abc import Callable

from .analysis import topological_order
from .design import Design

ROW_HEIGHT = 110.0
COLUMN_WIDTH = 220.0


def auto_layout(design: Design) -> dict[str, tuple[float, float]]:
    """Positions for every layer: rank = longest path from a source, branches spread sideways.

    Within a rank, blocks are ordered by the mean x of their inputs (fewer crossings) and
    centred on it, so a chain is a straight column and skip connections stay beside it.
    """
    order, _ = topological_order(design)
    layers = design.layers
    return _layered(order, {lid: layers[lid].inputs for lid in order})


def folded_layout(design: Design, node_of: Callable[[str], str]) -> dict[str, tuple[float, float]]:
    """Positions for the nodes of a folded view, where ``node_of(layer id)`` names the node a
    layer is drawn as (itself, or the folded group holding it); laid out as `auto_layout` does."""
    order, _ = topological_order(design)
    nodes: list[str] = []
    inputs: dict[str, list[str]] = {}
    for lid in order:
        node = node_of(lid)
        if node not in inputs:
            nodes.append(node)
            inputs[node] = []
        for src in design[lid].inputs:
            if src in design:
                source = node_of(src)
                if source != node and source not in inputs[node]:
                    inputs[node].append(source)
    return _layered(nodes, inputs)


def _layered(order: list[str], inputs: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    rank: dict[str, int] = {}
    for node in order:
        parents = [rank[i] for i in inputs[node] if i in rank]
        rank[node] = max(parents) + 1 if parents else 0
    rows: dict[int, list[str]] = {}
    for node in order:
        rows.setdefault(rank[node], []).append(node)
    xs: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for r in sorted(rows):
        row = rows[r]

        def wanted(node: str) -> float:
            parent_x = [xs[i] for i in inputs[node] if i in xs]
            return sum(parent_x) / len(parent_x) if parent_x else 0.0

        row.sort(key=wanted)
        centre = sum(wanted(node) for node in row) / len(row)
        start = centre - (len(row) - 1) * COLUMN_WIDTH / 2
        for i, node in enumerate(row):
            xs[node] = start + i * COLUMN_WIDTH
            positions[node] = (round(xs[node], 1), r * ROW_HEIGHT)
    return positions
