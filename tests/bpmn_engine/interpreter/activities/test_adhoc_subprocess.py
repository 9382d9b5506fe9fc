"""Ad-hoc subprocesses: enabled activities, ordering, completion condition."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bpmn_engine.interpreter import TokenState
from bpmn_engine.interpreter.effects import (
    CancelUserTask,
    CreateUserTask,
    RaiseIncident,
    RecordHistory,
    ScheduleTimer,
)
from bpmn_engine.parser import BpmnParseError

from ..builders import of_type, positions, waiting_at
from .helpers import interpreter, model, reload


def _tasks(effects: Sequence[object]) -> dict[str, str]:
    """Element id -> token id of the user tasks the effects open."""
    return {t.element_id: t.token_id for t in of_type(effects, CreateUserTask)}


def test_parallel_opens_every_activity_without_incoming_flow_at_once() -> None:
    engine = interpreter("adhoc_parallel_user_tasks")
    state, effects = engine.start(variables={"initiator": "ann"})
    assert sorted(_tasks(effects)) == ["Finance", "Legal", "Security"]
    assert positions(state) == [
        ("Finance", "waiting"),
        ("Legal", "waiting"),
        ("Reviews", "in_scope"),
        ("Security", "waiting"),
    ]


def test_parallel_completes_in_any_order_and_leaves_after_the_last() -> None:
    engine = interpreter("adhoc_parallel_user_tasks")
    state, effects = engine.start(variables={"initiator": "ann"})
    tasks = _tasks(effects)
    engine.complete(state, token_id=tasks["Security"])
    state = reload(state)
    engine.complete(state, token_id=tasks["Legal"])
    assert ("Reviews", "in_scope") in positions(state)
    effects = engine.complete(state, token_id=tasks["Finance"])
    assert list(_tasks(effects)) == ["Sign"]
    assert positions(state) == [("Sign", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]
    completed = [e.element_id for e in of_type(effects, RecordHistory)]
    assert "Reviews" in completed


def test_sequential_runs_one_activity_at_a_time_in_document_order() -> None:
    engine = interpreter("adhoc_sequential_user_tasks")
    state, effects = engine.start()
    assert list(_tasks(effects)) == ["First"]
    assert positions(state) == [
        ("First", "waiting"),
        ("Reviews", "in_scope"),
        ("Second", "joining"),  # enabled, waiting its turn
    ]
    state = reload(state)  # the turn order survives a reload
    effects = engine.complete(state, token_id=waiting_at(state, "First"))
    assert list(_tasks(effects)) == ["Second"]
    effects = engine.complete(state, token_id=waiting_at(state, "Second"))
    assert list(_tasks(effects)) == ["Done"]
    assert positions(state) == [("Done", "waiting")]


def test_sequential_waits_for_a_whole_inner_path_before_the_next_activity() -> None:
    """Draft -> Proofread is one path: Index starts only after Proofread. The boundary
    event inside has no incoming flow but is no activity, so it is never enabled."""
    engine = interpreter("adhoc_sequential_inner_flow")
    state, effects = engine.start(variables={"log": []})
    assert state.root.variables["log"] == ["draft"]
    assert list(_tasks(effects)) == ["Proofread"]
    assert len(of_type(effects, ScheduleTimer)) == 1  # Proofread's own boundary timer
    engine.complete(state, token_id=waiting_at(state, "Proofread"))
    assert state.root.variables["log"] == ["draft", "index"]
    assert positions(state) == [("Done", "waiting")]


def test_a_true_completion_condition_cancels_the_activities_still_running() -> None:
    engine = interpreter("adhoc_rejection_cancels_the_rest")
    state, effects = engine.start()
    tasks = _tasks(effects)
    engine.complete(state, token_id=tasks["Legal"], variables={"approved": True})
    assert ("Reviews", "in_scope") in positions(state)
    effects = engine.complete(state, token_id=tasks["Security"], variables={"approved": False})
    cancelled = of_type(effects, CancelUserTask)
    assert [c.token_id for c in cancelled] == [tasks["Finance"]]
    assert "completion condition of 'Reviews' holds" in cancelled[0].reason
    assert positions(state) == [("Done", "waiting")]


def test_without_cancel_remaining_instances_the_running_ones_finish_first() -> None:
    engine = interpreter("adhoc_condition_lets_running_finish")
    state, effects = engine.start(variables={"enough": False})
    tasks = _tasks(effects)
    effects = engine.complete(state, token_id=tasks["Legal"], variables={"enough": True})
    assert of_type(effects, CancelUserTask) == []
    assert positions(state) == [("Finance", "waiting"), ("Reviews", "in_scope")]
    effects = engine.complete(state, token_id=tasks["Finance"])
    assert positions(state) == [("Done", "waiting")]


def test_sequential_condition_drops_the_activities_not_started_yet() -> None:
    engine = interpreter("adhoc_sequential_condition_skips_the_rest")
    state, _ = engine.start(variables={"enough": False})
    effects = engine.complete(
        state, token_id=waiting_at(state, "First"), variables={"enough": True}
    )
    assert list(_tasks(effects)) == ["Done"]
    assert of_type(effects, CancelUserTask) == []
    cancelled = [e for e in of_type(effects, RecordHistory) if e.event == "element_cancelled"]
    assert cancelled == []  # never started, so nothing was cancelled
    assert positions(state) == [("Done", "waiting")]


def test_a_failing_completion_condition_parks_the_ended_path_and_retry_re_evaluates() -> None:
    engine = interpreter("adhoc_condition_fails")
    state, effects = engine.start()
    tasks = _tasks(effects)
    effects = engine.complete(state, token_id=tasks["Legal"])
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "Legal"
    assert "completionCondition of 'Reviews' failed" in incident.message
    assert state.tokens[tasks["Legal"]].state is TokenState.FAILED

    state = reload(state)
    state.set_variable(state.root_scope_id, "missing", 5)
    effects = engine.retry(state, token_id=tasks["Legal"])
    assert list(_tasks(effects)) == ["Done"]  # Legal is not reopened
    assert [c.token_id for c in of_type(effects, CancelUserTask)] == [tasks["Finance"]]


def test_cancelling_the_instance_closes_the_open_inner_tasks() -> None:
    engine = interpreter("adhoc_sequential_user_tasks")
    state, _ = engine.start()
    effects = engine.cancel(state, reason="stop")
    assert len(of_type(effects, CancelUserTask)) == 1  # Second never opened
    assert state.tokens == {}


def test_invalid_ad_hoc_subprocesses_are_refused_at_deploy() -> None:
    with pytest.raises(BpmnParseError) as raised:
        model("adhoc_invalid")
    message = str(raised.value)
    assert "ordering of ad-hoc subprocess 'Loop' must be Parallel or Sequential" in message
    assert "[Loop] completionCondition does not compile" in message
    assert "ad-hoc subprocess 'Loop' has no activity without incoming flow" in message


def test_an_interrupting_boundary_ends_running_and_waiting_activities_alike() -> None:
    engine = interpreter("adhoc_interrupted_by_timer")
    state, effects = engine.start()
    [timer] = of_type(effects, ScheduleTimer)
    first = waiting_at(state, "First")
    effects = engine.trigger(state, token_id=timer.token_id, element_id="Deadline")
    assert [c.token_id for c in of_type(effects, CancelUserTask)] == [first]
    assert list(_tasks(effects)) == ["Chase"]
    assert positions(state) == [("Chase", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]
