"""The rows a step writes in its single write query: each new task's candidates and its
``task_created`` history row name that task (the id comes back in the same query on
PostgreSQL), history keeps emission order, the email lookup after commit is only
scheduled when a new task reaches someone with an address, and a scope whose values did
not change is not rewritten."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection

from bpmn_engine.models import HistoryEvent, TaskCandidate, UserTask
from bpmn_engine.services.instances import instance_start_step
from bpmn_engine.services.tasks import task_complete_step

pytestmark = pytest.mark.django_db


def candidates_by_task(instance_id: int) -> dict[str, list[tuple[str, str]]]:
    rows = TaskCandidate.objects.filter(task__instance_id=instance_id).order_by("id")
    found: dict[str, list[tuple[str, str]]] = {}
    for row in rows.select_related("task"):
        found.setdefault(row.task.element_id, []).append((row.user, row.group))
    return found


def created_rows(instance_id: int) -> dict[str, int]:
    events = HistoryEvent.objects.filter(instance_id=instance_id, event="task_created")
    return {event.element_id: event.data["task_id"] for event in events}


def test_two_tasks_opened_together_each_get_their_candidates_and_history(deployed, make_user):
    step = instance_start_step(
        definition=deployed("services/parallel_approvals"), variables={}, user=make_user("al")
    )
    tasks = {t.element_id: t.pk for t in UserTask.objects.filter(instance=step.instance)}
    assert step.created_task_ids == [tasks["legal"], tasks["finance"]]
    assert created_rows(step.instance.pk) == tasks
    assert candidates_by_task(step.instance.pk) == {
        "legal": [("lena", ""), ("lars", "")],
        "finance": [("", "finance"), ("", "controllers")],
    }
    events = HistoryEvent.objects.filter(instance=step.instance).order_by("id")
    assert [(e.event, e.element_id) for e in events] == [
        ("instance_started", "parallel_approvals"),
        ("element_started", "start"),
        ("element_completed", "start"),
        ("element_started", "fork"),
        ("element_completed", "fork"),
        ("element_started", "legal"),
        ("task_created", "legal"),
        ("element_started", "finance"),
        ("task_created", "finance"),
    ]


def test_tasks_opened_before_a_job_in_the_same_step_keep_their_ids(deployed, make_user):
    """The job row goes through the ORM, which sends the queued task inserts first: the
    history rows then carry the ids that came back."""
    step = instance_start_step(
        definition=deployed("interpreter/parallel"), variables={}, user=make_user("al")
    )
    tasks = {t.element_id: t.pk for t in UserTask.objects.filter(instance=step.instance)}
    assert set(tasks) == {"Legal", "Finance"}
    assert created_rows(step.instance.pk) == tasks
    assert candidates_by_task(step.instance.pk) == {
        "Legal": [("", "legal")],
        "Finance": [("", "finance")],
    }


def test_the_email_lookup_is_scheduled_only_when_someone_can_be_written_to(
    deployed, make_user, django_capture_on_commit_callbacks: Any, mailoutbox: Any
):
    make_user("quiet", "managers")  # no email address
    definition = deployed("services/user_task")
    with django_capture_on_commit_callbacks() as nobody:
        instance_start_step(definition=definition, variables={"reviewer": "x"}, user=None)
    assert nobody == [], "candidates without an address: nothing to look up after commit"

    reader = make_user("reader")
    reader.email = "reader@example.com"
    reader.save()
    with django_capture_on_commit_callbacks(execute=True) as someone:
        instance_start_step(definition=definition, variables={"reviewer": "reader"}, user=None)
    assert len(someone) == 1
    assert [m.to for m in mailoutbox] == [["reader@example.com"]]


def scope_row(instance_id: int) -> tuple[Any, dict[str, Any]]:
    """Where the root scope row's current version lies (PostgreSQL's ``ctid``: every
    rewrite makes a new version elsewhere) and its variables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ctid::text, variables FROM bpmn_engine_scope "
            "WHERE instance_id = %s AND parent_id IS NULL",
            [instance_id],
        )
        version, variables = cursor.fetchone()
    return version, json.loads(variables) if isinstance(variables, str) else variables


def test_a_scope_set_to_the_values_it_has_is_not_rewritten_but_1_to_true_is(deployed, make_user):
    bob = make_user("bob", "managers")
    step = instance_start_step(
        definition=deployed("services/two_approvals"), variables={"approved": 1}, user=bob
    )
    before = scope_row(step.instance.pk)
    _, completed = task_complete_step(
        task_id=step.created_task_ids[0], user=bob, variables={"approved": 1}
    )
    assert scope_row(step.instance.pk) == before, "same values: the row was left alone"
    set_on_first = HistoryEvent.objects.filter(
        instance=step.instance, event="variables_set", element_id="first"
    )
    assert set_on_first.count() == 1, "the history still records that they were set"

    task_complete_step(
        task_id=completed.created_task_ids[0], user=bob, variables={"approved": True}
    )
    version, variables = scope_row(step.instance.pk)
    assert version != before[0]
    assert variables == {"approved": True} and variables["approved"] is True
