"""Compensating a completed subprocess from outside it (BPMN 2.0 10.7.1): by its
compensation event subprocess, or by default its inner activities in reverse order."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.behaviors.compensation import KEY, compensable
from bpmn_engine.interpreter.state import InstanceState

from ..builders import positions, waiting_at
from .diagrams import model


def test_the_compensation_event_subprocess_is_the_completed_subprocess_handler() -> None:
    interpreter = Interpreter(model("compensation_event_subprocess"))
    state, _ = interpreter.start()
    root = state.scopes[state.root_scope_id]
    [record] = root.variables[KEY]["done"]
    assert record["activity"] == "Booking" and record["handler"] == "CompensationStart"
    assert [r["activity"] for r in record["inner"]] == ["BookHotel"]

    interpreter.complete(state, token_id=waiting_at(state, "Decide"))
    assert positions(state) == [
        ("HandleCompensation", "in_scope"),
        ("NotifyGuest", "waiting"),
        ("Undo", "waiting"),
    ]
    handler_scope = state.scopes[state.tokens[waiting_at(state, "NotifyGuest")].scope_id]
    assert interpreter.model.nodes[handler_scope.element_id].id == "HandleCompensation"
    assert interpreter_variables(state, handler_scope.id)["hotel"] == "booked"

    interpreter.complete(state, token_id=waiting_at(state, "NotifyGuest"))
    assert positions(state) == [
        ("CancelHotel", "waiting"),
        ("CompensateInner", "waiting"),
        ("HandleCompensation", "in_scope"),
        ("Undo", "waiting"),
    ]
    interpreter.complete(state, token_id=waiting_at(state, "CancelHotel"))
    assert positions(state) == []
    assert [s.element_id for s in state.scopes.values()] == ["CompensationEventSubprocess"]


def test_a_subprocess_without_handler_compensates_its_activities_in_reverse_order() -> None:
    interpreter = Interpreter(model("compensation_subprocess_default"))
    state, _ = interpreter.start()
    interpreter.complete(state, token_id=waiting_at(state, "Decide"))
    assert positions(state) == [("CancelCar", "waiting"), ("Trip", "in_scope"), ("Undo", "waiting")]
    car = state.tokens[waiting_at(state, "CancelCar")]
    assert interpreter_variables(state, car.scope_id)["car"] == "small", "the snapshot"

    interpreter.complete(state, token_id=car.id)
    assert positions(state) == [
        ("CancelFlight", "waiting"),
        ("Trip", "in_scope"),
        ("Undo", "waiting"),
    ]
    interpreter.complete(state, token_id=waiting_at(state, "CancelFlight"))
    assert positions(state) == []
    assert KEY not in state.scopes[state.root_scope_id].variables


def test_nothing_is_kept_for_a_subprocess_no_compensation_can_reach() -> None:
    process = model("compensation_unreachable")
    assert set(compensable(process)) == {"BookFlight"}
    interpreter = Interpreter(process)
    state, _ = interpreter.start()
    assert positions(state) == [("Decide", "waiting")]
    assert KEY not in state.scopes[state.root_scope_id].variables


def interpreter_variables(state: InstanceState, scope_id: str) -> dict[str, object]:
    """The variables visible from a scope, inner first (as the interpreter reads them)."""
    merged: dict[str, object] = {}
    for scope in state.scope_chain(scope_id):
        for name, value in scope.variables.items():
            merged.setdefault(name, value)
    return merged
