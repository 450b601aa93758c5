"""The inspector (right dock): the selected block's id, label, parameters and explanation.

The form is generated from the layer spec's `ParamSpec`s. Every change is a command pushed
through the session (consecutive edits of one field merge into one undo step in the core);
values the spec refuses are not applied: the field shows the reason in red instead. When undo
or redo changes the values, the form follows with its signals blocked, so refreshing never
pushes a command of its own.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QFontDatabase, QPalette, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.catalog import SPECS, LayerSpec
from ..core.commands import (
    MISSING,
    RenameLayer,
    SetFrozen,
    SetLabel,
    SetParam,
    SetWeights,
    fix_command,
)
from ..core.design import Design, DesignEvent, id_problem
from ..core.diagnostics import Diagnostic, Fix
from ..core.fixed_weights import describe as describe_weights
from ..core.i18n import QT_TRANSLATE_NOOP, translate
from ..core.params import ParamSpec
from .session import DesignSession
from .theme import error_colour, warning_colour

EMPTY_TEXT = QT_TRANSLATE_NOOP(
    "Inspector",
    "Select a block on the canvas to see and edit its parameters.\n\n"
    "Drag a block from the palette, or open a template from File ▸ New from Template.",
)
INT_LIMIT = 2**31 - 1
# The parameters' names as the form labels them: torch's own names in English, the lectures'
# words in Portuguese (passo, preenchimento); the tooltip keeps the torch name.
PARAMETER_LABELS = (
    QT_TRANSLATE_NOOP("Parameters", "shape"),
    QT_TRANSLATE_NOOP("Parameters", "out_channels"),
    QT_TRANSLATE_NOOP("Parameters", "kernel_size"),
    QT_TRANSLATE_NOOP("Parameters", "stride"),
    QT_TRANSLATE_NOOP("Parameters", "padding"),
    QT_TRANSLATE_NOOP("Parameters", "padding_mode"),
    QT_TRANSLATE_NOOP("Parameters", "dilation"),
    QT_TRANSLATE_NOOP("Parameters", "groups"),
    QT_TRANSLATE_NOOP("Parameters", "bias"),
    QT_TRANSLATE_NOOP("Parameters", "ceil_mode"),
    QT_TRANSLATE_NOOP("Parameters", "out_features"),
    QT_TRANSLATE_NOOP("Parameters", "p"),
    QT_TRANSLATE_NOOP("Parameters", "eps"),
    QT_TRANSLATE_NOOP("Parameters", "momentum"),
    QT_TRANSLATE_NOOP("Parameters", "negative_slope"),
    QT_TRANSLATE_NOOP("Parameters", "alpha"),
    QT_TRANSLATE_NOOP("Parameters", "dim"),
    QT_TRANSLATE_NOOP("Parameters", "dims"),
    QT_TRANSLATE_NOOP("Parameters", "output_size"),
    QT_TRANSLATE_NOOP("Parameters", "channels"),
    QT_TRANSLATE_NOOP("Parameters", "affine"),
    QT_TRANSLATE_NOOP("Parameters", "mode"),
    QT_TRANSLATE_NOOP("Parameters", "chunks"),
    QT_TRANSLATE_NOOP("Parameters", "index"),
    QT_TRANSLATE_NOOP("Parameters", "module"),
    QT_TRANSLATE_NOOP("Parameters", "args"),
    QT_TRANSLATE_NOOP("Parameters", "input_shape"),
    QT_TRANSLATE_NOOP("Parameters", "output_shape"),
    QT_TRANSLATE_NOOP("Parameters", "param_count"),
    QT_TRANSLATE_NOOP("Parameters", "macs"),
    QT_TRANSLATE_NOOP("Parameters", "source"),
)


# -- text <-> value for the free-form kinds (size, padding, shape, axis) ---------------------------
def format_value(value: Any) -> str:
    """A parameter value as the inspector writes it: ``5``, ``3,5``, ``same``; None as empty."""
    if value is None or value is MISSING:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _expected(ps: ParamSpec) -> str:
    if ps.kind == "shape":
        return "sizes like 1,28,28"
    if ps.kind == "axis":
        return "an integer like 0 or -1"
    text = "an integer like 5, or one per axis like 3,5"
    if ps.kind == "padding" and ps.choices:
        text += ", or " + " / ".join(ps.choices)
    return text


def parse_value(ps: ParamSpec, text: str) -> tuple[Any, str | None]:
    """Parse what the user typed for a free-form parameter: (value, None) or (None, reason).

    An empty field means "back to the default" (`MISSING`), which a required one refuses.
    """
    raw = text.strip()
    if not raw:
        return (None, f"{ps.name} is required") if ps.required else (MISSING, None)
    if ps.kind == "padding" and raw.lower() in ps.choices:
        return raw.lower(), None
    if ps.kind == "text":
        return raw, ps.problem(raw)
    parts = [p for p in re.split(r"[\s,x×]+", raw.strip("[]()").lower()) if p]
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return None, f"{ps.name} must be {_expected(ps)}, got {raw!r}"
    if not numbers:
        return None, f"{ps.name} must be {_expected(ps)}, got {raw!r}"
    value: Any
    if ps.kind == "shape":
        value = numbers
    elif len(numbers) == 1:
        value = numbers[0]
    elif ps.kind == "axis":
        return None, f"{ps.name} must be {_expected(ps)}, got {raw!r}"
    else:
        value = numbers
    problem = ps.problem(value)
    return (None, problem) if problem else (value, None)


def rename_problem(design: Design, old: str, new: str) -> str | None:
    """Why ``old`` cannot be renamed to ``new``, or None when it can (the core's id rules)."""
    if new == old:
        return None
    if not new:
        return "the id cannot be empty"
    problem = id_problem(new)
    if problem:
        return f"{new!r}: the id {problem}"
    if new in design:
        return f"another layer is already called {new!r}"
    return None


class _FloatSpinBox(QDoubleSpinBox):
    """A double spin box that shows ``1e-05`` and ``0.5`` rather than fixed decimals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)  # keeps small values such as BatchNorm's eps exact
        self.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)

    def textFromValue(self, value: float) -> str:
        return f"{value:g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        try:
            value = float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos


def _reason_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.WindowText, error_colour(pal))
    label.setPalette(pal)
    label.hide()
    return label


class _ParamField:
    """One parameter's editor widget and the red line under it that says why a value is refused."""

    def __init__(
        self,
        ps: ParamSpec,
        parent: QWidget,
        apply: Callable[[str, Any], None],
        done: Callable[[], None],
    ) -> None:
        self.ps = ps
        self._apply = apply
        self.container = QWidget(parent)
        box = QVBoxLayout(self.container)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.widget: QWidget
        if ps.kind == "int":
            spin = QSpinBox(self.container)
            spin.setRange(
                int(ps.minimum) if ps.minimum is not None else -INT_LIMIT,
                int(ps.maximum) if ps.maximum is not None else INT_LIMIT,
            )
            spin.valueChanged.connect(lambda v: self._emit(int(v)))
            spin.editingFinished.connect(done)
            self.widget = spin
        elif ps.kind == "float":
            fspin = _FloatSpinBox(self.container)
            fspin.setRange(
                float(ps.minimum) if ps.minimum is not None else -1e9,
                float(ps.maximum) if ps.maximum is not None else 1e9,
            )
            fspin.valueChanged.connect(lambda v: self._emit(float(v)))
            fspin.editingFinished.connect(done)
            self.widget = fspin
        elif ps.kind == "bool":
            check = QCheckBox(self.container)
            check.toggled.connect(lambda v: self._emit(bool(v)))
            self.widget = check
        elif ps.kind == "text" and ps.choices:
            # A closed set of words (a Conv's padding mode): pick one, nothing to mistype.
            combo = QComboBox(self.container)
            combo.addItems(list(ps.choices))
            combo.activated.connect(lambda i: self._emit(ps.choices[i]))
            self.widget = combo
        else:
            edit = QLineEdit(self.container)
            if ps.default is None:
                edit.setPlaceholderText(
                    translate("Catalog", ps.help).split(";")[-1].strip().rstrip(".")
                )
            else:
                edit.setPlaceholderText(
                    translate("Inspector", "default {value}").format(value=format_value(ps.default))
                )
            edit.textEdited.connect(self._on_text_edited)
            edit.editingFinished.connect(done)
            self.widget = edit
        self.widget.setToolTip(translate("Catalog", ps.help))
        self.reason = _reason_label(self.container)
        box.addWidget(self.widget)
        box.addWidget(self.reason)

    def _emit(self, value: Any) -> None:
        self.show_reason(None)
        self._apply(self.ps.name, value)

    def _on_text_edited(self, text: str) -> None:
        value, reason = parse_value(self.ps, text)
        if reason is not None:
            self.show_reason(reason)  # refused in place: the design keeps its value
            return
        self._emit(value)

    def show_reason(self, reason: str | None) -> None:
        self.reason.setText(reason or "")
        self.reason.setVisible(bool(reason))

    def set_value(self, explicit: Any) -> None:
        """Show the design's value (its explicit one, else the default) without emitting."""
        ps = self.ps
        value = ps.default if explicit is MISSING else explicit
        problem = ps.problem(value) if value is not None else None
        blocker = QSignalBlocker(self.widget)
        try:
            w = self.widget
            if isinstance(w, QSpinBox):
                if type(value) is int and w.value() != value:
                    w.setValue(value)
            elif isinstance(w, QDoubleSpinBox):
                if type(value) in (int, float) and w.value() != value:
                    w.setValue(float(value))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox):
                if value in ps.choices:
                    w.setCurrentIndex(ps.choices.index(value))
            elif isinstance(w, QLineEdit):
                typed, reason = parse_value(ps, w.text())
                typed_effective = ps.default if typed is MISSING else typed
                if w.hasFocus() and reason is None and typed_effective == value:
                    return  # the user is typing this very value: leave the text and cursor alone
                text = format_value(value)
                if w.text() != text:
                    w.setText(text)
        finally:
            blocker.unblock()
        self.show_reason(problem)


