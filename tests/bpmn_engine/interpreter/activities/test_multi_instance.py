"""Multi-instance activities: parallel and sequential, cardinality and collections."""

from __future__ import annotations

from bpmn_engine.interpreter import TokenState
from bpmn_engine.interpreter.effects import (
    CancelJob,
    CancelUserTask,
    CreateJob,
    CreateUserTask,
    InstanceEnded,
    RaiseIncident,
    RecordHistory,
    ScheduleTimer,
)

from ..builders import of_type, positions
from .helpers import body_scope, interpreter, reload, scope_of


def test_parallel_user_task_opens_one_task_per_instance_with_local_loop_counter() -> None:
    engine = interpreter("mi_parallel_user_task")
    state, effects = engine.start(variables={"reviewers": 3})

    tasks = of_type(effects, CreateUserTask)
    assert [t.assignee for t in tasks] == ["reviewer0", "reviewer1", "reviewer2"]
    assert body_scope(state, "Work") == {
        "nrOfInstances": 3,
        "nrOfActiveInstances": 3,
        "nrOfCompletedInstances": 0,
        "nrOfApproved": 0,
        "nrOfRejected": 0,
    }
    assert [scope_of(state, t.token_id)["loopCounter"] for t in tasks] == [0, 1, 2]
    assert "loopCounter" not in state.root.variables


