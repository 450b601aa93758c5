"""Automatic top-down layout: data flows downwards, branches side by side, as lectures draw it."""

from __future__ import annotations

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
    rank: dict[str, int] = {}
    for lid in order:
        parents = [rank[i] for i in layers[lid].inputs if i in rank]
        rank[lid] = max(parents) + 1 if parents else 0
    rows: dict[int, list[str]] = {}
    for lid in order:
        rows.setdefault(rank[lid], []).append(lid)
    xs: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for r in sorted(rows):
        row = rows[r]

        def wanted(lid: str) -> float:
            parent_x = [xs[i] for i in layers[lid].inputs if i in xs]
            return sum(parent_x) / len(parent_x) if parent_x else 0.0

        row.sort(key=wanted)
        centre = sum(wanted(lid) for lid in row) / len(row)
        start = centre - (len(row) - 1) * COLUMN_WIDTH / 2
        for i, lid in enumerate(row):
            xs[lid] = start + i * COLUMN_WIDTH
            positions[lid] = (round(xs[lid], 1), r * ROW_HEIGHT)
    return positions
