"""startQuantity and completionQuantity: tokens an activity needs and produces."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter.effects import CreateUserTask, InstanceEnded
from bpmn_engine.parser import BpmnParseError, parse_bpmn

from ..builders import of_type, positions, waiting_at
from .helpers import DIAGRAMS, interpreter


def test_completion_quantity_sends_two_tokens_and_start_quantity_consumes_both() -> None:
    engine = interpreter("quantity_tokens")
    state, effects = engine.start(variables={"runs": 0})
    assert state.root.variables["runs"] == 2  # the middle task ran once per token
    assert [t.element_id for t in of_type(effects, CreateUserTask)] == ["Receive"]
    assert positions(state) == [("Receive", "waiting")]
    effects = engine.complete(state, token_id=waiting_at(state, "Receive"))
    assert of_type(effects, InstanceEnded)[0].outcome == "completed"


def test_start_quantity_waits_while_too_few_tokens_arrived() -> None:
    state, effects = interpreter("quantity_too_few").start(variables={"runs": 0})
    assert of_type(effects, CreateUserTask) == []
    assert positions(state) == [("Receive", "joining")]


def test_quantities_below_one_are_deploy_errors() -> None:
    path = DIAGRAMS / "quantity_invalid.bpmn"
    with pytest.raises(BpmnParseError) as raised:
        parse_bpmn(path.read_bytes(), filename=path.name)
    message = str(raised.value)
    assert "[Send] completionQuantity must be a whole number of at least 1, not '0'" in message
    assert "[Receive] startQuantity must be a whole number of at least 1, not 'many'" in message
