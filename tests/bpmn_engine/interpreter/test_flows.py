"""Leaving a node: conditions, default flows, implicit split and implicit end."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import InstanceEnded, RaiseIncident

from .builders import ModelBuilder, of_type, positions


def _activity_with_conditions() -> ModelBuilder:
    return (
        ModelBuilder()
        .user_task("high")
        .user_task("low")
        .user_task("other")
        .flow("start", "check")
        .flow("check", "high", condition="${amount > 100}", id="Flow_high")
        .flow("check", "low", condition="${amount < 10}", id="Flow_low")
        .flow("check", "other", default=True, id="Flow_default")
    )


def test_an_activity_takes_every_flow_whose_condition_is_true() -> None:
    model = _activity_with_conditions().flow("check", "always").user_task("always").build()
    state, _ = Interpreter(model).start(variables={"amount": 500})
    assert positions(state) == [("always", "waiting"), ("high", "waiting")]


def test_an_activity_takes_the_default_flow_only_when_no_condition_is_true() -> None:
    model = _activity_with_conditions().build()
    state, _ = Interpreter(model).start(variables={"amount": 50})
    assert positions(state) == [("other", "waiting")]
    state, _ = Interpreter(model).start(variables={"amount": 5})
    assert positions(state) == [("low", "waiting")]


def test_a_failing_condition_parks_the_token_before_any_token_moves() -> None:
    model = _activity_with_conditions().build()
    state, effects = Interpreter(model).start(variables={})
    assert positions(state) == [("check", "failed")]
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "check"
    assert incident.message.startswith("Condition of flow 'Flow_high' failed: ")
    assert "amount" in incident.message


def test_a_condition_that_is_not_a_boolean_is_an_error() -> None:
    model = (
        ModelBuilder()
        .flow("start", "check")
        .flow("check", "end", condition="${amount}", id="Flow_1")
        .build()
    )
    state, effects = Interpreter(model).start(variables={"amount": 1})
    assert positions(state) == [("check", "failed")]
    [incident] = of_type(effects, RaiseIncident)
    assert incident.message == "Condition of flow 'Flow_1' must be true or false, not int 1"


def test_several_unconditional_flows_split_the_token_implicitly() -> None:
    ids = iter(["root", "t1", "t2", "t3"])
    model = (
        ModelBuilder()
        .user_task("a")
        .user_task("b")
        .user_task("c")
        .flow("start", "a")
        .flow("start", "b")
        .flow("start", "c")
        .build()
    )
    state, _ = Interpreter(model, new_id=lambda: next(ids)).start()
    assert positions(state) == [("a", "waiting"), ("b", "waiting"), ("c", "waiting")]
    assert {t.id: t.element_id for t in state.tokens.values()} == {"t1": "a", "t2": "b", "t3": "c"}


def test_a_node_without_outgoing_flows_ends_its_token_implicitly() -> None:
    model = (
        ModelBuilder()
        .user_task("a")
        .flow("start", "fork")
        .flow("fork", "dead_end")
        .flow("fork", "a", "end")
        .build()
    )
    interpreter = Interpreter(model)
    state, effects = interpreter.start()
    assert positions(state) == [("a", "waiting")]
    assert of_type(effects, InstanceEnded) == []
    [token_id] = state.tokens
    effects = interpreter.complete(state, token_id=token_id)
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]
