"""Multi-instance event behaviors (None/One/Complex) and loops drawn without a count or
an end (multi-instance without cardinality or collection, standard loop without
condition or maximum)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bpmn_engine.interpreter import Interpreter, Limits
from bpmn_engine.interpreter.effects import (
    CancelUserTask,
    CreateUserTask,
    RaiseIncident,
    RecordHistory,
)
from bpmn_engine.parser import BpmnParseError, parse_bpmn

from ..builders import of_type, positions, waiting_at
from .helpers import DIAGRAMS, interpreter, model


def _triggered(effects: Sequence[object], element_id: str) -> int:
    return sum(
        1
        for e in of_type(effects, RecordHistory)
        if e.event == "event_triggered" and e.element_id == element_id
    )


def test_none_behavior_throws_after_every_instance_to_a_non_interrupting_boundary() -> None:
    engine = interpreter("mi_none_behavior_non_interrupting")
    state, effects = engine.start(variables={"reports": 0})
    for done in (1, 2, 3):
        effects = engine.complete(state, token_id=waiting_at(state, "Work"))
        assert _triggered(effects, "OnProgress") == 1
        assert state.root.variables["reports"] == done
    assert positions(state) == [("Done", "waiting")]


def test_one_behavior_throws_once_and_an_interrupting_boundary_ends_the_activity() -> None:
    engine = interpreter("mi_one_behavior_interrupts")
    state, effects = engine.start()
    first, second, third = (t.token_id for t in of_type(effects, CreateUserTask))
    effects = engine.complete(state, token_id=second)
    assert _triggered(effects, "FirstWins") == 1
    assert sorted(c.token_id for c in of_type(effects, CancelUserTask)) == sorted([first, third])
    assert positions(state) == [("Winner", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]


def test_complex_behavior_throws_when_its_condition_holds() -> None:
    engine = interpreter("mi_complex_behavior")
    state, effects = engine.start(variables={"runs": 0})
    assert _triggered(effects, "OnHalf") == 1  # after the second of four instances only
    assert state.root.variables["runs"] == 4
    assert "halfAt" in state.root.variables
    assert positions(state) == [("Done", "waiting")]


def test_one_behavior_without_an_event_throws_nothing() -> None:
    engine = interpreter("mi_one_behavior")
    state, _ = engine.start()
    assert positions(state) == [("Done", "waiting")]


def test_behavior_events_must_exist_and_be_throwable() -> None:
    with pytest.raises(BpmnParseError) as raised:
        model("mi_behavior_event_invalid")
    message = str(raised.value)
    assert "[Work] noneBehaviorEventRef refers to 'Nowhere', which is no event definition" in (
        message
    )
    assert "complexBehaviorDefinition event names a timerEventDefinition, which cannot be" in (
        message
    )


def _warnings(name: str) -> list[str]:
    path = DIAGRAMS / f"{name}.bpmn"
    return [str(w) for w in parse_bpmn(path.read_bytes(), filename=path.name).warnings]


def test_multi_instance_without_count_deploys_with_a_warning_and_raises_an_incident() -> None:
    assert any(
        "neither loopCardinality nor a collection" in w for w in _warnings("mi_without_cardinality")
    )
    engine = interpreter("mi_without_cardinality")
    state, effects = engine.start()
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "Work"
    assert "Multi-instance 'Work' has neither loopCardinality nor a collection" in (
        incident.message
    )


def test_standard_loop_without_condition_or_maximum_runs_until_the_step_limit() -> None:
    """No condition counts as always true: nothing in the loop ends it, so the engine's
    step limit does, with an incident instead of spinning forever."""
    assert any(
        "neither loopCondition nor loopMaximum" in w for w in _warnings("loop_without_condition")
    )
    engine = Interpreter(model("loop_without_condition"), limits=Limits(max_steps=50))
    state, effects = engine.start()
    [incident, *_] = of_type(effects, RaiseIncident)
    assert "step limit of 50 exceeded" in incident.message
    assert ("Work", "in_scope") in positions(state)
