"""Event subprocesses: listeners opened with their scope, interrupting or not."""

from __future__ import annotations

from bpmn_engine.interpreter import Interpreter
from bpmn_engine.interpreter.effects import (
    CancelUserTask,
    InstanceEnded,
    ScheduleTimer,
    Subscribe,
    Unsubscribe,
)

from ..builders import of_type, positions, waiting_at
from .diagrams import model


def test_an_interrupting_message_event_subprocess_replaces_the_process_work() -> None:
    interpreter = Interpreter(model("event_subprocess_message"))
    state, effects = interpreter.start()
    [sub] = of_type(effects, Subscribe)
    assert (sub.token_id, sub.element_id, sub.name) == (
        state.root_scope_id,
        "AbortReceived",
        "Abort",
    )
    effects = interpreter.trigger(state, token_id=state.root_scope_id, element_id="AbortReceived")
    assert Unsubscribe(token_id=state.root_scope_id) in effects
    assert len(of_type(effects, CancelUserTask)) == 1
    assert positions(state) == [("Cleanup", "waiting"), ("OnAbort", "in_scope")]
    effects = interpreter.complete(state, token_id=waiting_at(state, "Cleanup"))
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_a_non_interrupting_timer_event_subprocess_runs_beside_the_work() -> None:
    interpreter = Interpreter(model("event_subprocess_timer"))
    state, effects = interpreter.start()
    [timer] = of_type(effects, ScheduleTimer)
    assert (timer.token_id, timer.element_id, timer.value) == (
        state.root_scope_id,
        "Hourly",
        "R/PT1H",
    )
    for _ in range(2):
        effects = interpreter.trigger(state, token_id=state.root_scope_id, element_id="Hourly")
        assert of_type(effects, CancelUserTask) == []
    assert positions(state) == [("Work", "waiting")]
    effects = interpreter.complete(state, token_id=waiting_at(state, "Work"))
    assert of_type(effects, InstanceEnded) == [InstanceEnded(outcome="completed")]


def test_an_error_event_subprocess_inside_a_subprocess_catches_its_error() -> None:
    interpreter = Interpreter(model("event_subprocess_error"))
    state, _ = interpreter.start()
    assert positions(state) == [
        ("OnBroken", "in_scope"),
        ("Repair", "waiting"),
        ("Sub", "in_scope"),
    ]
    interpreter.complete(state, token_id=waiting_at(state, "Repair"))
    assert positions(state) == [("After", "waiting")]
