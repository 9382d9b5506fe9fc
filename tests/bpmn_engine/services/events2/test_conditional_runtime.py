"""Conditional events at run time: a task completion that writes variables is what
releases them, through the database between the steps."""

from __future__ import annotations

import pytest

from bpmn_engine.models import EventSubscription, Job, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def _open(instance) -> list[str]:
    return sorted(
        UserTask.objects.filter(instance=instance, state="open").values_list(
            "element_id", flat=True
        )
    )


def test_completing_a_task_with_the_awaited_variable_releases_the_conditional_catch(
    deployed, make_user
):
    instance = instance_start(definition=deployed("events2/conditional_catch"))
    assert _open(instance) == ["Review"]
    assert not EventSubscription.objects.filter(instance=instance).exists()
    assert not Job.objects.filter(instance=instance).exists()
    review = UserTask.objects.get(instance=instance, element_id="Review")
    task_complete(
        task_id=review.pk, user=make_user("boss", superuser=True), variables={"approved": True}
    )
    assert _open(instance) == ["Ship"]
    ship = UserTask.objects.get(instance=instance, element_id="Ship")
    task_complete(task_id=ship.pk, user=make_user("boss2", superuser=True))
    assert ProcessInstance.objects.get(pk=instance.pk).state == "completed"


def test_a_non_interrupting_boundary_fires_once_then_an_interrupting_one_cancels_work(
    deployed, make_user
):
    boss = make_user("boss", superuser=True)
    instance = instance_start(
        definition=deployed("events2/conditional_boundary"), variables={"amount": 50}
    )
    assert _open(instance) == ["Note", "Work"]
    note = UserTask.objects.get(instance=instance, element_id="Note")
    task_complete(task_id=note.pk, user=boss, variables={"amount": 500})
    assert _open(instance) == ["Escalate"]
    work = UserTask.objects.get(instance=instance, element_id="Work")
    assert work.state != "open"
    assert instance.history.filter(event="event_triggered", element_id="Noted").count() == 1
