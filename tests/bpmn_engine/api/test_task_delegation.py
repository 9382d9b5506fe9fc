"""Task delegate, resolve and comments over the API."""

from __future__ import annotations

import pytest

from bpmn_engine.models import TaskComment, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_claim
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/tasks"


@pytest.fixture
def people(make_user):
    return {name: make_user(name) for name in ("alice", "carol", "dave", "eve")}


@pytest.fixture
def task(deployed, people):
    instance = instance_start(
        definition=deployed("services/user_task"),
        variables={"reviewer": "carol"},
        user=people["alice"],
    )
    task = UserTask.objects.get(instance=instance)
    task_claim(task_id=task.pk, user=people["carol"])
    return task


def test_the_assignee_delegates_and_the_delegate_resolves_back(api, people, task):
    carol, dave = api(people["carol"]), api(people["dave"])
    delegated = carol.post(f"{URL}/{task.pk}/delegate", {"userId": "dave"}, format="json")
    assert delegated.status_code == 200, delegated.content
    assert delegated.json()["assignee"] == "dave"
    resolved = dave.post(f"{URL}/{task.pk}/resolve", {"variables": {"ok": True}}, format="json")
    assert resolved.status_code == 200, resolved.content
    task.refresh_from_db()
    assert (task.assignee, task.owner, task.draft) == ("carol", "carol", {"ok": True})


def test_delegation_refusals(api, people, task):
    eve = api(people["eve"])
    assert_problem(eve.post(f"{URL}/{task.pk}/delegate", {"userId": "dave"}, format="json"), 404)
    carol = api(people["carol"])
    body = assert_problem(carol.post(f"{URL}/{task.pk}/delegate", {}, format="json"), 400)
    assert body["errors"][0]["field"] == "userId"
    not_waiting = carol.post(f"{URL}/{task.pk}/resolve", {}, format="json")
    assert "is not waiting for a delegate" in assert_problem(not_waiting, 409)["detail"]


def test_comments_are_added_and_listed_by_those_who_see_the_task(api, people, task):
    carol = api(people["carol"])
    added = carol.post(f"{URL}/{task.pk}/comments", {"text": "Need the invoice"}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["user"] == "carol"
    listed = api(people["alice"]).get(f"{URL}/{task.pk}/comments")
    assert [c["text"] for c in listed.json()] == ["Need the invoice"]
    assert_problem(api(people["eve"]).get(f"{URL}/{task.pk}/comments"), 404)
    assert_problem(
        api(people["eve"]).post(f"{URL}/{task.pk}/comments", {"text": "x"}, format="json"), 404
    )
    assert_problem(carol.post(f"{URL}/{task.pk}/comments", {"text": ""}, format="json"), 400)
    assert TaskComment.objects.count() == 1
