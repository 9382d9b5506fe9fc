"""Starting instances and completing user tasks through the services, on PostgreSQL."""

from __future__ import annotations

import pytest

from bpmn_engine.models import HistoryEvent, Incident, ProcessInstance, Scope, Token, UserTask
from bpmn_engine.selectors import user_task_inbox
from bpmn_engine.services.errors import Conflict, InvalidInput, NotFound, NotPermitted
from bpmn_engine.services.instances import instance_cancel, instance_start
from bpmn_engine.services.jobs import incident_retry
from bpmn_engine.services.tasks import task_claim, task_complete

pytestmark = pytest.mark.django_db


def test_start_creates_a_task_for_the_candidates_and_commits_the_wait_state(deployed, make_user):
    definition = deployed("services/user_task")
    dave = make_user("dave")
    bob = make_user("bob", "managers")
    instance = instance_start(
        definition=definition, variables={"reviewer": "dave"}, business_key="PO-1"
    )
    task = UserTask.objects.get(instance=instance)
    assert (task.name, task.state, task.assignee) == ("Approve", "open", "")
    assert set(task.candidates.values_list("user", "group")) == {("dave", ""), ("", "managers")}
    assert list(user_task_inbox(user=bob)) == [task]
    assert list(user_task_inbox(user=dave)) == [task]
    assert Token.objects.get(instance=instance).element_id == "approve"
    assert Scope.objects.get(instance=instance).variables == {"reviewer": "dave"}


def test_completing_a_task_merges_variables_and_ends_the_instance(deployed, make_user):
    bob = make_user("bob", "managers")
    instance = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}
    )
    task = UserTask.objects.get(instance=instance)
    task_complete(task_id=task.pk, user=bob, variables={"approved": True})
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.COMPLETED
    assert not Token.objects.filter(instance=instance).exists()
    events = list(HistoryEvent.objects.filter(instance=instance).values_list("event", flat=True))
    assert events[0] == "instance_started" and events[-1] == "instance_completed"
    assert "task_completed" in events
    completed = HistoryEvent.objects.get(instance=instance, event="task_completed")
    assert completed.user == "bob" and completed.data["variables"] == ["approved"]


def test_a_second_completion_is_a_conflict_not_a_second_step(deployed, make_user):
    bob = make_user("bob", "managers")
    instance = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}
    )
    task = UserTask.objects.get(instance=instance)
    task_complete(task_id=task.pk, user=bob)
    with pytest.raises(Conflict, match="already completed"):
        task_complete(task_id=task.pk, user=bob)
    assert HistoryEvent.objects.filter(instance=instance, event="task_completed").count() == 1


def test_only_candidates_may_complete_and_others_do_not_learn_the_task_exists(deployed, make_user):
    make_user("bob", "managers")
    mallory = make_user("mallory", "requesters")
    instance = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}
    )
    task = UserTask.objects.get(instance=instance)
    with pytest.raises(NotFound):
        task_complete(task_id=task.pk, user=mallory)
    assert UserTask.objects.get(pk=task.pk).state == "open"


def test_a_claimed_task_belongs_to_its_assignee(deployed, make_user):
    bob = make_user("bob", "managers")
    erin = make_user("erin", "managers")
    instance = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}
    )
    task = UserTask.objects.get(instance=instance)
    task_claim(task_id=task.pk, user=bob)
    assert list(user_task_inbox(user=erin)) == []
    with pytest.raises(Conflict, match="already claimed by bob"):
        task_claim(task_id=task.pk, user=erin)
    with pytest.raises(NotPermitted):
        task_complete(task_id=task.pk, user=erin)


def test_a_non_executable_process_cannot_be_started(deployed):
    seller = deployed("services/two_processes", key="seller")
    with pytest.raises(InvalidInput, match="not executable"):
        instance_start(definition=seller)


def test_variables_must_be_json_and_within_the_size_limit(deployed, settings):
    settings.BPMN_ENGINE = {**settings.BPMN_ENGINE, "MAX_VARIABLE_BYTES": 100}
    definition = deployed("services/user_task")
    with pytest.raises(InvalidInput, match="'blob' is 202 bytes; the limit is 100"):
        instance_start(definition=definition, variables={"blob": "x" * 200})
    assert ProcessInstance.objects.count() == 0


def test_a_condition_error_becomes_an_incident_and_a_retry_resumes(deployed):
    definition = deployed("services/condition_error")
    instance = instance_start(definition=definition)
    incident = Incident.objects.get(instance=instance)
    assert incident.element_id == "big"
    assert "amount" in incident.message
    instance.refresh_from_db()
    assert instance.state == "active" and instance.open_incidents == 1
    scope = Scope.objects.get(instance=instance)
    scope.variables = {"amount": 5000}
    scope.save()
    incident_retry(incident_id=incident.pk)
    instance.refresh_from_db()
    assert (instance.state, instance.open_incidents) == ("completed", 0)


def test_one_failing_instance_does_not_affect_another(deployed, make_user):
    bob = make_user("bob", "managers")
    broken = instance_start(definition=deployed("services/condition_error"))
    healthy = instance_start(definition=deployed("services/user_task"), variables={"reviewer": "x"})
    task_complete(task_id=UserTask.objects.get(instance=healthy).pk, user=bob)
    healthy.refresh_from_db()
    broken.refresh_from_db()
    assert healthy.state == "completed"
    assert broken.open_incidents == 1


def test_cancel_closes_open_tasks(deployed):
    instance = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}
    )
    instance_cancel(instance_id=instance.pk, reason="duplicate request")
    instance.refresh_from_db()
    assert instance.state == "cancelled"
    assert UserTask.objects.get(instance=instance).state == "cancelled"
    assert not Token.objects.filter(instance=instance).exists()
