"""Standard loops: loopCondition, testBefore and loopMaximum."""

from __future__ import annotations

from bpmn_engine.interpreter.effects import CreateUserTask, RaiseIncident

from ..builders import of_type, positions
from .helpers import body_scope, interpreter


def test_do_while_runs_until_the_condition_is_false() -> None:
    state, _ = interpreter("loop_do_while").start(variables={"counter": 0, "limit": 3})
    assert state.root.variables["counter"] == 3
    assert positions(state) == [("Done", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]


def test_do_while_runs_once_even_when_the_condition_is_false_at_first() -> None:
    state, _ = interpreter("loop_do_while").start(variables={"counter": 5, "limit": 0})
    assert state.root.variables["counter"] == 6


def test_test_before_skips_the_activity_when_the_condition_is_false_at_first() -> None:
    state, _ = interpreter("loop_test_before").start(variables={"counter": 5, "limit": 0})
    assert state.root.variables["counter"] == 5
    assert positions(state) == [("Done", "waiting")]


def test_test_before_loops_while_the_condition_holds() -> None:
    state, _ = interpreter("loop_test_before").start(variables={"counter": 0, "limit": 2})
    assert state.root.variables["counter"] == 2


def test_loop_maximum_caps_an_always_true_condition() -> None:
    state, _ = interpreter("loop_maximum").start(variables={"runs": 0})
    assert state.root.variables["runs"] == 3
    assert positions(state) == [("Done", "waiting")]


def test_a_looping_user_task_reopens_until_approved_with_a_loop_counter() -> None:
    engine = interpreter("loop_user_task")
    state, effects = engine.start()
    [task] = of_type(effects, CreateUserTask)
    effects = engine.complete(state, token_id=task.token_id, variables={"approved": False})
    [task] = of_type(effects, CreateUserTask)
    assert task.element_id == "Work"
    assert body_scope(state, "Work") == {"loopCounter": 1}
    effects = engine.complete(state, token_id=task.token_id, variables={"approved": True})
    assert positions(state) == [("Done", "waiting")]


def test_a_loop_condition_that_is_not_boolean_is_an_incident() -> None:
    state, effects = interpreter("loop_do_while").start(variables={"counter": 0, "limit": "x"})
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "Work"
    assert "loopCondition of 'Work' failed" in incident.message