def test_parallel_instances_complete_in_any_order_then_the_activity_leaves() -> None:
    engine = interpreter("mi_parallel_user_task")
    state, effects = engine.start(variables={"reviewers": 3})
    first, second, third = (t.token_id for t in of_type(effects, CreateUserTask))

    engine.complete(state, token_id=third)
    state = reload(state)
    assert body_scope(state, "Work")["nrOfActiveInstances"] == 2
    assert body_scope(state, "Work")["nrOfCompletedInstances"] == 1
    engine.complete(state, token_id=first)
    effects = engine.complete(state, token_id=second)

    assert positions(state) == [("Done", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]
    assert [t.element_id for t in of_type(effects, CreateUserTask)] == ["Done"]


def test_state_keeps_counters_not_history_of_completed_instances() -> None:
    """A body with many completed instances holds as many scopes as active instances."""
    engine = interpreter("mi_parallel_user_task")
    state, effects = engine.start(variables={"reviewers": 5})
    for task in of_type(effects, CreateUserTask)[:4]:
        engine.complete(state, token_id=task.token_id)
    assert len(state.tokens) == 2  # the body token and the one open instance
    assert len(state.scopes) == 3  # root, body, the open instance
    assert body_scope(state, "Work")["nrOfCompletedInstances"] == 4


def test_sequential_script_runs_once_per_item_in_order() -> None:
    engine = interpreter("mi_sequential_script")
    state, effects = engine.start(variables={"items": [1, 2, 3], "total": 0, "seen": []})

    assert state.root.variables["total"] == 6
    assert state.root.variables["seen"] == [0, 1, 2]
    assert "item" not in state.root.variables
    assert positions(state) == [("Done", "waiting")]


def test_sequential_user_task_opens_the_next_task_only_after_the_previous() -> None:
    engine = interpreter("mi_sequential_user_task")
    state, effects = engine.start(variables={"approvers": ["ann", "bob"]})
    [first] = of_type(effects, CreateUserTask)
    assert first.assignee == "ann"
    assert body_scope(state, "Work")["nrOfActiveInstances"] == 1

    state = reload(state)
    effects = engine.complete(state, token_id=first.token_id)
    [second] = of_type(effects, CreateUserTask)
    assert second.assignee == "bob"
    assert scope_of(state, second.token_id) == {
        "loopCounter": 1,
        "approver": "bob",
        "approved": None,
    }
    effects = engine.complete(state, token_id=second.token_id)
    assert positions(state) == [("Done", "waiting")]


def test_empty_collection_or_zero_cardinality_skips_the_activity() -> None:
    engine = interpreter("mi_plain_task_zero")
    state, _ = engine.start(variables={"count": 0})
    assert positions(state) == [("Done", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]


def test_plain_task_with_cardinality_passes_through_each_instance() -> None:
    engine = interpreter("mi_plain_task_zero")
    state, _ = engine.start(variables={"count": 4})
    assert positions(state) == [("Done", "waiting")]


def test_negative_runtime_cardinality_is_an_incident_naming_the_activity() -> None:
    engine = interpreter("mi_plain_task_zero")
    state, effects = engine.start(variables={"count": -2})
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "Work"
    assert "loopCardinality of 'Work' must be a whole number of at least 0" in incident.message
    assert positions(state) == [("Work", "failed")]


def test_collection_that_is_not_a_list_is_an_incident() -> None:
    engine = interpreter("mi_sequential_user_task")
    state, effects = engine.start(variables={"approvers": "ann"})
    [incident] = of_type(effects, RaiseIncident)
    assert "collection of multi-instance 'Work' must be a list, not str 'ann'" in incident.message


def test_completion_condition_cancels_the_remaining_jobs() -> None:
    engine = interpreter("mi_service_first_wins")
    state, effects = engine.start()
    jobs = of_type(effects, CreateJob)
    assert [j.topic for j in jobs] == ["quote"] * 3

    effects = engine.complete(state, token_id=jobs[1].token_id, variables={"price": 7})
    cancelled = of_type(effects, CancelJob)
    assert sorted(c.token_id for c in cancelled) == sorted([jobs[0].token_id, jobs[2].token_id])
    assert all("completion condition of 'Work' holds" in c.reason for c in cancelled)
    assert positions(state) == [("Done", "waiting")]
    assert state.root.variables == {"price": 7}
    assert list(state.scopes) == [state.root_scope_id]


def test_multi_instance_subprocess_runs_one_child_scope_per_item() -> None:
    engine = interpreter("mi_subprocess")
    state, effects = engine.start(variables={"parts": ["wheel", "frame"]})
    tasks = of_type(effects, CreateUserTask)
    assert [t.assignee for t in tasks] == ["wheel", "frame"]
    assert sorted(positions(state)) == [
        ("Check", "waiting"),
        ("Check", "waiting"),
        ("Work", "in_scope"),
        ("Work", "in_scope"),
        ("Work", "in_scope"),
    ]
    engine.complete(state, token_id=tasks[0].token_id)
    engine.complete(state, token_id=tasks[1].token_id)
    assert positions(state) == [("Done", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]


def test_cancelling_the_instance_closes_every_open_inner_task() -> None:
    engine = interpreter("mi_subprocess")
    state, effects = engine.start(variables={"parts": ["a", "b"]})
    effects = engine.cancel(state, reason="stop")
    assert len(of_type(effects, CancelUserTask)) == 2
    assert of_type(effects, InstanceEnded)[0].outcome == "cancelled"
    assert state.tokens == {}


def test_zeebe_output_collection_gathers_each_output_element_in_order() -> None:
    engine = interpreter("mi_zeebe_output")
    state, _ = engine.start(variables={"items": [1, 2, 3]})
    assert state.root.variables["doubled"] == [2, 4, 6]
    assert positions(state) == [("Done", "waiting")]


def test_behavior_all_runs_like_a_plain_multi_instance() -> None:
    engine = interpreter("mi_all_behavior")
    state, effects = engine.start()
    started = [e for e in effects if isinstance(e, RecordHistory) and e.event == "element_started"]
    assert [e.element_id for e in started].count("Work") == 4  # the body and 3 instances
    assert positions(state) == [("Done", "waiting")]


def test_a_failing_completion_condition_parks_the_instance_and_retry_does_not_reopen() -> None:
    engine = interpreter("mi_condition_fails")
    state, effects = engine.start(variables={"approvers": ["ann"]})
    [task] = of_type(effects, CreateUserTask)
    effects = engine.complete(state, token_id=task.token_id, variables={"ok": True})
    [incident] = of_type(effects, RaiseIncident)
    assert incident.element_id == "Work"
    assert "completionCondition of 'Work' failed" in incident.message
    assert state.tokens[task.token_id].state is TokenState.FAILED

    state.set_variable(state.root_scope_id, "finished", True)
    effects = engine.retry(state, token_id=task.token_id)
    assert [t.element_id for t in of_type(effects, CreateUserTask)] == ["Done"]
    assert positions(state) == [("Done", "waiting")]


def test_an_interrupting_boundary_on_the_body_cancels_every_instance() -> None:
    """The boundary listens once, on the whole multi-instance activity, not per instance."""
    engine = interpreter("mi_interrupting_timer")
    state, effects = engine.start()
    tasks = of_type(effects, CreateUserTask)
    assert len(tasks) == 2
    assert len(of_type(effects, ScheduleTimer)) == 1
    [body] = [t for t in state.tokens.values() if t.state is TokenState.IN_SCOPE]
    effects = engine.trigger(state, token_id=body.id, element_id="Late")
    cancelled = of_type(effects, CancelUserTask)
    assert sorted(c.token_id for c in cancelled) == sorted(t.token_id for t in tasks)
    assert positions(state) == [("Escalated", "waiting")]
    assert list(state.scopes) == [state.root_scope_id]
