"""The canvas widget: shows the session's design as blocks and turns gestures into commands.

Gestures: drag blocks (one `MoveLayers` step per drag), drag from an output port to a block to
connect, select an edge and press Del to disconnect, drop a palette entry on empty canvas (add)
or on an edge (insert), Del deletes, Ctrl+C / Ctrl+V copy and paste through the clipboard,
the wheel zooms around the cursor, the middle button or Space+drag pans, Esc cancels a drag.
Every edit goes through `DesignSession.push`; the scene then follows the design's events.
"""

from __future__ import annotations

import functools
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QMarginsF,
    QMimeData,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsView, QMenu, QWidget

from ...core.catalog import SPECS
from ...core.commands import (
    AddLayer,
    Command,
    Macro,
    MoveLayers,
    SetFrozen,
    SetGroups,
    append_after,
    connect,
    disconnect,
    fix_command,
    insert_between,
    paste_layers,
    remove_layers,
)
from ...core.composite import (
    CompositeBlock,
    CompositeError,
    add_block,
    append_block_after,
    entry_consumer,
    insert_block_between,
    loads_block,
)
from ...core.design import Design, Layer
from ...core.errors import DesignError
from ...core.fileio import dumps_design, loads_design
from ...core.graph_rules import connect_problem, default_layer, disconnect_edges, downstream
from ...core.groups import ancestors, common_group, grouping, ungrouping
from ...core.i18n import translate
from ...core.layout import ROW_HEIGHT, auto_layout
from ..session import COMPOSITE_MIME, LAYER_MIME, DesignSession
from .items import BlockItem, EdgeItem, GroupItem, PortItem, curve
from .scene import GraphScene
from .style import BLOCK_HEIGHT, BLOCK_WIDTH, theme_for

LAYERS_MIME = "application/x-cnnstudio-layers"
"""Clipboard MIME type of copied blocks; the payload is a design document (JSON, UTF-8)."""

EMPTY_HINT = "Drag a block from the palette, or open a template (File ▸ New from Template)"
MIN_ZOOM = 0.05
MAX_ZOOM = 4.0
ZOOM_STEP = 1.25
READABLE_ZOOM = 0.7  # the opening view never starts smaller than this (texts stay legible)
FIT_MIN_ZOOM = 0.35  # Fit never shrinks below this (headers still readable): taller designs scroll
# A paste lands clear of its original: one block height plus a margin below, a little right;
# each further paste of the same copy cascades one more step.
PASTE_MARGIN = 24.0
PASTE_OFFSET = (PASTE_MARGIN, BLOCK_HEIGHT + PASTE_MARGIN)


