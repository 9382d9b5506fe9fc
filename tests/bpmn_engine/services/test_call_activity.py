"""Call activities on PostgreSQL: the child starts in the caller's transaction, and the
caller continues with the out-mapped variables in the transaction that ends the child
(no after-commit callbacks needed: none of these tests runs them)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from bpmn_engine.models import HistoryEvent, Incident, Job, ProcessInstance, Token, UserTask
from bpmn_engine.services.call_queries import instance_call_incidents
from bpmn_engine.services.call_returns import call_resume, calls_sweep
from bpmn_engine.services.deploy import definition_deploy
from bpmn_engine.services.instances import instance_cancel, instance_start
from bpmn_engine.services.jobs import incident_retry, job_execute
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db

ACTIVE = ProcessInstance.State.ACTIVE


def _variables(instance: ProcessInstance) -> dict[str, Any]:
    scope = instance.scopes.get(parent_id=None)
    return scope.variables


def _child(parent: ProcessInstance) -> ProcessInstance:
    return ProcessInstance.objects.get(parent=parent)


def _open_task(instance: ProcessInstance, element_id: str) -> UserTask:
    return UserTask.objects.get(instance=instance, element_id=element_id, state="open")


def test_parent_waits_for_the_child_and_continues_with_out_mapped_variables(deployed, make_user):
    deployed("calls/child_user")
    alice = make_user("alice", superuser=True)
    parent = instance_start(
        definition=deployed("calls/parent_user"),
        variables={"amount": 5, "order": "A-1", "secret": "s"},
        user=alice,
    )

    child = _child(parent)
    token = Token.objects.get(instance=parent)
    assert (child.state, child.business_key) == (ACTIVE, "A-1")
    assert (child.parent_token_id, token.element_id) == (token.id, "call_child")
    assert _variables(child) == {"amount": 5, "doubled": 10}
    approve = _open_task(child, "approve")

    task_complete(task_id=approve.pk, user=alice, variables={"decision": "ok"})

    child.refresh_from_db()
    assert child.state == ProcessInstance.State.COMPLETED
    assert _open_task(parent, "after").name == "After the call"
    assert _variables(parent) == {"amount": 5, "order": "A-1", "secret": "s", "outcome": "ok"}
    returned = HistoryEvent.objects.get(instance=parent, event="call_returned")
    assert returned.data == {"child_id": child.pk, "outcome": "completed"}
    assert call_resume(child_id=child.pk) == "stale"  # a second follow-up does nothing


def test_variables_all_copies_every_variable_into_the_child_and_back(deployed, make_user):
    deployed("calls/child_user")
    alice = make_user("alice", superuser=True)
    parent = instance_start(
        definition=deployed("calls/parent_all"), variables={"a": 1, "b": "two"}, user=alice
    )
    child = _child(parent)
    assert _variables(child) == {"a": 1, "b": "two"}

    task_complete(task_id=_open_task(child, "approve").pk, user=alice, variables={"a": 9, "c": 3})

    assert _variables(parent) == {"a": 9, "b": "two", "c": 3}
    assert _open_task(parent, "after")


def _which_version_runs(deployed, name: str) -> tuple[int, int]:
    parent = instance_start(definition=deployed(name))
    child = _child(parent)
    assert child.state == ProcessInstance.State.COMPLETED  # no wait state: ends at once
    assert _open_task(parent, "after")  # ... and the parent went on after the commit
    return child.definition.version, _variables(parent)["which"]


def test_bindings_latest_version_and_deployment_pick_their_definition(deployed):
    deployed("calls/versioned_v1")  # calls_versioned v1: which = 1
    deployed("calls/parent_deployment", key="calls_by_deployment")  # v2 inside: which = 3
    deployed("calls/versioned_v2")  # v3: which = 2

    assert _which_version_runs(deployed, "calls/parent_latest") == (3, 2)
    assert _which_version_runs(deployed, "calls/parent_version") == (1, 1)
    parent = instance_start(key="calls_by_deployment")
    assert (_child(parent).definition.version, _variables(parent)["which"]) == (2, 3)


def test_an_unknown_called_key_warns_at_deploy_and_is_an_incident_at_run_time(load_diagram):
    result = definition_deploy(data=load_diagram("calls/parent_unknown"), filename="u.bpmn")
    assert any(
        "element 'call_missing': calls process 'calls_nowhere', which is not deployed" in w
        for w in result.warnings
    )

    parent = instance_start(definition=result.definitions[0])

    parent.refresh_from_db()
    assert (parent.state, parent.open_incidents) == (ACTIVE, 1)
    incident = Incident.objects.get(instance=parent)
    assert incident.element_id == "call_missing"
    assert "No process definition with key 'calls_nowhere'" in incident.message
    assert Token.objects.get(instance=parent).state == "failed"
    assert not ProcessInstance.objects.filter(parent=parent).exists()


def test_retrying_the_incident_once_the_called_process_is_deployed_runs_the_call(
    load_diagram, deployed
):
    result = definition_deploy(data=load_diagram("calls/parent_unknown"), filename="u.bpmn")
    parent = instance_start(definition=result.definitions[0])
    deployed("calls/nowhere")

    incident_retry(incident_id=Incident.objects.get(instance=parent).pk)

    parent.refresh_from_db()
    assert (parent.state, parent.open_incidents) == (ProcessInstance.State.COMPLETED, 0)
    assert _child(parent).state == ProcessInstance.State.COMPLETED


def test_cancelling_the_parent_cancels_the_running_child_and_its_task(deployed):
    deployed("calls/child_user")
    parent = instance_start(
        definition=deployed("calls/parent_user"), variables={"amount": 1, "order": "B"}
    )
    child = _child(parent)

    instance_cancel(instance_id=parent.pk, reason="customer withdrew")

    child.refresh_from_db()
    assert child.state == ProcessInstance.State.CANCELLED
    assert UserTask.objects.get(instance=child).state == UserTask.State.CANCELLED
    assert call_resume(child_id=child.pk) == "stale"  # the parent token is gone


def test_a_child_service_task_run_by_job_execute_returns_to_the_parent(deployed):
    definition = deployed("calls/parent_service", key="calls_parent_service")
    parent = instance_start(definition=definition, variables={"input": "ping"})
    child = _child(parent)
    job = Job.objects.get(instance=child)

    assert job_execute(job_id=job.pk) == "completed"

    assert _variables(parent)["echoed"] == "ping"
    assert _open_task(parent, "after")


def test_a_return_to_a_suspended_parent_is_finished_by_the_sweep_once_it_is_active(
    deployed, make_user
):
    deployed("calls/child_user")
    alice = make_user("alice", superuser=True)
    parent = instance_start(
        definition=deployed("calls/parent_user"), variables={"amount": 1, "order": "C"}
    )
    child = _child(parent)
    ProcessInstance.objects.filter(pk=parent.pk).update(state="suspended")  # by an operator

    task_complete(task_id=_open_task(child, "approve").pk, user=alice, variables={"decision": 1})
    assert Token.objects.get(instance=parent).element_id == "call_child"  # still waiting
    assert calls_sweep() == 0  # only active callers are continued

    ProcessInstance.objects.filter(pk=parent.pk).update(state="active")
    assert calls_sweep() == 1

    assert _variables(parent)["outcome"] == 1
    assert Token.objects.get(instance=parent).element_id == "after"
    assert calls_sweep() == 0


def test_an_incident_in_the_child_is_visible_on_the_parent(deployed):
    definition = deployed("calls/parent_failing_child", key="calls_parent_failing")
    parent = instance_start(definition=definition)

    child = _child(parent)
    (incident,) = instance_call_incidents(instance=parent)
    assert (incident.instance_id, incident.element_id) == (child.pk, "broken")
    note = HistoryEvent.objects.get(instance=parent, event="call_incident")
    assert note.element_id == "call_failing"
    assert note.data["child_id"] == child.pk
    assert "missing" in note.data["message"]


def test_a_child_cancelled_on_its_own_parks_the_call_activity_with_an_incident(deployed):
    deployed("calls/child_user")
    parent = instance_start(
        definition=deployed("calls/parent_user"), variables={"amount": 1, "order": "D"}
    )
    child = _child(parent)
    instance_cancel(instance_id=child.pk)

    parent.refresh_from_db()
    assert parent.open_incidents == 1
    incident = Incident.objects.get(instance=parent)
    assert (
        incident.message == f"Call activity 'call_child': called instance #{child.pk} was cancelled"
    )


@pytest.mark.django_db(transaction=True)
def test_a_return_while_the_parent_is_locked_elsewhere_follows_after_commit(deployed, make_user):
    """The child's transaction never waits for its caller's lock (that wait could deadlock
    with a caller cancelling the child): it leaves the return to an after-commit step."""
    deployed("calls/child_user")
    alice = make_user("alice", superuser=True)
    parent = instance_start(
        definition=deployed("calls/parent_user"), variables={"amount": 1, "order": "E"}
    )
    approve = _open_task(_child(parent), "approve")
    locked, release = threading.Event(), threading.Event()

    def hold_parent_lock() -> None:
        try:
            with transaction.atomic():
                ProcessInstance.objects.select_for_update().get(pk=parent.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_parent_lock)
    holder.start()
    assert locked.wait(timeout=30)
    with transaction.atomic():
        task_complete(task_id=approve.pk, user=alice, variables={"decision": "late"})
        assert Token.objects.get(instance=parent).element_id == "call_child"  # not waited for
        release.set()
        holder.join(timeout=30)

    assert Token.objects.get(instance=parent).element_id == "after"  # the after-commit step
    assert _variables(parent)["outcome"] == "late"
