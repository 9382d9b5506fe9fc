"""An ad-hoc set of reviews through the real services on PostgreSQL: user tasks opened
together, completed in any order by different groups, then the sign-off."""

from __future__ import annotations

import pytest

from bpmn_engine.models import HistoryEvent, ProcessInstance, Token, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db


def test_reviews_open_together_complete_in_any_order_then_sign_off(deployed, make_user):
    ann = make_user("ann")
    reviewers = {group: make_user(f"{group}-lead", group) for group in ("legal", "finance")}
    reviewers["security"] = make_user("security-lead", "security")
    instance = instance_start(
        definition=deployed("activities/adhoc_parallel_user_tasks"), variables={"initiator": "ann"}
    )
    tasks = {t.element_id: t for t in UserTask.objects.filter(instance=instance)}
    assert sorted(tasks) == ["Finance", "Legal", "Security"]
    assert {t.state for t in tasks.values()} == {UserTask.State.OPEN}

    for element_id, group in (("Security", "security"), ("Legal", "legal")):
        task_complete(task_id=tasks[element_id].pk, user=reviewers[group], variables={})
        assert not UserTask.objects.filter(instance=instance, element_id="Sign").exists()
    task_complete(task_id=tasks["Finance"].pk, user=reviewers["finance"], variables={})

    sign = UserTask.objects.get(instance=instance, state=UserTask.State.OPEN)
    assert (sign.element_id, sign.assignee) == ("Sign", "ann")
    assert list(Token.objects.filter(instance=instance).values_list("element_id", flat=True)) == [
        "Sign"
    ]
    completed = HistoryEvent.objects.filter(
        instance=instance, event="element_completed", element_id="Reviews"
    )
    assert completed.count() == 1
    task_complete(task_id=sign.pk, user=ann, variables={})
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.COMPLETED


def test_a_sequential_ad_hoc_subprocess_keeps_its_turn_order_in_the_database(deployed, make_user):
    admin = make_user("admin", superuser=True)
    instance = instance_start(definition=deployed("activities/adhoc_sequential_user_tasks"))
    [first] = UserTask.objects.filter(instance=instance)
    assert first.element_id == "First"
    pending = Token.objects.get(instance=instance, element_id="Second")
    assert pending.state == "joining"

    task_complete(task_id=first.pk, user=admin, variables={})
    second = UserTask.objects.get(instance=instance, state=UserTask.State.OPEN)
    assert second.element_id == "Second"
    task_complete(task_id=second.pk, user=admin, variables={})
    assert UserTask.objects.get(instance=instance, state=UserTask.State.OPEN).element_id == "Done"
