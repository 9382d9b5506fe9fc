"""Compensation (SAGA): completed compensable activities are undone in reverse order of
completion by their associated handlers, then the thrower goes on."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.behaviors.compensation import KEY
from bpmn_engine.interpreter.effects import InstanceEnded
from bpmn_engine.interpreter.state import InstanceState
from bpmn_engine.parser import BpmnParseError

from ..builders import of_type, positions, waiting_at
from .diagrams import model, parse


def _records(state: InstanceState, scope_id: str | None = None) -> list[str]:
    scope = state.scopes[scope_id or state.root_scope_id]
    return [r["activity"] for r in scope.variables.get(KEY, {}).get("done", [])]


def test_a_throw_runs_the_handlers_in_reverse_order_of_completion_then_goes_on() -> None:
    interpreter = Interpreter(model("throw_reverse_order"))
    state, _ = interpreter.start()
    assert _records(state) == ["BookHotel", "BookFlight"]
    interpreter.complete(state, token_id=waiting_at(state, "Payment"))
    assert positions(state) == [("CancelFlight", "waiting"), ("Refused", "waiting")]
    interpreter.complete(state, token_id=waiting_at(state, "CancelFlight"))
    assert positions(state) == [("CancelHotel", "waiting"), ("Refused", "waiting")]
    interpreter.complete(state, token_id=waiting_at(state, "CancelHotel"))
    assert positions(state) == [("Apologise", "waiting")]
    assert KEY not in state.root.variables  # records consumed, nothing left behind
    assert list(state.scopes) == [state.root_scope_id]  # handler scopes are gone


def test_compensation_state_survives_a_save_and_reload_between_handlers() -> None:
    interpreter = Interpreter(model("throw_reverse_order"))
    state, _ = interpreter.start()
    interpreter.complete(state, token_id=waiting_at(state, "Payment"))
    state = InstanceState.from_dict(state.to_dict())
    interpreter.complete(state, token_id=waiting_at(state, "CancelFlight"))
    state = InstanceState.from_dict(state.to_dict())
    interpreter.complete(state, token_id=waiting_at(state, "CancelHotel"))
    assert positions(state) == [("Apologise", "waiting")]


def test_an_end_event_with_activity_ref_compensates_only_that_activity() -> None:
    interpreter = Interpreter(model("end_event_activity_ref"))
    state, _ = interpreter.start()
    assert positions(state) == [("Failed", "waiting"), ("Refund", "waiting")]
    effects = interpreter.complete(state, token_id=waiting_at(state, "Refund"))
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_an_end_event_in_a_subprocess_compensates_its_inner_activities_then_ends_it() -> None:
    interpreter = Interpreter(model("end_event_in_subprocess"))
    state, _ = interpreter.start()
    assert positions(state) == [
        ("Booking", "in_scope"),
        ("BookingFailed", "waiting"),
        ("Release", "waiting"),
    ]
    interpreter.complete(state, token_id=waiting_at(state, "Release"))
    assert positions(state) == [("Report", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]


def test_a_completed_subprocess_is_compensated_by_its_own_handler() -> None:
    """The inner records went with the subprocess scope: only the subprocess's handler
    runs (and the root holds just the subprocess's record until the throw)."""
    interpreter = Interpreter(model("boundary_on_subprocess"))
    state, _ = interpreter.start()
    assert positions(state) == [("CancelBooking", "waiting"), ("Undo", "waiting")]
    effects = interpreter.complete(state, token_id=waiting_at(state, "CancelBooking"))
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_each_completed_multi_instance_instance_is_compensated_with_its_own_variables() -> None:
    interpreter = Interpreter(model("multi_instance"))
    state, _ = interpreter.start(variables={"parcels": ["a", "b", "c"]})
    seen = []
    for _ in range(3):
        token_id = waiting_at(state, "Return")
        scope = state.scopes[state.tokens[token_id].scope_id]
        seen.append((scope.variables["parcel"], scope.variables["loopCounter"]))
        effects = interpreter.complete(state, token_id=token_id)
    assert seen == [("c", 2), ("b", 1), ("a", 0)]
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_a_throw_with_nothing_completed_to_compensate_goes_on_at_once() -> None:
    interpreter = Interpreter(model("throw_reverse_order"))
    state, _ = interpreter.start()
    state.root.variables.pop(KEY)
    interpreter.complete(state, token_id=waiting_at(state, "Payment"))
    assert positions(state) == [("Apologise", "waiting")]


def test_a_compensation_boundary_without_handler_association_is_a_deploy_error() -> None:
    with pytest.raises(BpmnParseError) as caught:
        parse("missing_association")
    assert [(i.element_id, i.message) for i in caught.value.issues] == [
        (
            "WorkComp",
            "compensation boundary event 'WorkComp' has no association to a compensation handler",
        )
    ]
