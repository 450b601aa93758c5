"""The canvas scene: keeps one block per layer and one edge per connection in step with the design.

It listens to the session: `design_events` add, remove, move and re-wire only the items they
name; `analysis_changed` recomputes each block's `BlockState` and repaints only the blocks whose
state differs from the cached one; `design_reset` rebuilds everything. Counters in `stats` and
`last_update` say how much work an update did (the tests use them to prove it is incremental).

Groups (`Layer.group`) can be folded: a folded group is one `GroupItem` and its layers get no
items at all, so a 3,000-layer design opened folded costs what its dozen top-level blocks cost.
While anything is folded the view is laid out automatically (`folded_layout`); a design with
groups and more than `FOLD_ABOVE` layers opens folded at the top level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from PySide6.QtCore import QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneHelpEvent,
    QToolTip,
)

from ...core.analysis import LayerInfo
from ...core.catalog import SPECS, normalize_params
from ...core.design import DesignEvent, Layer
from ...core.diagnostics import Diagnostic
from ...core.formatting import fmt_compact, fmt_int, fmt_shape
from ...core.gradient_flow import gradient_levels
from ...core.groups import GroupIndex, GroupSummary, ancestors
from ...core.i18n import translate
from ...core.layout import COLUMN_WIDTH, ROW_HEIGHT, auto_layout, folded_layout
from ..session import DesignSession
from .items import BlockItem, BlockState, EdgeItem, GroupItem, PortItem
from .style import BLOCK_HEIGHT, BLOCK_WIDTH, LIGHT, Theme

GRID = 20.0
FOLD_ABOVE = 60  # a grouped design with more layers than this opens folded at the top level
_STRUCTURE = ("layer_added", "layer_removed", "layer_renamed", "inputs_changed", "design_reset")


class GraphScene(QGraphicsScene):
    """Blocks and edges of the session's design, updated incrementally from its events."""

    folding_changed = Signal()  # the items were rebuilt: folded groups may differ

    def __init__(self, session: DesignSession) -> None:
        super().__init__()
        self.session = session
        self.theme: Theme = LIGHT
        self.blocks: dict[str, BlockItem] = {}
        # Folded groups (paths), the item of each outermost folded group, and which folded
        # group each hidden layer is drawn as.
        self.collapsed: set[str] = set()
        self.group_items: dict[str, GroupItem] = {}
        self._owner: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._index: GroupIndex | None = None  # built with the items, for the folded blocks
        self._fold_big = True  # fold a big grouped design at the next rebuild
        self.stats: dict[str, int] = dict.fromkeys(
            (
                "rebuilds",
                "blocks_created",
                "blocks_removed",
                "edges_created",
                "edges_removed",
                "blocks_repainted",
            ),
            0,
        )
        self.last_update: dict[str, int] = {}
        # Where a block without a stored `pos` sits (auto layout or placement), so that undoing
        # the first move of such a block puts it back where it was drawn.
        self._auto_pos: dict[str, tuple[float, float]] = {}
        self._syncing_selection = False
        # Blocks named by a design-wide diagnostic at the last refresh (repainted when it goes).
        self._flagged_extra: set[str] = set()
        # Blocks that show activation statistics (cleared on the next edit of the model).
        self._captioned: set[str] = set()
        #: The last gradient flow shown (layer id -> mean |grad| at initialisation); cleared
        #: by the next edit of the model, whose gradients it no longer describes.
        self.gradient_flow: dict[str, float] = {}
        self.gradient_source = ""
        self.gradient_flow_visible = True
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        session.design_events.connect(self._on_session_design_events)
        session.analysis_changed.connect(self._on_session_analysis_changed)
        session.design_reset.connect(self._on_session_design_reset)
        session.selection_changed.connect(self._on_session_selection_changed)
        self.selectionChanged.connect(self._on_scene_selection_changed)
        self.rebuild()

    # -- public ---------------------------------------------------------------------------------
    def set_theme(self, theme: Theme) -> None:
        """Repaint everything with ``theme`` (light or dark)."""
        if theme is not self.theme:
            self.theme = theme
            for item in self.items():
                if isinstance(item, (BlockItem, EdgeItem)):
                    item.theme = theme
            self.update()

    def block_at(self, scene_pos: QPointF) -> BlockItem | None:
        """The topmost block under ``scene_pos`` (a port counts as its block)."""
        for item in self.items(scene_pos):
            if isinstance(item, BlockItem):
                return item
            if isinstance(item, PortItem):
                return item.block
        return None

    def edge_at(self, scene_pos: QPointF, slack: float = 5.0) -> EdgeItem | None:
        """The edge passing within ``slack`` of ``scene_pos`` (None where a block is)."""
        if self.block_at(scene_pos) is not None:
            return None
        area = QRectF(scene_pos.x() - slack, scene_pos.y() - slack, 2 * slack, 2 * slack)
        for item in self.items(area, Qt.ItemSelectionMode.IntersectsItemShape):
            if isinstance(item, EdgeItem) and item.flags() & item.GraphicsItemFlag.ItemIsSelectable:
                return item  # (an edge of a folded group stands for several: not one to cut)
        return None

    def edges(self) -> list[EdgeItem]:
        """Every edge item (into blocks and into folded groups)."""
        items = [*self.blocks.values(), *self.group_items.values()]
        return [edge for item in items for edge in item.in_edges]

    def selected_blocks(self) -> list[str]:
        """Ids of the selected blocks, in document order."""
        design = self.session.design
        chosen: set[str] = set()
        for item in self.selectedItems():
            if isinstance(item, GroupItem):
                chosen.update(self._members.get(item.path, ()))
            elif isinstance(item, BlockItem):
                chosen.add(item.layer_id)
        return [lid for lid in design.layers if lid in chosen]

    def selected_groups(self) -> list[str]:
        """Paths of the selected folded groups."""
        return [item.path for item in self.selectedItems() if isinstance(item, GroupItem)]

    def selected_edges(self) -> list[EdgeItem]:
        return [item for item in self.selectedItems() if isinstance(item, EdgeItem)]

    def explain(self, layer_id: str) -> list[str]:
        """The textbook arithmetic of a block, for its tooltip."""
        return self.session.analysis.explain(layer_id)

    def tooltip_for(self, block: BlockItem) -> str:
        """The hover text of ``block``, with its arithmetic."""
        return block.tooltip_text(self.explain(block.layer_id))

    def item_positions(self) -> dict[str, tuple[float, float]]:
        """Where every block is drawn (stored positions and layout positions alike)."""
        return {lid: (item.pos().x(), item.pos().y()) for lid, item in self.blocks.items()}

    # -- building -------------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Throw away every item and build the canvas afresh (a new document)."""
        self._syncing_selection = True
        try:
            self.clear()
        finally:
            self._syncing_selection = False
        self.blocks.clear()
        self.group_items.clear()
        self._auto_pos.clear()
        design = self.session.design
        self._index = GroupIndex(design)
        self._members = self._index.members
        if self._fold_big:
            self._fold_big = False
            if len(design) > FOLD_ABOVE:
                self.collapsed = {path for path in self._members if "." not in path}
        self.collapsed &= set(self._members)
        self._owner = self._owners()
        folded: dict[str, tuple[float, float]] = {}
        if self._owner:
            owner = self._owner
            folded = folded_layout(
                design, lambda lid: GroupItem.PREFIX + owner[lid] if lid in owner else lid
            )
        elif any(layer.pos is None for layer in design):
            self._auto_pos = {
                lid: pos for lid, pos in auto_layout(design).items() if design[lid].pos is None
            }
        for layer in design:
            if layer.id in self._owner:
                continue
            if folded:
                # A folded view is laid out afresh; stored positions apply when all is unfolded.
                self._auto_pos[layer.id] = folded[layer.id]
                self._create_block(layer, None).setPos(QPointF(*folded[layer.id]))
            else:
                self._create_block(layer, self._auto_pos.get(layer.id))
        for path in dict.fromkeys(self._owner.values()):
            item = GroupItem(path, BlockState("", "", "", "", "group"), self.theme)
            item.setPos(QPointF(*folded[item.layer_id]))
            self.addItem(item)
            self.group_items[path] = item
            self._refresh_group(path)
        for lid in self.blocks:
            self._sync_edges_into(lid)
        for path in self.group_items:
            self._sync_group_edges(path)
        self._show_gradient_flow()  # folding rebuilds the items, the flow stays valid
        self.stats["rebuilds"] += 1
        self.last_update = {"rebuilt": len(self.blocks)}
        self._on_session_selection_changed(self.session.selection)
        self.folding_changed.emit()

    # -- folding --------------------------------------------------------------------------------
    def _owners(self) -> dict[str, str]:
        """Each hidden layer's outermost folded group."""
        if not self.collapsed:
            return {}
        owners: dict[str, str] = {}
        for layer in self.session.design:
            if layer.group:
                for path in ancestors(layer.group):
                    if path in self.collapsed:
                        owners[layer.id] = path
                        break
        return owners

    def folded_owners(self) -> dict[str, str]:
        """Each hidden layer's outermost folded group (empty when nothing is folded)."""
        return dict(self._owner)

    @property
    def group_index(self) -> GroupIndex | None:
        """The groups of the design as the items were last built."""
        return self._index

    def groups(self) -> dict[str, list[str]]:
        """Every group of the design (nested ones too) with its layers."""
        return self._members

    def fold(self, paths: Iterable[str]) -> None:
        """Fold these groups into one block each (a click, a menu action)."""
        wanted = self.collapsed | {p for p in paths if p in self._members}
        self._set_folded(wanted)

    def unfold(self, path: str) -> None:
        """Unfold a group in place; the groups directly inside it stay folded."""
        if path not in self.collapsed:
            return
        depth = path.count(".") + 1
        children = {p for p in self._members if p.startswith(path + ".") and p.count(".") == depth}
        self._set_folded((self.collapsed - {path}) | children)

    def fold_all(self) -> None:
        """Fold the design to its top-level groups."""
        self._set_folded({p for p in self._members if "." not in p})

    def unfold_all(self) -> None:
        """Show every layer."""
        self._set_folded(set())

    def _set_folded(self, paths: set[str]) -> None:
        if paths == self.collapsed:
            return
        selection = list(self.session.selection)
        self.collapsed = paths
        self.rebuild()
        self._on_session_selection_changed(selection)

    def group_summary(self, path: str) -> GroupSummary:
        """What the folded block of ``path`` shows, from the latest analysis."""
        if self._index is None:
            self._index = GroupIndex(self.session.design)
        return self._index.summary(self.session.analysis, path)

    def _group_state(self, summary: GroupSummary) -> BlockState:
        problems = [d for d in summary.errors if d.severity == "error"] or list(summary.errors)
        problem = problems[0] if problems else None
        ins = ", ".join(fmt_shape(s) for s in summary.input_shapes) or "-"
        outs = ", ".join(fmt_shape(s) for s in summary.output_shapes) or "-"
        count = f"{fmt_compact(summary.params)} p" if not summary.unknown else "? p"
        message = problem.message if problem is not None else ""
        if len(problems) > 1:
            message += translate("Canvas", " (and {n} more inside)").format(n=len(problems) - 1)
        return BlockState(
            summary.shorthand,
            translate("Canvas", "{path} · {n} layers · {macs} MACs").format(
                path=summary.path, n=len(summary.members), macs=fmt_compact(summary.macs)
            ),
            f"{ins} → {outs}",
            count,
            "group",
            problem.severity if problem is not None else None,
            message,
            None,
            False,
            max(1, len(summary.sources)),
            len(summary.sources) > 1,
        )

    def _refresh_group(self, path: str) -> bool:
        item = self.group_items[path]
        summary = self.group_summary(path)
        item.summary_lines = [
            translate("Canvas", "{n} layers").format(n=len(summary.members)),
            translate("Canvas", "in: ")
            + (", ".join(fmt_shape(s) for s in summary.input_shapes) or "-"),
            translate("Canvas", "out: ")
            + (", ".join(fmt_shape(s) for s in summary.output_shapes) or "-"),
            translate("Canvas", "{params} params ({trainable} trainable)").format(
                params=fmt_int(summary.params), trainable=fmt_int(summary.trainable_params)
            )
            + (
                translate("Canvas", ", {n} layers unknown").format(n=summary.unknown)
                if summary.unknown
                else ""
            ),
            f"{fmt_int(summary.macs)} MACs",
        ]
        return item.set_state(self._group_state(summary))

    def _create_block(self, layer: Layer, auto: tuple[float, float] | None) -> BlockItem:
        item = BlockItem(layer.id, self._state_for(layer), self.theme)
        pos = layer.pos if layer.pos is not None else auto
        if pos is None:
            pos = self.free_spot(layer)
        if layer.pos is None:
            self._auto_pos[layer.id] = pos
        item.setPos(QPointF(*pos))
        self.addItem(item)
        self.blocks[layer.id] = item
        self.stats["blocks_created"] += 1
        return item

    def free_spot(self, layer: Layer) -> tuple[float, float]:
        """A free spot for a new block: below its first input, else below the lowest block."""
        source = next((self.blocks[i] for i in layer.inputs if i in self.blocks), None)
        if source is not None:
            x, y = source.pos().x(), source.pos().y() + ROW_HEIGHT
        elif self.blocks:
            lowest = max(self.blocks.values(), key=lambda item: item.pos().y())
            x, y = lowest.pos().x(), lowest.pos().y() + ROW_HEIGHT
        else:
            x, y = 0.0, 0.0
        while self._occupied(x, y):
            x += COLUMN_WIDTH
        return (x, y)

    def _occupied(self, x: float, y: float) -> bool:
        area = QRectF(x, y, BLOCK_WIDTH, BLOCK_HEIGHT)
        return any(isinstance(item, BlockItem) for item in self.items(area))

    def _remove_block(self, item: BlockItem) -> None:
        for edge in list(item.in_edges) + list(item.out_edges):
            self._remove_edge(edge)
        self.removeItem(item)
        del self.blocks[item.layer_id]
        self._auto_pos.pop(item.layer_id, None)
        self.stats["blocks_removed"] += 1

    def _remove_edge(self, edge: EdgeItem) -> None:
        edge.detach()
        self.removeItem(edge)
        self.stats["edges_removed"] += 1

    def _sync_edges_into(self, layer_id: str) -> None:
        """Make the edges into ``layer_id`` match its inputs (untouched when they already do)."""
        target = self.blocks.get(layer_id)
        if target is None:
            return
        design = self.session.design
        inputs = design[layer_id].inputs if layer_id in design else []
        self._sync_edges(target, [(self._item_for(src), slot) for slot, src in enumerate(inputs)])

    def _item_for(self, layer_id: str) -> BlockItem | None:
        """The item a layer is drawn as: its block, or the folded group holding it."""
        owner = self._owner.get(layer_id)
        return self.group_items.get(owner) if owner is not None else self.blocks.get(layer_id)

    def _sync_group_edges(self, path: str) -> None:
        item = self.group_items[path]
        sources = self._group_sources(path)
        self._sync_edges(item, [(self._item_for(src), slot) for slot, src in enumerate(sources)])

    def _group_sources(self, path: str) -> list[str]:
        inner = set(self._members.get(path, ()))
        design = self.session.design
        sources: dict[str, None] = {}
        for lid in self._members.get(path, ()):
            for src in design[lid].inputs:
                if src not in inner and src in design:
                    sources.setdefault(src)
        return list(sources)

    def _sync_edges(self, target: BlockItem, sources: list[tuple[BlockItem | None, int]]) -> None:
        wanted: list[tuple[BlockItem, int]] = []
        seen: set[str] = set()
        for item, slot in sources:
            if item is not None and item is not target and item.layer_id not in seen:
                seen.add(item.layer_id)  # a folded group feeds a block once, whatever inside
                wanted.append((item, len(wanted) if isinstance(target, GroupItem) else slot))
        current = [(edge.source.layer_id, edge.slot) for edge in target.in_edges]
        if sorted(current) == sorted((item.layer_id, slot) for item, slot in wanted):
            return
        for edge in list(target.in_edges):
            self._remove_edge(edge)
        folded = isinstance(target, GroupItem)
        for item, slot in wanted:
            edge = EdgeItem(item, target, slot, self.theme)
            if folded or isinstance(item, GroupItem):
                # It stands for several connections: nothing a Del could cut exactly.
                edge.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
            self.addItem(edge)
            self.stats["edges_created"] += 1

    # -- block texts ----------------------------------------------------------------------------
    def _state_for(self, layer: Layer) -> BlockState:
        analysis = self.session.analysis
        info = analysis.layers.get(layer.id)
        return block_state(layer, info, self._design_diagnostics().get(layer.id))

    def _design_diagnostics(self) -> dict[str, Diagnostic]:
        return {d.layer: d for d in self.session.analysis.design_errors if d.layer is not None}

    def refresh_states(self, ids: Iterable[str] | None = None) -> int:
        """Recompute block states from the analysis; repaint the changed ones. Returns how many."""
        design = self.session.design
        infos = self.session.analysis.layers
        extra = self._design_diagnostics()
        repainted = 0
        layers = design.layers
        for lid in self.blocks if ids is None else ids:
            item = self.blocks.get(lid)
            layer = layers.get(lid)
            if item is None or layer is None:
                continue
            info = infos.get(lid)
            diag = extra.get(lid)
            # Everything a block shows derives from these. The analysis reuses the resolved
            # params object of an unchanged layer, so an identity check skips most blocks
            # without formatting their texts; holding the object keeps that check sound.
            resolved = info.resolved_params if info is not None else None
            facts = (
                lid,
                layer.type,
                layer.label,
                layer.frozen,
                len(layer.inputs),
                None if info is None else (info.output_shape, info.params, info.errors),
                diag,
            )
            cached = item.facts
            if cached is not None and cached[0] is resolved and cached[1] == facts:
                continue
            item.facts = (resolved, facts)
            if item.set_state(block_state(layer, info, diag)):
                repainted += 1
        self.stats["blocks_repainted"] += repainted
        return repainted

    # -- session signals ------------------------------------------------------------------------
    def _on_session_design_reset(self) -> None:
        self._fold_big = True  # a newly opened big design starts folded
        self.collapsed = set()
        self.rebuild()

    def set_activation_stats(self, stats: Mapping[str, Any]) -> None:
        """Caption each block with its activations' mean and spread, and dead ReLU units.

        ``stats`` maps layer ids to objects with ``mean``, ``std`` and ``dead_fraction`` (the
        insight dock's `ActivationStats`); a caption turns red when half or more of a ReLU's
        units are dead or the activations have collapsed to a constant.
        """
        for lid, item in self.blocks.items():
            value = stats.get(lid)
            if value is None:
                item.set_stats("")
                continue
            self._captioned.add(lid)
            text = f"μ {value.mean:.2g}  σ {value.std:.2g}"
            alarm = value.std == 0
            if value.dead_fraction is not None:
                text += f" · {value.dead_fraction:.0%} dead"
                alarm = alarm or value.dead_fraction >= 0.5
            item.set_stats(text, alarm)

    def set_gradient_flow(
        self, flow: Mapping[str, float], source: str = "at initialisation"
    ) -> None:
        """Badge each block with its mean |grad| (``flow``: layer id -> value, as
        `engine.sanity.gradient_flow` gives it), coloured by its level; a folded group shows
        its worst member. ``source`` says when it was measured (in the tooltips). An empty
        ``flow`` clears the badges."""
        self.gradient_flow = {str(k): float(v) for k, v in flow.items()}
        self.gradient_source = source
        self._show_gradient_flow()

    def set_gradient_flow_visible(self, visible: bool) -> None:
        """Show or hide the gradient-flow badges (View ▸ Show Gradient Flow); the flow stays."""
        self.gradient_flow_visible = visible
        self._show_gradient_flow()

    def _show_gradient_flow(self) -> None:
        flow = self.gradient_flow if self.gradient_flow_visible else {}
        levels = gradient_levels(flow)
        for lid, item in self.blocks.items():
            item.set_gradient(flow.get(lid), levels.get(lid, ""), self.gradient_source)
        for path, group in self.group_items.items():
            members = [m for m in self._members.get(path, ()) if m in flow]
            if not members:
                group.set_gradient(None)
                continue
            worst = _worst_member(members, flow, levels)
            group.set_gradient(flow[worst], levels[worst], self.gradient_source)

    def _on_session_design_events(self, events: list[DesignEvent]) -> None:
        before = dict(self.stats)
        if any(_changes_model(event) for event in events):
            # The captions describe the model as it was; an edit makes them stale.
            for captioned in self._captioned:
                if captioned in self.blocks:
                    self.blocks[captioned].set_stats("")
            self._captioned.clear()
            if self.gradient_flow:
                self.set_gradient_flow({})
        if any(event.kind == "design_reset" for event in events):
            self.rebuild()
            return
        regrouped = any(e.kind == "layer_changed" and e.detail == "group" for e in events)
        if regrouped or (self._owner and any(e.kind in _STRUCTURE for e in events)):
            # Groups changed, or the graph changed under a folded view: lay it out afresh.
            self.rebuild()
            self.last_update = {key: self.stats[key] - before[key] for key in self.stats}
            return
        design = self.session.design
        touched: list[str] = []
        edges_dirty: set[str] = set()
        moved: set[str] = set()
        for event in events:
            lid = event.layer
            if lid is None:
                continue
            if event.kind in ("layer_added", "layer_removed"):
                touched.append(lid)
            elif event.kind == "layer_renamed" and event.detail is not None:
                self._rekey(event.detail, lid)
                touched.extend((event.detail, lid))
                edges_dirty.add(lid)
                edges_dirty.update(design.consumers(lid) if lid in design else ())
            elif event.kind == "inputs_changed":
                edges_dirty.add(lid)
            elif event.kind == "layer_moved":
                moved.add(lid)
        for lid in dict.fromkeys(touched):
            item = self.blocks.get(lid)
            if item is not None and lid not in design:
                self._remove_block(item)
            elif item is None and lid in design:
                self._create_block(design[lid], None)
                edges_dirty.add(lid)
                edges_dirty.update(design.consumers(lid))
        for lid in edges_dirty:
            self._sync_edges_into(lid)
        for lid in moved if not self._owner else ():  # a folded view places blocks itself
            item = self.blocks.get(lid)
            if item is None or lid not in design:
                continue
            pos = design[lid].pos
            if pos is None:  # back to where it was drawn before its first move
                pos = self._auto_pos.setdefault(lid, (item.pos().x(), item.pos().y()))
            if (item.pos().x(), item.pos().y()) != pos:
                item.setPos(QPointF(*pos))
        self.last_update = {key: self.stats[key] - before[key] for key in self.stats}

    def _rekey(self, old: str, new: str) -> None:
        item = self.blocks.pop(old, None)
        if item is None:
            return
        item.layer_id = new
        self.blocks[new] = item
        if old in self._auto_pos:
            self._auto_pos[new] = self._auto_pos.pop(old)

    def _on_session_analysis_changed(self) -> None:
        analysis = self.session.analysis
        ids: set[str] | None = None
        if analysis.changed is not None:
            # Only the blocks whose facts may differ, and those a design-wide diagnostic names.
            ids = set(analysis.changed) | set(self._design_diagnostics()) | self._flagged_extra
        self._flagged_extra = set(self._design_diagnostics())
        repainted = self.refresh_states(ids)
        if self.group_items:
            paths = (
                self.group_items
                if ids is None
                else {self._owner[lid] for lid in ids if lid in self._owner}
            )
            repainted += sum(self._refresh_group(path) for path in paths)
        self.last_update["blocks_repainted"] = repainted

    def _on_session_selection_changed(self, ids: list[str]) -> None:
        if self._syncing_selection:
            return
        self._syncing_selection = True
        try:
            wanted = set(ids)
            for item in self.selectedItems():
                if isinstance(item, GroupItem):
                    if not wanted.issuperset(self._members.get(item.path, ())):
                        item.setSelected(False)
                elif isinstance(item, BlockItem) and item.layer_id not in wanted:
                    item.setSelected(False)
            for lid in ids:
                block = self.blocks.get(lid)
                if block is not None and not block.isSelected():
                    block.setSelected(True)
            for path, group in self.group_items.items():
                members = self._members.get(path, ())
                if members and wanted.issuperset(members) and not group.isSelected():
                    group.setSelected(True)
        finally:
            self._syncing_selection = False

    def _on_scene_selection_changed(self) -> None:
        if self._syncing_selection:
            return
        self._syncing_selection = True
        try:
            self.session.select(self.selected_blocks())
        finally:
            self._syncing_selection = False

    # -- painting and tooltips ------------------------------------------------------------------
    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        rect = QRectF(rect)  # Qt passes a QRectF; the stub also allows a QRect
        painter.fillRect(rect, self.theme.background)
        scale = painter.worldTransform().m11()
        if scale < 0.5:
            return  # a dense grid at small zoom costs time and only adds noise
        pen = QPen(QColor(self.theme.grid), 0)
        painter.setPen(pen)
        step = GRID * 2
        left = int(rect.left() // step) * step
        top = int(rect.top() // step) * step
        x = left
        while x < rect.right():
            painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
            x += step
        y = top
        while y < rect.bottom():
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            y += step

    def helpEvent(self, event: QGraphicsSceneHelpEvent) -> None:
        pos = event.scenePos()
        top = next(iter(self.items(pos)), None)
        if isinstance(top, PortItem) and top.kind == "out":
            super().helpEvent(event)
            return
        block = self.block_at(pos)
        if block is not None:
            QToolTip.showText(event.screenPos(), self.tooltip_for(block))
            event.accept()
            return
        edge = self.edge_at(pos)
        if edge is not None:
            info = self.session.analysis.layers.get(edge.source.layer_id)
            shape = fmt_shape(info.output_shape) if info is not None else "?"
            text = f"{edge.source.layer_id} → {edge.target.layer_id}: {shape}"
            QToolTip.showText(event.screenPos(), text + "\nSelect and press Del to disconnect")
            event.accept()
            return
        QToolTip.hideText()
        event.ignore()


def block_state(
    layer: Layer, info: LayerInfo | None, extra: Diagnostic | None = None
) -> BlockState:
    """What the block of ``layer`` shows, from the layer and its analysis facts."""
    spec = SPECS.get(layer.type)
    subtitle = layer.label or layer.id
    diagnostics = list(info.errors) if info is not None else []
    if extra is not None:
        diagnostics.append(extra)
    problem = next((d for d in diagnostics if d.severity == "error"), None) or next(
        iter(diagnostics), None
    )
    severity = problem.severity if problem is not None else None
    message = problem.message if problem is not None else ""
    fix = problem.fix if problem is not None else None
    alternatives = problem.alternatives if problem is not None else ()
    if spec is None:
        return BlockState(
            layer.type,
            subtitle,
            "?",
            "",
            "",
            severity,
            message,
            fix,
            layer.frozen,
            1,
            False,
            alternatives,
        )
    if info is not None and info.resolved_params is not None:
        params = info.resolved_params
    else:
        params = normalize_params(spec, layer.params)[0]
    shape = info.output_shape if info is not None else None
    count = ""
    if spec.has_weights and shape is not None and info is not None:
        count = f"{fmt_compact(info.params)} p"
    multi = spec.max_inputs is None or spec.max_inputs > 1
    slots = 0 if spec.max_inputs == 0 else (len(layer.inputs) + 1 if multi else 1)
    if spec.max_inputs is not None and multi:
        slots = min(slots, spec.max_inputs)
    return BlockState(
        spec.shorthand(params),
        subtitle,
        fmt_shape(shape),
        count,
        spec.group,
        severity,
        message,
        fix,
        layer.frozen,
        slots,
        multi,
        alternatives,
    )


def _worst_member(members: list[str], flow: Mapping[str, float], levels: Mapping[str, str]) -> str:
    """The member a folded group's badge shows: the most exploding, else the most starved,
    else the weakest healthy one."""
    exploding = [m for m in members if levels[m] == "exploding"]
    if exploding:
        return max(exploding, key=lambda m: flow[m])
    return min(members, key=lambda m: flow[m])


def _changes_model(event: DesignEvent) -> bool:
    """Whether an edit changes the network (moving a block or renaming its label does not)."""
    if event.kind == "layer_moved":
        return False
    return not (event.kind == "layer_changed" and event.detail == "label")