class CanvasView(QGraphicsView):
    """The design canvas: blocks, ports and edges of a `DesignSession`, edited by gestures."""

    status_message = Signal(str)  # a short note for the status bar (why a connection was refused)
    block_activated = Signal(str)  # a block was double-clicked (focus the inspector on it)
    save_group_requested = Signal(str)  # "Save Group as Block…" on a group (its path)

    def __init__(self, session: DesignSession, parent: QWidget | None = None) -> None:
        self.session = session
        self.graph = GraphScene(session)
        super().__init__(self.graph, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, False)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self._rubber: QGraphicsPathItem | None = None  # the line of a connect drag
        self._connect_from: BlockItem | None = None
        self._hot_port: PortItem | None = None
        self._drop_edge: EdgeItem | None = None
        self._press_positions: dict[str, QPointF] | None = None
        self._pan_from: QPoint | None = None
        self._space = False
        self._paste_count = 0
        self.fix_menu = QMenu(self)  # the choices a click on a block's warning mark offers
        self.fix_menu.setObjectName("fix_menu")
        self._was_empty = not self.graph.blocks
        self._fit_on_show: bool | str = False
        self.graph.set_theme(theme_for(self.palette()))
        session.design_events.connect(self._on_session_design_events)
        session.design_reset.connect(self._on_session_design_reset)
        self.graph.folding_changed.connect(self._on_graph_folding_changed)
        self._update_scene_rect()

    # -- public API -----------------------------------------------------------------------------
    def fit_all(self) -> None:
        """Fit the whole design in the view (Ctrl+0), never magnifying past 100 % and never
        shrinking below `FIT_MIN_ZOOM`: a design too big for that shows its top (where the data
        enters), centred, and scrolls; folding its groups makes it fit.

        Called before the view is shown, it fits again once the view has its real size.
        """
        if not self.isVisible():
            self._fit_on_show = True
        if not self.graph.blocks:
            self.resetTransform()
            self.centerOn(0, 0)
            return
        rect = self.graph.itemsBoundingRect().marginsAdded(QMarginsF(30, 30, 30, 30))
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.0:
            self._set_zoom(1.0)
            self.centerOn(rect.center())
        elif self.zoom() < FIT_MIN_ZOOM:
            self._set_zoom(FIT_MIN_ZOOM)
            half_height = self.viewport().height() / FIT_MIN_ZOOM / 2
            self.centerOn(rect.center().x(), rect.top() + half_height)

    def show_start(self) -> None:
        """The opening view: the whole design when it fits at a readable size, otherwise the
        top of it (where the data enters) at `READABLE_ZOOM`, centred horizontally."""
        if not self.isVisible():
            self._fit_on_show = "start"
            return
        self.fit_all()
        if not self.graph.blocks or self.zoom() >= READABLE_ZOOM:
            return
        rect = self.graph.itemsBoundingRect().marginsAdded(QMarginsF(30, 30, 30, 30))
        self._set_zoom(READABLE_ZOOM)
        half_height = self.viewport().height() / READABLE_ZOOM / 2
        self.centerOn(rect.center().x(), rect.top() + half_height)

    def zoom(self) -> float:
        """The current magnification (1.0 = 100 %)."""
        return self.transform().m11()

    def zoom_in(self) -> None:
        """Magnify around the centre of the view."""
        self._scale_about_centre(ZOOM_STEP)

    def zoom_out(self) -> None:
        """Shrink around the centre of the view."""
        self._scale_about_centre(1 / ZOOM_STEP)

    def center_on(self, layer_id: str) -> None:
        """Scroll to a block (zooming in when it would be too small to read)."""
        item = self.graph.blocks.get(layer_id)
        if item is None:
            return
        if self.zoom() < 0.6:
            self._set_zoom(1.0)
        self.centerOn(item.sceneBoundingRect().center())

    def auto_layout(self) -> None:
        """Arrange every block top-down, as one undoable step (a folded view is laid out
        automatically anyway; the step arranges the unfolded one)."""
        positions = auto_layout(self.session.design)
        current = self.graph.item_positions()
        design = self.session.design
        changed: dict[str, tuple[float, float] | None] = {
            lid: pos
            for lid, pos in positions.items()
            if design[lid].pos != pos or current.get(lid) != pos
        }
        if changed:
            self.session.push(MoveLayers(changed, label=translate("Canvas", "Auto layout")))
        if self.graph.collapsed:
            self.graph.rebuild()  # the folded view, laid out afresh
            self._update_scene_rect()
        self.fit_all()

    def add_block(
        self,
        type_name: str,
        scene_pos: QPointF | tuple[float, float] | None = None,
        after: str | None = None,
    ) -> str:
        """Add a block of ``type_name``; returns its id.

        With ``after``, it is appended after that block (its consumers follow the new one);
        with ``scene_pos`` on an edge, it is inserted into that connection; with ``scene_pos``
        elsewhere, it is centred there; with neither, it goes to a free spot below the design.
        """
        design = self.session.design
        if after is not None and after in design:
            command, layer = self._append_command(type_name, after)
        elif scene_pos is not None:
            point = QPointF(*scene_pos) if isinstance(scene_pos, tuple) else QPointF(scene_pos)
            command, layer = self._drop_command(type_name, point)
        else:
            layer = default_layer(design, type_name)
            layer.pos = self.graph.free_spot(layer)
            command = AddLayer(layer)
        self.session.push(command)
        self.session.select([layer.id])
        self._ensure_visible(layer.id)
        return layer.id

    def add_composite(
        self,
        block: CompositeBlock,
        scene_pos: QPointF | tuple[float, float] | None = None,
        after: str | None = None,
    ) -> list[str]:
        """Insert a composite block as a new group, one undo step; returns the new ids.

        Where it goes follows `add_block`: after ``after`` (fed by it, feeding what it fed), on
        the edge under ``scene_pos`` (inserted into that connection), elsewhere at
        ``scene_pos`` (unconnected), or with neither below the design.
        """
        design = self.session.design
        positions = self.graph.item_positions()
        first = entry_consumer(block).pos or (0.0, 0.0)
        steps: list[Command] = []
        if after is not None and after in design:
            ax, ay = positions.get(after, (0.0, 0.0))
            origin = (ax - first[0], ay + ROW_HEIGHT)
            command, placed = append_block_after(design, block, after, origin)
            room = self._make_room(design.consumers(after), origin[1] + block.height() + ROW_HEIGHT)
        else:
            point = QPointF(*scene_pos) if isinstance(scene_pos, tuple) else scene_pos
            edge = self.graph.edge_at(point) if point is not None else None
            if point is None:
                x, y = self.graph.free_spot(Layer("_", "Identity"))
                command, placed = add_block(design, block, (x - first[0], y))
                room = None
            elif edge is None:
                origin = (point.x() - BLOCK_WIDTH / 2 - first[0], point.y() - BLOCK_HEIGHT / 2)
                command, placed = add_block(design, block, origin)
                room = None
            else:
                source = edge.source.pos()
                y = max(point.y() - BLOCK_HEIGHT / 2, source.y() + ROW_HEIGHT)
                origin = (source.x() - first[0], y)
                consumer = edge.target.layer_id
                command, placed = insert_block_between(design, block, consumer, edge.slot, origin)
                room = self._make_room([consumer], y + block.height() + ROW_HEIGHT)
        steps.append(command)
        if room is not None:
            steps.append(room)
        ids = [layer.id for layer in placed.layers]
        self.session.push(Macro(command.label, steps) if len(steps) > 1 else command)
        self.session.select(ids)
        self._ensure_visible(ids[0])
        self.status_message.emit(
            translate(
                "Canvas", "Added {name}: {n} layers in group {group} (Ctrl+Z removes them)"
            ).format(name=block.name, n=len(ids), group=placed.group)
        )
        return ids

    def group_to_save(self) -> str | None:
        """The group "Save Group as Block…" saves: the selected folded group, else the
        innermost group holding the whole selection."""
        folded = self.graph.selected_groups()
        if folded:
            return folded[0]
        ids = self.graph.selected_blocks()
        return common_group(self.session.design[lid].group for lid in ids) if ids else None

    def delete_selected(self) -> None:
        """Delete the selected blocks, or else disconnect the selected edges (Del)."""
        blocks = self.graph.selected_blocks()
        if blocks:
            self.session.push(remove_layers(blocks))
            return
        edges = self.graph.selected_edges()
        if not edges:
            return
        cuts = [(e.source.layer_id, e.target.layer_id, e.slot) for e in edges]
        self.session.push(disconnect_edges(self.session.design, cuts))

    def copy_selected(self) -> bool:
        """Copy the selected blocks to the clipboard (a design document); False when none."""
        ids = self.graph.selected_blocks()
        if not ids:
            return False
        positions = self.graph.item_positions()
        layers = []
        for lid in ids:
            layer = self.session.design[lid].copy()
            layer.pos = positions.get(lid, layer.pos)
            layers.append(layer)
        text = dumps_design(Design(layers, name="Copied blocks"))
        mime = QMimeData()
        mime.setText(text)
        mime.setData(LAYERS_MIME, text.encode("utf-8"))
        QGuiApplication.clipboard().setMimeData(mime)
        self._paste_count = 0
        return True

    def cut_selected(self) -> None:
        """Copy, then delete the selected blocks."""
        if self.copy_selected():
            self.delete_selected()

    def paste(self) -> list[str]:
        """Paste blocks from the clipboard (offset from the originals); returns the new ids."""
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            return []
        if mime.hasFormat(LAYERS_MIME):
            text = bytes(mime.data(LAYERS_MIME).data()).decode("utf-8")
        elif mime.hasText():
            text = mime.text()
        else:
            return []
        try:
            layers = list(loads_design(text, origin="clipboard"))
        except DesignError as err:
            self.status_message.emit(
                translate("Canvas", "Nothing to paste: {reason}").format(reason=err)
            )
            return []
        if not layers:
            return []
        self._paste_count += 1
        dx, dy = (step * self._paste_count for step in PASTE_OFFSET)
        command = paste_layers(self.session.design, layers, (dx, dy))
        new_ids = [step.layer.id for step in command.commands if isinstance(step, AddLayer)]
        self.session.push(command)
        self.session.select(new_ids)
        return new_ids

    def group_selected(self) -> str | None:
        """Put the selected blocks into a new group, as one undo step (Ctrl+G); its path."""
        ids = self.graph.selected_blocks()
        if not ids:
            self.status_message.emit(translate("Canvas", "Select the blocks to group first"))
            return None
        changes = grouping(self.session.design, ids)
        path = next(iter(changes.values()))
        path = common_group(changes.values()) or path
        self.session.push(
            SetGroups(
                changes,
                label=translate("Canvas", "Group {value} blocks as {path}").format(
                    value=len(ids), path=path
                ),
            )
        )
        self.status_message.emit(
            translate("Canvas", "Grouped {n} blocks as {path}").format(n=len(ids), path=path)
        )
        return path

    def ungroup(self, path: str | None = None) -> str | None:
        """Dissolve a group, as one undo step (Ctrl+Shift+G): ``path``, else the selected folded
        group, else the innermost group of the selection. Returns the dissolved path."""
        design = self.session.design
        if path is None:
            folded = self.graph.selected_groups()
            ids = self.graph.selected_blocks()
            path = folded[0] if folded else common_group(design[lid].group for lid in ids)
        if path is None:
            self.status_message.emit(translate("Canvas", "The selection is not inside a group"))
            return None
        self.session.push(
            SetGroups(
                ungrouping(design, path),
                label=translate("Canvas", "Ungroup {path}").format(path=path),
            )
        )
        self.status_message.emit(translate("Canvas", "Ungrouped {path}").format(path=path))
        return path

    def select_all(self) -> None:
        """Select every block."""
        self.session.select(list(self.session.design.layers))

    def apply_fix(self, layer_id: str, choice: int = 0) -> bool:
        """Apply one of the fixes of a block's problem (the first choice by default).

        False when the block has no such fix. One undo step, like any edit.
        """
        item = self.graph.blocks.get(layer_id)
        fixes = item.state.fixes if item is not None else ()
        if not 0 <= choice < len(fixes):
            return False
        fix = fixes[choice]
        self.session.push(fix_command(self.session.design, fix))
        self.status_message.emit(translate("Canvas", "Fixed: {fix}").format(fix=fix.label))
        return True

    def _offer_fixes(self, block: BlockItem) -> None:
        """The mark was clicked: one fix is applied at once, several are offered in a menu."""
        fixes = block.state.fixes
        if len(fixes) == 1:
            self.apply_fix(block.layer_id)
            return
        menu = self.fix_menu
        menu.clear()
        lid = block.layer_id
        menu.addSection(f"Fix {lid}")
        for n, fix in enumerate(fixes):
            action = menu.addAction(fix.label)
            action.triggered.connect(lambda _=False, i=n: self.apply_fix(lid, i))
        corner = block.mapToScene(block.mark_rect().bottomLeft())
        # popup, not exec: the canvas keeps its event loop (and a test can click an entry).
        menu.popup(self.viewport().mapToGlobal(self.mapFromScene(corner)))

    def canvas_stats(self) -> dict[str, Any]:
        """Counts for the status bar, benchmarks and tests."""
        return {
            "blocks": len(self.graph.blocks),
            "edges": len(self.graph.edges()),
            "selected": len(self.graph.selected_blocks()),
            "zoom": round(self.zoom(), 3),
            "last_update": dict(self.graph.last_update),
            **self.graph.stats,
        }

    # -- commands for gestures ------------------------------------------------------------------
    def _append_command(self, type_name: str, after: str) -> tuple[Command, Layer]:
        design = self.session.design
        positions = self.graph.item_positions()
        ax, ay = positions.get(after, (0.0, 0.0))
        layer = default_layer(design, type_name, (ax, ay + ROW_HEIGHT))
        steps: list[Command] = [append_after(design, layer, after)]
        room = self._make_room(design.consumers(after), ay + 2 * ROW_HEIGHT)
        if room is not None:
            steps.append(room)
        return Macro(f"Add {layer.id}", steps), layer

    def _drop_command(self, type_name: str, point: QPointF) -> tuple[Command, Layer]:
        design = self.session.design
        edge = self.graph.edge_at(point)
        if edge is None:
            pos = (round(point.x() - BLOCK_WIDTH / 2), round(point.y() - BLOCK_HEIGHT / 2))
            layer = default_layer(design, type_name, pos)
            return AddLayer(layer), layer
        source, target = edge.source.pos(), edge.target.pos()
        # On a straight vertical link the new block lines up with it; otherwise it goes where
        # it was dropped.
        x = source.x() if abs(source.x() - target.x()) < 1 else point.x() - BLOCK_WIDTH / 2
        y = max(point.y() - BLOCK_HEIGHT / 2, source.y() + ROW_HEIGHT)
        layer = default_layer(design, type_name, (round(x), round(y)))
        steps: list[Command] = [
            insert_between(design, layer, edge.target.layer_id, edge.slot),
        ]
        room = self._make_room([edge.target.layer_id], y + ROW_HEIGHT)
        if room is not None:
            steps.append(room)
        return Macro(f"Insert {layer.id}", steps), layer

    def _make_room(self, heads: list[str], top: float) -> MoveLayers | None:
        """Move ``heads`` and everything downstream of them down so that they start at ``top``."""
        positions = self.graph.item_positions()
        present = [h for h in heads if h in positions]
        if not present:
            return None
        dy = top - min(positions[h][1] for h in present)
        if dy <= 0:
            return None
        moved = [lid for lid in downstream(self.session.design, present) if lid in positions]
        return MoveLayers(
            {lid: (positions[lid][0], positions[lid][1] + dy) for lid in moved},
            label=translate("Canvas", "Make room"),
        )

    def _finish_connect(self, scene_pos: QPointF) -> None:
        source = self._connect_from
        self._end_connect()
        if source is None:
            return
        target, slot = self._connect_target(scene_pos)
        if target is None:
            return
        src, dst = source.layer_id, target.layer_id
        problem = connect_problem(self.session.design, src, dst)
        if problem is not None:
            self.status_message.emit(
                translate("Canvas", "Not connected: {reason}").format(reason=problem)
            )
            return
        design = self.session.design
        inputs = design[dst].inputs
        if slot is not None and slot >= len(inputs):
            slot = None
        if (slot is not None and inputs[slot] == src) or (
            slot is None and not target.state.multi and inputs == [src]
        ):
            return  # already connected exactly like this
        self.session.push(connect(design, src, dst, slot))

    def _connect_target(self, scene_pos: QPointF) -> tuple[BlockItem | None, int | None]:
        for item in self.graph.items(scene_pos):
            if isinstance(item, PortItem) and item.kind == "in":
                return item.block, item.slot
        block = self.graph.block_at(scene_pos)
        return block, None

    # -- mouse ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        button = event.button()
        if button == Qt.MouseButton.MiddleButton or (
            button == Qt.MouseButton.LeftButton and self._space
        ):
            self._pan_from = point
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if button == Qt.MouseButton.LeftButton:
            scene_pos = self.mapToScene(point)
            top = self.itemAt(point)
            if isinstance(top, PortItem) and top.kind == "out":
                self._begin_connect(top.block, scene_pos)
                event.accept()
                return
            block = self.graph.block_at(scene_pos)
            if isinstance(block, GroupItem) and block.chevron_hit(scene_pos):
                self.graph.unfold(block.path)
                event.accept()
                return
            if block is not None and block.mark_hit(scene_pos) and block.state.fixes:
                self._offer_fixes(block)
                event.accept()
                return
        super().mousePressEvent(event)
        if button == Qt.MouseButton.LeftButton and self.graph.mouseGrabberItem() is not None:
            self._press_positions = {
                lid: QPointF(self.graph.blocks[lid].pos())
                for lid in self.graph.selected_blocks()
                if lid in self.graph.blocks  # (the layers of a folded group do not move)
            }

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        if self._pan_from is not None:
            delta = point - self._pan_from
            self._pan_from = point
            h, v = self.horizontalScrollBar(), self.verticalScrollBar()
            h.setValue(h.value() - delta.x())
            v.setValue(v.value() - delta.y())
            event.accept()
            return
        if self._connect_from is not None:
            self._drag_connect(self.mapToScene(point))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() in (
            Qt.MouseButton.MiddleButton,
            Qt.MouseButton.LeftButton,
        ):
            self._pan_from = None
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self._space else Qt.CursorShape.ArrowCursor
            )
            event.accept()
            return
        if self._connect_from is not None:
            self._finish_connect(self.mapToScene(event.position().toPoint()))
            event.accept()
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._finish_move()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        block = self.graph.block_at(self.mapToScene(event.position().toPoint()))
        if isinstance(block, GroupItem) and event.button() == Qt.MouseButton.LeftButton:
            self.graph.unfold(block.path)
            event.accept()
            return
        if block is not None and event.button() == Qt.MouseButton.LeftButton:
            self.block_activated.emit(block.layer_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def _finish_move(self) -> None:
        """End of a drag: every block that moved goes into one `MoveLayers` step."""
        before, self._press_positions = self._press_positions, None
        if not before:
            return
        moved: dict[str, tuple[float, float] | None] = {}
        for lid, old in before.items():
            item = self.graph.blocks.get(lid)
            if item is not None and item.pos() != old:
                moved[lid] = (round(item.pos().x(), 1), round(item.pos().y(), 1))
        if moved:
            label = f"Move {next(iter(moved))}" if len(moved) == 1 else f"Move {len(moved)} blocks"
            self.session.push(MoveLayers(moved, label=label))
            self._update_scene_rect()

    def _cancel_move(self) -> bool:
        before, self._press_positions = self._press_positions, None
        if not before:
            return False
        grabber = self.graph.mouseGrabberItem()
        if grabber is not None:
            grabber.ungrabMouse()
        for lid, old in before.items():
            item = self.graph.blocks.get(lid)
            if item is not None:
                item.setPos(old)
        return True

    def _begin_connect(self, source: BlockItem, scene_pos: QPointF) -> None:
        self._connect_from = source
        rubber = QGraphicsPathItem()
        pen = QPen(self.graph.theme.selection, 2.0, Qt.PenStyle.DashLine)
        rubber.setPen(pen)
        rubber.setZValue(100)
        self.graph.addItem(rubber)
        self._rubber = rubber
        self._drag_connect(scene_pos)

    def _drag_connect(self, scene_pos: QPointF) -> None:
        if self._rubber is None or self._connect_from is None:
            return
        self._rubber.setPath(curve(self._connect_from.out_anchor(), scene_pos))
        target, slot = self._connect_target(scene_pos)
        port: PortItem | None = None
        if target is not None and target is not self._connect_from and target.input_ports:
            index = slot if slot is not None else len(target.input_ports) - 1
            port = target.input_ports[min(index, len(target.input_ports) - 1)]
        if port is not self._hot_port:
            if self._hot_port is not None:
                self._hot_port.set_hot(False)
            if port is not None:
                port.set_hot(True)
            self._hot_port = port

    def _end_connect(self) -> None:
        if self._rubber is not None:
            self.graph.removeItem(self._rubber)
        self._rubber = None
        self._connect_from = None
        if self._hot_port is not None:
            self._hot_port.set_hot(False)
            self._hot_port = None

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            super().wheelEvent(event)
            return
        factor = ZOOM_STEP**steps
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom() * factor))
        if target != self.zoom():
            self.scale(target / self.zoom(), target / self.zoom())
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        scene_pos = self.mapToScene(event.pos())
        block = self.graph.block_at(scene_pos)
        edge = None if block is not None else self.graph.edge_at(scene_pos)
        menu = QMenu(self)
        if isinstance(block, GroupItem):
            if not block.isSelected():
                self.graph.clearSelection()
                block.setSelected(True)
            path = block.path
            menu.addAction(
                translate("Canvas", "Unfold {path}").format(path=path),
                lambda: self.graph.unfold(path),
            )
            menu.addAction(
                translate("Canvas", "Ungroup {path}").format(path=path), lambda: self.ungroup(path)
            )
            menu.addAction(
                translate("Canvas", "Save Group as Block…"),
                lambda: self.save_group_requested.emit(path),
            )
            menu.addAction(translate("Canvas", "Copy"), self.copy_selected)
            menu.addAction(translate("Canvas", "Delete"), self.delete_selected)
        elif block is not None:
            if not block.isSelected():
                self.session.select([block.layer_id])
            lid = block.layer_id
            for n, fix in enumerate(block.state.fixes):
                action = menu.addAction(fix.label)
                action.triggered.connect(lambda _=False, i=n: self.apply_fix(lid, i))
            if block.state.fixes:
                menu.addSeparator()
            frozen = self.session.design[lid].frozen
            menu.addAction(
                translate("Canvas", "Unfreeze") if frozen else translate("Canvas", "Freeze"),
                lambda: self.session.push(SetFrozen(lid, not frozen)),
            )
            menu.addAction(translate("Canvas", "Copy"), self.copy_selected)
            menu.addAction(translate("Canvas", "Delete"), self.delete_selected)
            group = self.session.design[lid].group
            if group is not None:
                for path in reversed(ancestors(group)):
                    menu.addAction(
                        translate("Canvas", "Fold {path}").format(path=path),
                        functools.partial(self.graph.fold, [path]),
                    )
                menu.addAction(
                    translate("Canvas", "Save Group {group} as Block…").format(group=group),
                    functools.partial(self.save_group_requested.emit, group),
                )
        elif edge is not None:
            src, dst = edge.source.layer_id, edge.target.layer_id
            menu.addAction(
                translate("Canvas", "Disconnect {src} from {dst}").format(src=src, dst=dst),
                lambda: self.session.push(disconnect(self.session.design, src, dst)),
            )
        else:
            menu.addAction(translate("Canvas", "Paste"), self.paste)
            menu.addAction(translate("Canvas", "Auto layout"), self.auto_layout)
            menu.addAction(translate("Canvas", "Fit to view"), self.fit_all)
        menu.exec(event.globalPos())

    # -- keys -----------------------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Escape:
            if self._connect_from is not None:
                self._end_connect()
            elif not self._cancel_move():
                self.session.select([])
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selected()
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selected()
        elif event.matches(QKeySequence.StandardKey.Cut):
            self.cut_selected()
        elif event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
        elif event.matches(QKeySequence.StandardKey.SelectAll):
            self.select_all()
        elif ctrl and key == Qt.Key.Key_0:
            self.fit_all()
        elif event.matches(QKeySequence.StandardKey.ZoomIn) or (
            ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal)
        ):
            self.zoom_in()
        elif event.matches(QKeySequence.StandardKey.ZoomOut) or (ctrl and key == Qt.Key.Key_Minus):
            self.zoom_out()
        elif key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self._pan_from = None
            self.viewport().unsetCursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        self._space = False  # the key release may go to another widget
        super().focusOutEvent(event)

    # -- drag and drop from the palette ---------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasFormat(LAYER_MIME) or mime.hasFormat(COMPOSITE_MIME):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        mime = event.mimeData()
        if not (mime.hasFormat(LAYER_MIME) or mime.hasFormat(COMPOSITE_MIME)):
            event.ignore()
            return
        self._set_drop_edge(self.graph.edge_at(self.mapToScene(event.position().toPoint())))
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._set_drop_edge(None)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._set_drop_edge(None)
        mime = event.mimeData()
        if mime.hasFormat(COMPOSITE_MIME):
            text = bytes(mime.data(COMPOSITE_MIME).data()).decode("utf-8", "replace")
            try:
                block = loads_block(text, "the dropped block")
            except CompositeError as err:
                self.status_message.emit(str(err))
                event.ignore()
                return
            self.add_composite(block, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
            self.setFocus()
            return
        if not mime.hasFormat(LAYER_MIME):
            event.ignore()
            return
        type_name = bytes(mime.data(LAYER_MIME).data()).decode("utf-8").strip()
        if type_name not in SPECS:
            self.status_message.emit(
                translate("Canvas", "Unknown layer type {name!r}").format(name=type_name)
            )
            event.ignore()
            return
        self.add_block(type_name, self.mapToScene(event.position().toPoint()))
        event.acceptProposedAction()
        self.setFocus()

    def _set_drop_edge(self, edge: EdgeItem | None) -> None:
        if edge is self._drop_edge:
            return
        if self._drop_edge is not None and self._drop_edge.scene() is self.graph:
            self._drop_edge.set_hot(False)
        if edge is not None:
            edge.set_hot(True)
        self._drop_edge = edge

    # -- view housekeeping ----------------------------------------------------------------------
    def _scale_about_centre(self, factor: float) -> None:
        target = min(MAX_ZOOM, max(MIN_ZOOM, self.zoom() * factor))
        self._set_zoom(target)

    def _set_zoom(self, zoom: float) -> None:
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(zoom / self.zoom(), zoom / self.zoom())
        self.setTransformationAnchor(anchor)

    def _ensure_visible(self, layer_id: str) -> None:
        item = self.graph.blocks.get(layer_id)
        if item is not None:
            self.ensureVisible(item, 40, 40)

    def _update_scene_rect(self) -> None:
        if not self.graph.blocks:
            # Nothing to scroll to: a tiny rect keeps the scroll bars away from the hint.
            self.setSceneRect(QRectF(-1, -1, 2, 2))
            return
        # A generous margin around the blocks, so that panning and dropping beyond the design
        # always have room.
        rect = self.graph.itemsBoundingRect()
        self.setSceneRect(rect.marginsAdded(QMarginsF(1200, 900, 1200, 900)))

    def _on_session_design_events(self, events: list[Any]) -> None:
        if any(e.kind in ("layer_added", "layer_removed", "layer_moved") for e in events):
            self._update_scene_rect()
            empty = not self.graph.blocks
            if empty != self._was_empty:
                self._was_empty = empty
                self.viewport().update()  # the empty-canvas hint appears or goes

    def _on_graph_folding_changed(self) -> None:
        self._update_scene_rect()
        self.viewport().update()

    def _on_session_design_reset(self) -> None:
        self._end_connect()
        self._press_positions = None
        self._paste_count = 0
        self._update_scene_rect()
        self._was_empty = not self.graph.blocks
        self.fit_all()
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.graph.set_theme(theme_for(self.palette()))
        super().changeEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        if self.graph.blocks:
            return
        painter.save()
        painter.resetTransform()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        painter.setFont(font)
        painter.setPen(self.graph.theme.hint)
        area = self.viewport().rect().adjusted(24, 24, -24, -24)
        painter.drawText(
            area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), EMPTY_HINT
        )
        painter.restore()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.graph.set_theme(theme_for(self.palette()))
        if self._fit_on_show:
            fit = self.show_start if self._fit_on_show == "start" else self.fit_all
            self._fit_on_show = False
            fit()
            # The enclosing layout may settle the final size only after this event.
            QTimer.singleShot(0, fit)