class InspectorPanel(QWidget):
    """Edits the single selected block; shows an empty state otherwise."""

    def __init__(self, session: DesignSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.layer_id: str | None = None
        self.fields: dict[str, _ParamField] = {}
        self._diagnostics_key: tuple[Any, ...] | None = None

        self.empty = QLabel(translate("Inspector", EMPTY_TEXT), self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setContentsMargins(8, 8, 8, 8)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        # Not `scroll`: that name is QWidget.scroll(dx, dy).
        self.form_scroll = QScrollArea(self)
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.editor: QWidget | None = None

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.form_scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        session.selection_changed.connect(self._on_session_selection_changed)
        session.design_events.connect(self._on_session_design_events)
        session.analysis_changed.connect(self._on_session_analysis_changed)
        self._on_session_selection_changed(session.selection)

    # -- showing a layer --------------------------------------------------------------------
    def _on_session_selection_changed(self, ids: list[str]) -> None:
        target = ids[0] if len(ids) == 1 else None
        if target != self.layer_id or (target is not None and self.editor is None):
            self.show_layer(target)
        if target is None:
            self.empty.setText(
                translate("Inspector", EMPTY_TEXT)
                if not ids
                else translate(
                    "Inspector", "{n} blocks selected.\n\nSelect a single block to edit it."
                ).format(n=len(ids))
            )

    def show_layer(self, layer_id: str | None) -> None:
        """Build the form for ``layer_id`` (None: the empty state)."""
        self.layer_id = layer_id if layer_id in self.session.design else None
        self.fields = {}
        self._diagnostics_key = None
        old = self.form_scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        self.editor = None
        if self.layer_id is None:
            self.stack.setCurrentWidget(self.empty)
            return
        layer = self.session.design[self.layer_id]
        spec = SPECS.get(layer.type)
        self.editor = self._build_editor(spec)
        self.form_scroll.setWidget(self.editor)
        self.stack.setCurrentWidget(self.form_scroll)
        self._refresh_values()
        self._refresh_analysis()

    def _build_editor(self, spec: LayerSpec | None) -> QWidget:
        editor = QWidget()
        outer = QVBoxLayout(editor)
        outer.setContentsMargins(8, 8, 8, 8)
        outer.setSpacing(6)

        self.title = QLabel(editor)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.title)
        if spec is not None:
            blurb = QLabel(translate("Catalog", spec.summary), editor)
            blurb.setWordWrap(True)
            blurb.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            outer.addWidget(blurb)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

        id_box = QWidget(editor)
        id_layout = QVBoxLayout(id_box)
        id_layout.setContentsMargins(0, 0, 0, 0)
        id_layout.setSpacing(2)
        self.id_edit = QLineEdit(id_box)
        self.id_edit.setToolTip(
            translate(
                "Inspector", "The layer's name; it becomes the attribute name in exported code."
            )
        )
        self.id_edit.textEdited.connect(self._on_id_edited)
        self.id_edit.editingFinished.connect(self._on_id_finished)
        self.id_reason = _reason_label(id_box)
        id_layout.addWidget(self.id_edit)
        id_layout.addWidget(self.id_reason)
        form.addRow(translate("Inspector", "id"), id_box)

        self.label_edit = QLineEdit(editor)
        self.label_edit.setPlaceholderText(translate("Inspector", "optional text on the block"))
        self.label_edit.editingFinished.connect(self._on_label_finished)
        form.addRow(translate("Inspector", "label"), self.label_edit)

        for ps in spec.params if spec is not None else ():
            field = _ParamField(ps, editor, self._apply_param, self.session.history.break_merge)
            self.fields[ps.name] = field
            label = translate("Parameters", ps.name)
            name = QLabel(label, editor)
            help_text = translate("Catalog", ps.help)
            name.setToolTip(help_text if label == ps.name else f"{ps.name}: {help_text}")
            form.addRow(name, field.container)

        self.frozen_check: QCheckBox | None = None
        if spec is not None and spec.has_weights:
            self.frozen_check = QCheckBox(translate("Inspector", "frozen (not trained)"), editor)
            self.frozen_check.setToolTip(
                translate(
                    "Inspector",
                    "Keep this layer's weights fixed during training (transfer learning).",
                )
            )
            self.frozen_check.toggled.connect(self._on_frozen_toggled)
            form.addRow("", self.frozen_check)
        # Fixed weights (a hand-made filter from the Convolution Lab): shown, and clearable.
        self.weights_row = QWidget(editor)
        weights_layout = QHBoxLayout(self.weights_row)
        weights_layout.setContentsMargins(0, 0, 0, 0)
        self.weights_label = QLabel(self.weights_row)
        self.weights_label.setObjectName("inspector_fixed_weights")
        self.weights_label.setWordWrap(True)
        self.weights_label.setToolTip(
            translate(
                "Inspector",
                "The values of these parameters are set in the design, not by torch's "
                "initialisation; the exported code writes them into the module.",
            )
        )
        self.clear_weights_button = QPushButton(translate("Inspector", "Clear"), self.weights_row)
        self.clear_weights_button.setObjectName("inspector_clear_weights")
        self.clear_weights_button.setToolTip(
            translate("Inspector", "Let torch initialise these parameters again")
        )
        self.clear_weights_button.clicked.connect(self._on_clear_weights_clicked)
        weights_layout.addWidget(self.weights_label, 1)
        weights_layout.addWidget(self.clear_weights_button)
        self.weights_name = QLabel(translate("Inspector", "fixed"), editor)
        form.addRow(self.weights_name, self.weights_row)
        outer.addLayout(form)

        line = QFrame(editor)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)

        self.explanation = QLabel(editor)
        self.explanation.setWordWrap(True)
        self.explanation.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.explanation)

        self.diagnostics_box = QWidget(editor)
        self.diagnostics_layout = QVBoxLayout(self.diagnostics_box)
        self.diagnostics_layout.setContentsMargins(0, 0, 0, 0)
        self.diagnostics_layout.setSpacing(4)
        outer.addWidget(self.diagnostics_box)
        outer.addStretch(1)
        return editor

    # -- session -> form --------------------------------------------------------------------
    def _on_session_design_events(self, events: list[DesignEvent]) -> None:
        if self.layer_id is None:
            return
        for event in events:
            if event.kind == "layer_renamed" and event.detail == self.layer_id:
                self.layer_id = event.layer
        if self.layer_id in self.session.design:
            self._refresh_values()

    def _on_session_analysis_changed(self) -> None:
        if self.layer_id is not None and self.layer_id in self.session.design:
            self._refresh_analysis()

    def _refresh_values(self) -> None:
        assert self.layer_id is not None
        layer = self.session.design[self.layer_id]
        self.title.setText(f"{layer.type} · {layer.id}")
        if not self.id_edit.hasFocus() and self.id_edit.text() != layer.id:
            with QSignalBlocker(self.id_edit):
                self.id_edit.setText(layer.id)
            self.id_reason.hide()
        if not self.label_edit.hasFocus() and self.label_edit.text() != (layer.label or ""):
            with QSignalBlocker(self.label_edit):
                self.label_edit.setText(layer.label or "")
        for name, field in self.fields.items():
            field.set_value(layer.params.get(name, MISSING))
        if self.frozen_check is not None and self.frozen_check.isChecked() != layer.frozen:
            with QSignalBlocker(self.frozen_check):
                self.frozen_check.setChecked(layer.frozen)
        fixed = layer.weights is not None
        self.weights_row.setVisible(fixed)
        self.weights_name.setVisible(fixed)
        if layer.weights is not None:
            self.weights_label.setText(describe_weights(layer.weights))

    def _refresh_analysis(self) -> None:
        assert self.layer_id is not None
        analysis = self.session.analysis
        lines = analysis.explain(self.layer_id)
        info = analysis.layers.get(self.layer_id)
        diagnostics = [d for d in analysis.design_errors if d.layer == self.layer_id]
        if info is not None:
            diagnostics.extend(info.errors)
        if not lines:
            lines = (
                ["The output shape is unknown until the problems below are fixed."]
                if (diagnostics)
                else ["The output shape is unknown: connect this block to the input."]
            )
        text = "\n".join(lines)
        if self.explanation.text() != text:
            self.explanation.setText(text)
        key = tuple((d.code, d.message, d.severity, d.fixes) for d in diagnostics)
        if key != self._diagnostics_key:
            self._diagnostics_key = key
            self._show_diagnostics(diagnostics)

    def _show_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        while self.diagnostics_layout.count():
            item = self.diagnostics_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.fix_buttons: list[QPushButton] = []
        for diag in diagnostics:
            message = QLabel(
                (
                    translate("Inspector", "error: {message}")
                    if diag.severity == "error"
                    else translate("Inspector", "warning: {message}")
                ).format(message=diag.message),
                self.diagnostics_box,
            )
            message.setWordWrap(True)
            message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            pal = message.palette()
            colour = error_colour(pal) if diag.severity == "error" else warning_colour(pal)
            pal.setColor(QPalette.ColorRole.WindowText, colour)
            message.setPalette(pal)
            self.diagnostics_layout.addWidget(message)
            for fix in diag.fixes:  # one button per choice, the first choice first
                button = QPushButton(self._button_text(f"Fix: {fix.label}"), self.diagnostics_box)
                button.setToolTip(translate("Inspector", "Apply this repair as one undoable step"))
                button.clicked.connect(lambda _=False, f=fix: self.apply_fix(f))
                self.diagnostics_layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
                self.fix_buttons.append(button)

    def _button_text(self, text: str) -> str:
        """``text`` broken into lines that fit the dock (a button does not wrap on its own).

        A fix's label names the layer and the numbers ("Set conv1's kernel_size to 32 (the
        largest that fits 32x32)"): on one line it would stick out of a 1366-px window's
        inspector, and its end, which says why, would be cut.
        """
        metrics = self.fontMetrics()
        room = max(self.width(), 240) - 48  # the dock's margins and the button's padding
        columns = max(20, room // max(1, metrics.averageCharWidth()))
        return "\n".join(textwrap.wrap(text, columns)) or text

    # -- form -> session --------------------------------------------------------------------
    def _current(self) -> str | None:
        """The shown layer's id while it still exists (fields may finish after a deletion)."""
        lid = self.layer_id
        return lid if lid is not None and lid in self.session.design else None

    def _apply_param(self, name: str, value: Any) -> None:
        lid = self._current()
        if lid is None:
            return
        current = self.session.design[lid].params.get(name, MISSING)
        if value is MISSING and current is MISSING:
            return
        if value == current and type(value) is type(current):
            return
        self.session.push(SetParam(lid, name, value))

    def apply_fix(self, fix: Fix) -> None:
        """Apply one of a diagnostic's repairs (one undo step)."""
        self.session.push(fix_command(self.session.design, fix))

    def _on_id_edited(self, text: str) -> None:
        lid = self._current()
        if lid is None:
            return
        reason = rename_problem(self.session.design, lid, text.strip())
        self.id_reason.setText(reason or "")
        self.id_reason.setVisible(bool(reason))

    def _on_id_finished(self) -> None:
        lid = self._current()
        if lid is None:
            return
        new = self.id_edit.text().strip()
        reason = rename_problem(self.session.design, lid, new)
        if reason is not None:
            self.id_reason.setText(reason)  # refused: the layer keeps its id
            self.id_reason.show()
            return
        self.id_reason.hide()
        if new != lid:
            self.session.push(RenameLayer(lid, new))
            self.session.select([new])

    def _on_label_finished(self) -> None:
        lid = self._current()
        if lid is None:
            return
        text = self.label_edit.text().strip() or None
        if text != self.session.design[lid].label:
            self.session.push(SetLabel(lid, text))

    def _on_clear_weights_clicked(self) -> None:
        lid = self._current()
        if lid is not None and self.session.design[lid].weights is not None:
            self.session.push(
                SetWeights(
                    lid,
                    None,
                    label=translate("Commands", "Clear {layer}'s fixed weights").format(layer=lid),
                )
            )

    def _on_frozen_toggled(self, checked: bool) -> None:
        lid = self._current()
        if lid is not None and self.session.design[lid].frozen != checked:
            self.session.push(SetFrozen(lid, checked))
