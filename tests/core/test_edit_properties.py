"""Property tests: random edit sequences never raise; undo-to-start is the identical document.

After every step the incremental analysis (`reanalyze` from the previous one and the step's
events) equals a full analysis of a fresh copy.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from cnnstudio.core.analysis import Analysis, analyze, reanalyze
from cnnstudio.core.catalog import SPECS
from cnnstudio.core.commands import (
    AddLayer,
    History,
    MoveLayers,
    SetFrozen,
    SetParam,
    connect,
    disconnect,
    fix_command,
    paste_layers,
    remove_layers,
)
from cnnstudio.core.design import DesignEvent, Layer
from cnnstudio.core.errors import DesignError
from cnnstudio.core.fileio import dumps_design, loads_design
from cnnstudio.core.templates import TEMPLATES, get_template

ANY_VALUE = st.one_of(
    st.integers(-5, 70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.sampled_from(["same", "valid", "", "x"]),
    st.lists(st.integers(-2, 9), max_size=4),
)
PARAM_NAMES = sorted({p.name for spec in SPECS.values() for p in spec.params} | {"bogus"})


class EditMachine(RuleBasedStateMachine):
    """Drives a History with arbitrary (also nonsensical) edits."""

    @initialize(name=st.sampled_from(["lenet5", "mini-inception", "simple-cnn"]))
    def start(self, name: str) -> None:
        self.design = get_template(name)
        self.history = History(self.design)
        self.start_text = dumps_design(self.design)
        self.counter = 0
        self.events: list[DesignEvent] = []
        self.design.subscribe(self.events.append)
        self.live = analyze(self.design)

    def _ids(self) -> list[str]:
        return list(self.design.layers)

    @rule(type_=st.sampled_from(sorted(SPECS)), data=st.data())
    def add(self, type_: str, data: Any) -> None:
        self.counter += 1
        inputs = (
            data.draw(st.lists(st.sampled_from(self._ids()), max_size=2)) if self._ids() else []
        )
        self.history.push(AddLayer(Layer(self.design.unique_id(type_), type_, inputs)))

    @precondition(lambda self: len(self.design) > 0)
    @rule(data=st.data())
    def delete(self, data: Any) -> None:
        ids = data.draw(st.lists(st.sampled_from(self._ids()), min_size=1, max_size=3))
        self.history.push(remove_layers(ids))

    @precondition(lambda self: len(self.design) > 1)
    @rule(data=st.data())
    def connect_or_disconnect(self, data: Any) -> None:
        src = data.draw(st.sampled_from(self._ids()))
        dst = data.draw(st.sampled_from(self._ids()))
        if src in self.design[dst].inputs:
            self.history.push(disconnect(self.design, src, dst))
        else:
            self.history.push(connect(self.design, src, dst))

    @precondition(lambda self: len(self.design) > 0)
    @rule(data=st.data(), name=st.sampled_from(PARAM_NAMES), value=ANY_VALUE)
    def set_param(self, data: Any, name: str, value: Any) -> None:
        self.history.push(SetParam(data.draw(st.sampled_from(self._ids())), name, value))

    @precondition(lambda self: len(self.design) > 0)
    @rule(data=st.data(), x=st.floats(-1e4, 1e4), frozen=st.booleans())
    def move_and_freeze(self, data: Any, x: float, frozen: bool) -> None:
        lid = data.draw(st.sampled_from(self._ids()))
        self.history.push(MoveLayers({lid: (x, -x)}))
        self.history.push(SetFrozen(lid, frozen))

    @precondition(lambda self: len(self.design) > 0)
    @rule(data=st.data())
    def paste(self, data: Any) -> None:
        ids = data.draw(st.lists(st.sampled_from(self._ids()), min_size=1, max_size=3, unique=True))
        self.history.push(paste_layers(self.design, [self.design[i] for i in ids]))

    @rule()
    def apply_first_fix(self) -> None:
        fixes = [d.fix for d in analyze(self.design).diagnostics if d.fix is not None]
        if fixes:
            self.history.push(fix_command(self.design, fixes[0]))

    @rule()
    def undo(self) -> None:
        self.history.undo()

    @rule()
    def redo(self) -> None:
        self.history.redo()

    @invariant()
    def analysis_never_raises_and_file_round_trips(self) -> None:
        if not hasattr(self, "design"):
            return
        analysis = analyze(self.design)
        for diag in analysis.diagnostics:
            assert diag.message and "\n" not in diag.message
        try:
            text = dumps_design(self.design)
        except DesignError as exc:
            # Only a NaN or Infinity (which JSON cannot hold) stops a design from being written.
            assert "cannot hold" in str(exc) and "\n" not in str(exc)
            return
        assert dumps_design(loads_design(text)) == text

    @invariant()
    def incremental_analysis_equals_a_full_one(self) -> None:
        if not hasattr(self, "design"):
            return
        self.live = reanalyze(self.design, self.live, self.events)
        self.events.clear()
        # repr: a NaN parameter is never equal to itself, but prints the same
        assert repr(_facts(self.live)) == repr(_facts(analyze(self.design.clone())))

    def teardown(self) -> None:
        if not hasattr(self, "design"):
            return
        while self.history.undo():
            pass
        assert dumps_design(self.design) == self.start_text


TestEdits = EditMachine.TestCase


def _facts(analysis: Analysis) -> tuple[object, ...]:
    return (
        analysis.layers,
        analysis.diagnostics,
        analysis.output_id,
        analysis.total_params,
        analysis.trainable_params,
        analysis.total_macs,
        analysis.activation_bytes,
    )


def test_every_template_survives_a_save_load_cycle() -> None:
    for name in TEMPLATES:
        text = dumps_design(get_template(name))
        assert dumps_design(loads_design(text)) == text


@pytest.mark.parametrize("value", [True, 1.0, [1, True]])
def test_a_value_equal_to_the_old_one_but_of_another_type_is_analysed_again(value: object) -> None:
    # True == 1 == 1.0 in Python: the memo of kernel_size 1 must not answer for them (found by
    # the state machine above: paste blocks of mini-inception, then set kernel_size=True).
    design = get_template("mini-inception")
    history = History(design)
    events: list[DesignEvent] = []
    design.subscribe(events.append)
    live = analyze(design)
    history.push(SetParam("inc1_3x3_reduce", "kernel_size", value))
    live = reanalyze(design, live, events)
    assert repr(_facts(live)) == repr(_facts(analyze(design.clone())))
    assert not live.valid and "kernel_size" in live.errors[0].message
