"""Timer catch and boundary events in the interpreter: which listeners open and close,
and what firing does to the activity (the runtime computes due times, not the interpreter)."""

from __future__ import annotations

import pytest

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import (
    CancelJob,
    CancelUserTask,
    CreateUserTask,
    InstanceEnded,
    ScheduleTimer,
    Unsubscribe,
)
from bpmn_engine.interpreter.errors import TokenNotWaitingError

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def test_a_timer_catch_event_waits_with_a_timer_and_goes_on_when_triggered() -> None:
    interpreter = Interpreter(model("timer_catch"))
    state, effects = interpreter.start()
    [timer] = of_type(effects, ScheduleTimer)
    assert (timer.element_id, timer.timer_type, timer.value) == ("Wait", "duration", "P1D")
    assert positions(state) == [("Wait", "waiting")]

    effects = interpreter.trigger(state, token_id=timer.token_id, element_id="Wait")
    assert positions(state) == [("After", "waiting")]
    assert of_type(effects, Unsubscribe) == [Unsubscribe(token_id=timer.token_id)]


def test_an_activity_opens_its_boundary_timer_when_it_waits_and_closes_it_when_done() -> None:
    interpreter = Interpreter(model("timer_boundary_interrupting"))
    state, effects = interpreter.start()
    [timer] = of_type(effects, ScheduleTimer)
    review = waiting_at(state, "Review")
    assert (timer.token_id, timer.element_id, timer.value) == (review, "TooLate", "PT1H")

    effects = interpreter.complete(state, token_id=review)
    assert Unsubscribe(token_id=review) in effects
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_an_interrupting_boundary_timer_cancels_the_task_and_takes_the_boundary_path() -> None:
    interpreter = Interpreter(model("timer_boundary_interrupting"))
    state, _ = interpreter.start()
    review = waiting_at(state, "Review")

    effects = interpreter.trigger(state, token_id=review, element_id="TooLate")
    assert positions(state) == [("Escalate", "waiting")]
    assert of_type(effects, CancelUserTask)[0].token_id == review
    assert Unsubscribe(token_id=review) in effects
    assert [t.element_id for t in of_type(effects, CreateUserTask)] == ["Escalate"]
    with pytest.raises(TokenNotWaitingError):
        interpreter.trigger(state, token_id=review, element_id="TooLate")


def test_a_non_interrupting_boundary_timer_spawns_a_token_and_the_task_goes_on() -> None:
    interpreter = Interpreter(model("timer_boundary_cycle"))
    state, _ = interpreter.start()
    review = waiting_at(state, "Review")

    for _ in range(2):
        effects = interpreter.trigger(state, token_id=review, element_id="Remind")
        assert of_type(effects, CancelUserTask) == []
        assert Unsubscribe(token_id=review) not in effects
    assert positions(state) == [("Review", "waiting")]
    effects = interpreter.complete(state, token_id=review)
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_an_interrupting_timer_on_a_subprocess_ends_everything_inside_it() -> None:
    interpreter = Interpreter(model("timer_boundary_subprocess"))
    state, effects = interpreter.start()
    [timer] = of_type(effects, ScheduleTimer)
    assert positions(state) == [("Inner", "waiting"), ("InnerWork", "waiting"), ("Sub", "in_scope")]

    effects = interpreter.trigger(state, token_id=timer.token_id, element_id="Deadline")
    assert positions(state) == [("Late", "waiting")]
    assert len(of_type(effects, CancelUserTask)) == 1
    assert len(of_type(effects, CancelJob)) == 1
    assert list(state.scopes) == [state.root_scope_id]


def test_a_timer_start_event_starts_an_instance_at_that_event() -> None:
    interpreter = Interpreter(model("timer_start"))
    state, _ = interpreter.start(start_event_id="Every10Minutes")
    assert positions(state) == [("Check", "waiting")]
