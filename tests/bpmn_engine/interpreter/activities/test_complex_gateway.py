"""Complex gateways: a join that fires when its activation condition holds."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bpmn_engine.interpreter.effects import CreateUserTask
from bpmn_engine.parser import BpmnParseError, parse_bpmn

from ..builders import of_type, positions, waiting_at
from .helpers import DIAGRAMS, interpreter


def _created(effects: Sequence[object]) -> list[str]:
    return [t.element_id for t in of_type(effects, CreateUserTask)]


def test_fires_when_two_of_three_arrived_and_absorbs_the_third() -> None:
    engine = interpreter("complex_two_of_three")
    state, _ = engine.start()
    assert _created(engine.complete(state, token_id=waiting_at(state, "B"))) == []
    effects = engine.complete(state, token_id=waiting_at(state, "C"))
    assert _created(effects) == ["Done"]
    # the reset marker waits for A, which can still arrive
    assert sorted(positions(state)) == [("A", "waiting"), ("Done", "waiting"), ("Join", "joining")]

    effects = engine.complete(state, token_id=waiting_at(state, "A"))
    assert _created(effects) == []  # the late token is consumed, no second activation
    assert positions(state) == [("Done", "waiting")]


def test_without_condition_it_fires_on_the_first_token_only() -> None:
    engine = interpreter("complex_discriminator")
    state, _ = engine.start()
    effects = engine.complete(state, token_id=waiting_at(state, "A"))
    assert _created(effects) == ["Done"]
    engine.complete(state, token_id=waiting_at(state, "B"))
    engine.complete(state, token_id=waiting_at(state, "C"))
    assert positions(state) == [("Done", "waiting")]


def test_an_activation_condition_that_does_not_compile_is_a_deploy_error() -> None:
    path = DIAGRAMS / "complex_bad_condition.bpmn"
    with pytest.raises(BpmnParseError) as raised:
        parse_bpmn(path.read_bytes(), filename=path.name)
    assert "[Join] activationCondition does not compile" in str(raised.value)
