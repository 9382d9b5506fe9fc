"""Suspend, resume and token modification of an instance (operator actions)."""

from __future__ import annotations

import pytest

from bpmn_engine.models import EventSubscription, HistoryEvent, Token, UserTask
from bpmn_engine.services.instances import instance_start
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/process-instances"


def test_a_suspended_instance_task_cannot_be_completed_until_resumed(api, deployed, make_user):
    bob = make_user("bob")
    instance = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "bob"}
    )
    task = UserTask.objects.get()
    ops = api(make_user("ops", superuser=True))
    suspended = ops.post(f"{URL}/{instance.pk}/suspend")
    assert suspended.status_code == 200 and suspended.json()["state"] == "suspended"
    refused = api(bob).post(f"/api/v1/tasks/{task.pk}/complete", {}, format="json")
    assert "Suspended" in assert_problem(refused, 409)["detail"]
    again = assert_problem(ops.post(f"{URL}/{instance.pk}/suspend"), 409)
    assert "only active instances can be suspended" in again["detail"]
    assert ops.post(f"{URL}/{instance.pk}/resume").json()["state"] == "active"
    done = api(bob).post(f"/api/v1/tasks/{task.pk}/complete", {}, format="json")
    assert done.status_code == 200, done.content
    events = list(HistoryEvent.objects.filter(instance=instance).values_list("event", flat=True))
    assert "instance_suspended" in events and "instance_resumed" in events


def test_only_staff_suspend_and_others_do_not_see_the_instance(api, deployed, make_user):
    alice = make_user("alice")
    instance = instance_start(definition=deployed("services/user_task"), user=alice)
    body = assert_problem(api(alice).post(f"{URL}/{instance.pk}/suspend"), 403)
    assert body["detail"] == "Only staff may suspend an instance."
    assert_problem(api(make_user("eve")).post(f"{URL}/{instance.pk}/resume"), 404)


def test_token_modification_cancels_a_token_and_starts_one_before_an_element(
    api, deployed, make_user
):
    instance = instance_start(definition=deployed("events/message_catch"))
    waiting = Token.objects.get(instance=instance)
    assert waiting.element_id == "WaitPayment"
    response = api(make_user("ops", superuser=True)).post(
        f"{URL}/{instance.pk}/modification",
        {"cancelTokens": [str(waiting.id)], "startBefore": ["Ship"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert [t.element_id for t in Token.objects.filter(instance=instance)] == ["Ship"]
    assert UserTask.objects.get(instance=instance).element_id == "Ship"
    assert not EventSubscription.objects.filter(instance=instance).exists()


def test_token_modification_refusals(api, deployed, make_user):
    alice = make_user("alice")
    instance = instance_start(definition=deployed("events/message_catch"), user=alice)
    url = f"{URL}/{instance.pk}/modification"
    body = {"startBefore": ["Ship"]}
    assert_problem(api(alice).post(url, body, format="json"), 403)
    ops = api(make_user("ops", superuser=True))
    unknown = ops.post(url, {"startBefore": ["Nope"]}, format="json")
    assert "'Nope' is not an element at the top level" in assert_problem(unknown, 400)["detail"]
    token = str(Token.objects.get(instance=instance).id)
    everything = ops.post(url, {"cancelTokens": [token]}, format="json")
    assert "cancel the instance instead" in assert_problem(everything, 400)["detail"]
    assert_problem(ops.post(url, {}, format="json"), 400)
    assert Token.objects.get(instance=instance).element_id == "WaitPayment"
