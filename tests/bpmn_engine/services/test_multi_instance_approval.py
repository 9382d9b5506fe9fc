"""N-of-M approval through the real services: a 2-of-3 vote on PostgreSQL."""

from __future__ import annotations

import pytest

from bpmn_engine.models import HistoryEvent, ProcessInstance, Scope, Token, UserTask
from bpmn_engine.services.errors import Conflict
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete

pytestmark = pytest.mark.django_db

DIAGRAM = "activities/approval_two_of_three_service"


def _vote(deployed, make_user):
    users = {name: make_user(name) for name in ("ann", "bob", "cy")}
    instance = instance_start(
        definition=deployed(DIAGRAM), variables={"approvers": ["ann", "bob", "cy"]}
    )
    tasks = {t.assignee: t for t in UserTask.objects.filter(instance=instance)}
    return instance, users, tasks


def test_two_approvals_complete_the_vote_cancel_the_third_task_and_go_on(deployed, make_user):
    instance, users, tasks = _vote(deployed, make_user)
    assert sorted(tasks) == ["ann", "bob", "cy"]
    assert {t.state for t in tasks.values()} == {UserTask.State.OPEN}

    task_complete(task_id=tasks["ann"].pk, user=users["ann"], variables={"approved": True})
    task_complete(task_id=tasks["cy"].pk, user=users["cy"], variables={"approved": True})

    states = dict(UserTask.objects.filter(instance=instance).values_list("assignee", "state"))
    assert states == {
        "ann": UserTask.State.COMPLETED,
        "bob": UserTask.State.CANCELLED,
        "cy": UserTask.State.COMPLETED,
        "": UserTask.State.OPEN,  # the next step, "Place order", for the purchasing group
    }
    order = UserTask.objects.get(instance=instance, state=UserTask.State.OPEN)
    assert order.name == "Place order"
    assert list(Token.objects.filter(instance=instance).values_list("element_id", flat=True)) == [
        "Order"
    ]
    [root] = Scope.objects.filter(instance=instance)
    assert (root.variables["nrOfApproved"], root.variables["nrOfRejected"]) == (2, 0)
    instance.refresh_from_db()
    assert instance.state == ProcessInstance.State.ACTIVE
    with pytest.raises(Conflict):
        task_complete(task_id=tasks["bob"].pk, user=users["bob"], variables={"approved": True})


def test_two_rejections_send_the_request_back_for_rework(deployed, make_user):
    instance, users, tasks = _vote(deployed, make_user)
    task_complete(task_id=tasks["bob"].pk, user=users["bob"], variables={"approved": False})
    task_complete(task_id=tasks["ann"].pk, user=users["ann"], variables={"approved": False})

    assert UserTask.objects.get(pk=tasks["cy"].pk).state == UserTask.State.CANCELLED
    assert list(Token.objects.filter(instance=instance).values_list("element_id", flat=True)) == [
        "Rework"
    ]
    cancelled = HistoryEvent.objects.filter(instance=instance, event="element_cancelled")
    assert cancelled.count() == 1
