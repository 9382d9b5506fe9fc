"""Camunda's ``errorCodeVariable`` / ``errorMessageVariable`` on error catches: the caught
error's code and message are set as variables where the catching path goes on."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter

from ..builders import positions, waiting_at
from .diagrams import model


def test_a_boundary_sets_the_code_and_the_errors_camunda_message() -> None:
    state, _ = Interpreter(model("error_variables_boundary")).start()
    assert positions(state) == [("Reorder", "waiting")]
    assert state.root.variables == {
        "caughtCode": "OUT_OF_STOCK",
        "caughtMessage": "Nothing left on the shelf",
    }


def test_an_error_event_subprocess_start_sets_them_and_a_missing_message_is_null() -> None:
    state, _ = Interpreter(model("error_variables_event_subprocess")).start()
    assert positions(state) == [("OnError", "in_scope"), ("Repair", "waiting")]
    assert state.root.variables == {"caughtCode": "BROKEN", "caughtMessage": None}


def test_a_handlers_bpmn_error_sets_its_code_and_message() -> None:
    interpreter = Interpreter(model("error_variables_service_task"))
    state, _ = interpreter.start()
    token = waiting_at(state, "CreditCheck")
    interpreter.throw_error(state, token_id=token, code="REJECTED", message="score too low")
    assert positions(state) == [("Explain", "waiting")]
    assert state.root.variables == {"code": "REJECTED", "reason": "score too low"}
