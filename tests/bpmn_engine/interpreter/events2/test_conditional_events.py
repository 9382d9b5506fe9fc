"""Conditional events fire when their condition becomes true (interpreter/conditions.py)."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import InstanceEnded, RaiseIncident

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def test_a_conditional_catch_waits_until_another_branch_makes_its_condition_true() -> None:
    interpreter = Interpreter(model("conditional_catch"))
    state, _ = interpreter.start(variables={"approved": False})
    assert positions(state) == [("Review", "waiting"), ("WaitApproved", "waiting")]
    interpreter.complete(state, token_id=waiting_at(state, "Review"), variables={"x": 1})
    assert positions(state) == [("WaitApproved", "waiting")]


def test_a_conditional_catch_passes_at_once_when_its_condition_already_holds() -> None:
    state, _ = Interpreter(model("conditional_catch")).start(variables={"approved": True})
    assert positions(state) == [("Review", "waiting"), ("Ship", "waiting")]


def test_a_variable_write_from_a_completed_task_releases_the_conditional_catch() -> None:
    interpreter = Interpreter(model("conditional_catch"))
    state, _ = interpreter.start()  # 'approved' is not set yet: the condition is false
    interpreter.complete(state, token_id=waiting_at(state, "Review"), variables={"approved": True})
    assert positions(state) == [("Ship", "waiting")]


def test_a_non_interrupting_boundary_fires_once_and_an_interrupting_one_ends_the_activity() -> None:
    interpreter = Interpreter(model("conditional_boundary"))
    state, _ = interpreter.start(variables={"amount": 50})
    assert positions(state) == [("Note", "waiting"), ("Work", "waiting")]
    interpreter.complete(state, token_id=waiting_at(state, "Note"), variables={"amount": 60})
    assert positions(state) == [("Work", "waiting")], "still true: no second firing"
    interpreter.complete(state, token_id=waiting_at(state, "Work"), variables={"amount": 500})
    assert positions(state) == [], "Work completed normally; its boundaries stop listening"


def test_an_interrupting_conditional_boundary_cancels_the_activity_when_it_becomes_true() -> None:
    interpreter = Interpreter(model("conditional_boundary"))
    state, _ = interpreter.start(variables={"amount": 500})
    assert positions(state) == [("Escalate", "waiting")]


def test_conditional_event_subprocesses_start_when_their_condition_is_true() -> None:
    """A non-interrupting one runs beside Work; an interrupting one replaces it."""
    interpreter = Interpreter(model("conditional_event_subprocess"))
    state, _ = interpreter.start()
    assert positions(state) == [("Work", "waiting")]
    state, _ = interpreter.start(variables={"late": True})
    assert positions(state) == [("OnLate", "in_scope"), ("Remind", "waiting"), ("Work", "waiting")]
    state, effects = interpreter.start(variables={"cancel": True})
    assert positions(state) == [("Cleanup", "waiting"), ("OnCancel", "in_scope")]
    assert not of_type(effects, InstanceEnded)


def test_a_condition_that_is_not_true_or_false_parks_the_token_with_an_incident() -> None:
    interpreter = Interpreter(model("conditional_bad_condition"))
    state, effects = interpreter.start(variables={"count": 1})
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "WaitCount"
    assert incident.message == "Condition of 'WaitCount' gave 2, not true or false"
    assert positions(state) == [("WaitCount", "failed")]
