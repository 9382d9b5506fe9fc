"""Transaction subprocesses: a cancel end event compensates the transaction's completed
activities, ends everything still running in it and leaves by the cancel boundary."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import CancelUserTask, InstanceEnded
from bpmn_engine.model import Transaction
from bpmn_engine.parser import BpmnParseError

from ..builders import of_type, positions, waiting_at
from .diagrams import model, parse


def test_a_transaction_completes_like_a_subprocess_when_not_cancelled() -> None:
    assert isinstance(model("transaction_cancel").nodes["Tx"], Transaction)
    interpreter = Interpreter(model("transaction_cancel"))
    state, _ = interpreter.start()
    interpreter.complete(state, token_id=waiting_at(state, "Decide"), variables={"abort": False})
    interpreter.complete(state, token_id=waiting_at(state, "Confirm"))
    assert positions(state) == [("Done", "waiting")]


def test_a_cancel_end_event_compensates_then_leaves_by_the_cancel_boundary() -> None:
    interpreter = Interpreter(model("transaction_cancel"))
    state, _ = interpreter.start()
    interpreter.complete(state, token_id=waiting_at(state, "Decide"), variables={"abort": True})
    confirm = waiting_at(state, "Confirm")
    assert positions(state) == [
        ("Abort", "waiting"),
        ("Confirm", "waiting"),
        ("Release", "waiting"),
        ("Tx", "in_scope"),
    ]
    effects = interpreter.complete(state, token_id=waiting_at(state, "Release"))
    assert positions(state) == [("Notify", "waiting")]
    assert [e.token_id for e in of_type(effects, CancelUserTask)] == [confirm]
    assert list(state.scopes) == [state.root_scope_id]
    effects = interpreter.complete(state, token_id=waiting_at(state, "Notify"))
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_cancel_end_and_cancel_boundary_outside_a_transaction_are_refused_at_deploy() -> None:
    with pytest.raises(BpmnParseError) as caught:
        parse("cancel_outside_transaction")
    assert sorted((i.element_id, i.message) for i in caught.value.issues) == [
        ("Abort", "endEvent 'Abort' with cancelEventDefinition is not supported yet"),
        ("Cancelled", "boundaryEvent 'Cancelled' with cancelEventDefinition is not supported yet"),
    ]
