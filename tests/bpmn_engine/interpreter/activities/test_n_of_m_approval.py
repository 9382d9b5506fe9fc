"""N-of-M approvals: a multi-instance user task counts decisions into its body scope."""

from __future__ import annotations

from bpmn_engine.interpreter.effects import CancelUserTask, CreateUserTask

from ..builders import of_type, positions
from .helpers import body_scope, interpreter

APPROVERS = {"approvers": ["ann", "bob", "cy"]}


def _start():
    engine = interpreter("mi_approval_two_of_three")
    state, effects = engine.start(variables=dict(APPROVERS))
    tasks = {t.assignee: t.token_id for t in of_type(effects, CreateUserTask)}
    return engine, state, tasks


def test_two_approvals_of_three_complete_the_task_and_cancel_the_third() -> None:
    engine, state, tasks = _start()
    assert sorted(tasks) == ["ann", "bob", "cy"]

    engine.complete(state, token_id=tasks["ann"], variables={"approved": True})
    assert body_scope(state, "Work")["nrOfApproved"] == 1
    effects = engine.complete(state, token_id=tasks["cy"], variables={"approved": True})

    [cancelled] = of_type(effects, CancelUserTask)
    assert cancelled.token_id == tasks["bob"]
    assert cancelled.reason == "completion condition of 'Work' holds"
    assert positions(state) == [("Order", "waiting")]
    assert state.root.variables["nrOfApproved"] == 2
    assert state.root.variables["nrOfRejected"] == 0


def test_two_rejections_end_the_vote_and_route_to_rework() -> None:
    engine, state, tasks = _start()
    engine.complete(state, token_id=tasks["ann"], variables={"approved": False})
    engine.complete(state, token_id=tasks["bob"], variables={"approved": True})
    effects = engine.complete(state, token_id=tasks["cy"], variables={"approved": "false"})
    assert of_type(effects, CancelUserTask) == []  # everybody voted
    assert positions(state) == [("Rework", "waiting")]
    assert (state.root.variables["nrOfApproved"], state.root.variables["nrOfRejected"]) == (1, 2)


def test_a_decision_is_counted_per_approver_not_read_from_another_instance() -> None:
    """An approver who submits no decision counts as neither, even after a yes vote."""
    engine, state, tasks = _start()
    engine.complete(state, token_id=tasks["ann"], variables={"approved": True})
    engine.complete(state, token_id=tasks["bob"], variables={"comment": "no opinion"})
    counts = body_scope(state, "Work")
    assert (counts["nrOfApproved"], counts["nrOfRejected"]) == (1, 0)
    assert counts["nrOfCompletedInstances"] == 2
    assert "approved" not in state.root.variables  # decisions stay in the instance scopes
    assert state.root.variables["comment"] == "no opinion"


def test_the_decision_variable_is_configurable_by_extension_property() -> None:
    engine = interpreter("mi_custom_decision_variable")
    state, effects = engine.start(variables={"approvers": ["ann", "bob"]})
    first, second = (t.token_id for t in of_type(effects, CreateUserTask))
    effects = engine.complete(state, token_id=first, variables={"ok": True})
    assert [c.token_id for c in of_type(effects, CancelUserTask)] == [second]
    assert state.root.variables["nrOfApproved"] == 1
    assert positions(state) == [("Done", "waiting")]
