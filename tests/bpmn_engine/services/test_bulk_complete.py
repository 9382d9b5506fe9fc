"""Bulk approve: tasks sharing a decision form are completed one by one, each in its own
transaction through ``task_complete``; every other task gets a refusal with the reason."""

from __future__ import annotations

from typing import Any

import pytest

from bpmn_engine.models import HistoryEvent, ProcessInstance, UserTask
from bpmn_engine.services.errors import InvalidInput
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import BulkOutcome, task_claim, tasks_complete_bulk

pytestmark = pytest.mark.django_db

DECISION = {"approved": True, "comment": "ok"}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(make_user):
    return {
        "alice": make_user("alice", "managers", "requesters"),
        "bob": make_user("bob", "managers"),
        "bella": make_user("bella", "managers"),
    }


def open_task(definition: Any, user: Any = None) -> UserTask:
    instance = instance_start(definition=definition, variables={}, user=user)
    return UserTask.objects.get(instance=instance, state="open")


def test_tasks_with_the_same_form_are_completed_and_audited_one_by_one(deployed, people):
    definition = deployed("approvals_rules/decision")
    tasks = [open_task(definition) for _ in range(3)]
    outcomes = tasks_complete_bulk(
        task_ids=[t.pk for t in tasks], user=people["bob"], variables=DECISION
    )
    assert outcomes == [BulkOutcome(t.pk, "completed") for t in tasks]
    for task in tasks:
        task.refresh_from_db()
        assert (task.state, task.completed_by, task.submitted) == ("completed", "bob", DECISION)
        assert task.instance.state == ProcessInstance.State.COMPLETED
        (event,) = HistoryEvent.objects.filter(instance=task.instance, event="task_completed")
        assert event.user == "bob" and event.data["task_id"] == task.pk


def test_a_task_with_another_form_is_refused_and_the_rest_completed(deployed, people):
    first = open_task(deployed("approvals_rules/decision"))
    other = open_task(deployed("approvals_rules/rating"))
    last = open_task(deployed("approvals_rules/decision"))
    outcomes = tasks_complete_bulk(
        task_ids=[first.pk, other.pk, last.pk], user=people["bob"], variables=DECISION
    )
    assert [o.outcome for o in outcomes] == ["completed", "refused", "completed"]
    assert outcomes[1].message == "'Rate the supplier' has a different form"
    assert UserTask.objects.get(pk=other.pk).state == "open"


def test_refusals_are_per_task_with_the_services_message(deployed, people):
    """A four-eyes refusal, a task claimed by someone else, a finished task and an
    unknown id each get their own reason; the allowed task is still completed."""
    rules = deployed("approvals_rules/four_eyes")
    own = open_task(rules, people["alice"])
    theirs = open_task(rules, people["bob"])
    claimed = open_task(rules, people["bob"])
    task_claim(task_id=claimed.pk, user=people["bella"])
    outcomes = tasks_complete_bulk(
        task_ids=[own.pk, theirs.pk, claimed.pk, theirs.pk, 999_999],
        user=people["alice"],
        variables={},
    )
    assert [(o.task_id, o.outcome) for o in outcomes] == [
        (own.pk, "refused"),
        (theirs.pk, "completed"),
        (claimed.pk, "refused"),
        (999_999, "refused"),
    ], "duplicates are dropped, order kept"
    assert outcomes[0].message == "You started this request, so someone else must approve it"
    assert outcomes[2].message == "You may not complete 'First approval'"
    assert outcomes[3].message == "Task 999999 does not exist"
    assert UserTask.objects.get(pk=own.pk).state == "open"


def test_bad_input_is_refused_before_anything_is_completed(deployed, people):
    task = open_task(deployed("approvals_rules/decision"))
    with pytest.raises(InvalidInput, match="Select at least one task"):
        tasks_complete_bulk(task_ids=[], user=people["bob"], variables=DECISION)
    with pytest.raises(InvalidInput, match="Invalid variable name"):
        tasks_complete_bulk(task_ids=[task.pk], user=people["bob"], variables={"no way": 1})
    assert UserTask.objects.get(pk=task.pk).state == "open"
