"""Process instances: visibility, filters, detail, variables, cancel, history."""

from __future__ import annotations

import pytest

from bpmn_engine.models import HistoryEvent, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/process-instances"


@pytest.fixture
def people(make_user):
    return {
        "alice": make_user("alice"),  # starts requests
        "bob": make_user("bob", "managers"),  # candidate through his group
        "eve": make_user("eve"),  # unrelated
        "ops": make_user("ops", superuser=True),
    }


@pytest.fixture
def started(deployed, people):
    definition = deployed("services/user_task")
    return instance_start(
        definition=definition,
        variables={"reviewer": "carol", "amount": 10},
        business_key="PO-7",
        user=people["alice"],
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_each_user_lists_only_the_instances_they_are_involved_in(api, started, people):
    assert ids(api(people["alice"]).get(URL)) == [started.pk]  # the starter
    assert ids(api(people["bob"]).get(URL)) == [started.pk]  # a candidate (group)
    assert ids(api(people["eve"]).get(URL)) == []
    assert ids(api(people["ops"]).get(URL)) == [started.pk]  # staff


def test_list_filters(api, started, people, deployed):
    other = instance_start(definition=deployed("services/condition_error"), user=people["alice"])
    client = api(people["alice"])
    assert ids(client.get(f"{URL}?businessKey=PO-7")) == [started.pk]
    assert ids(client.get(f"{URL}?definitionKey=condition_error")) == [other.pk]
    assert ids(client.get(f"{URL}?state=active&definitionKey=user_task")) == [started.pk]
    assert ids(client.get(f"{URL}?startedBy=alice&ordering=id")) == [started.pk, other.pk]
    after = started.started_at.isoformat().replace("+00:00", "Z")
    assert started.pk in ids(client.get(f"{URL}?startedAfter={after}"))
    assert ids(client.get(f"{URL}?startedBefore={after}")) == []
    assert_problem(client.get(f"{URL}?state=sleeping"), 400, "validation-error")


def test_detail_shows_tokens_open_tasks_and_incidents(api, started, people, deployed):
    body = api(people["bob"]).get(f"{URL}/{started.pk}").json()
    assert body["businessKey"] == "PO-7" and body["definitionKey"] == "user_task"
    assert [t["elementId"] for t in body["tokens"]] == ["approve"]
    [task] = body["openTasks"]
    assert task["name"] == "Approve" and task["candidateGroups"] == ["managers"]
    assert body["incidents"] == []
    broken = instance_start(definition=deployed("services/condition_error"), user=people["alice"])
    detail = api(people["alice"]).get(f"{URL}/{broken.pk}").json()
    assert detail["openIncidentCount"] == 1 and detail["incidents"][0]["elementId"] == "big"


def test_an_instance_the_caller_may_not_see_is_404(api, started, people):
    assert_problem(api(people["eve"]).get(f"{URL}/{started.pk}"), 404, "not-found")
    assert_problem(api(people["eve"]).get(f"{URL}/{started.pk}/variables"), 404)
    response = api(people["eve"]).post(f"{URL}/{started.pk}/cancel", {}, format="json")
    assert_problem(response, 404)


def test_variables_get_patch_merges_and_put_replaces(api, started, people):
    client = api(people["ops"])
    url = f"{URL}/{started.pk}/variables"
    assert api(people["alice"]).get(url).json() == {
        "variables": {"amount": 10, "reviewer": "carol"}
    }
    patched = client.patch(url, {"variables": {"amount": 20, "note": None}}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["variables"] == {"amount": 20, "note": None, "reviewer": "carol"}
    replaced = client.put(url, {"variables": {"reviewer": "dan"}}, format="json")
    assert replaced.json()["variables"] == {"reviewer": "dan"}
    assert client.get(url).json()["variables"] == {"reviewer": "dan"}
    events = HistoryEvent.objects.filter(instance=started, event="variables_set").order_by("id")
    assert [(e.user, e.data["mode"], e.data["set"], e.data["removed"]) for e in events] == [
        ("ops", "merge", ["amount", "note"], []),
        ("ops", "replace", ["reviewer"], ["amount", "note"]),
    ]
    started.refresh_from_db()
    assert started.version >= 3


def test_only_staff_may_write_variables(api, started, people):
    url = f"{URL}/{started.pk}/variables"
    response = api(people["alice"]).patch(url, {"variables": {"amount": 1}}, format="json")
    assert "Only staff" in assert_problem(response, 403, "permission-denied")["detail"]


def test_bad_variables_are_refused(api, started, people):
    client = api(people["ops"])
    url = f"{URL}/{started.pk}/variables"
    body = assert_problem(client.put(url, {}, format="json"), 400, "validation-error")
    assert body["errors"][0]["field"] == "variables"
    body = assert_problem(
        client.patch(url, {"variables": {"no way": 1}}, format="json"), 400, "invalid-input"
    )
    assert "Invalid variable name 'no way'" in body["detail"]


def test_cancel_by_the_starter_with_a_reason(api, started, people):
    response = api(people["alice"]).post(
        f"{URL}/{started.pk}/cancel", {"reason": "duplicate"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "cancelled"
    assert UserTask.objects.get(instance=started).state == "cancelled"
    again = api(people["alice"]).post(f"{URL}/{started.pk}/cancel", {}, format="json")
    assert_problem(again, 409, "conflict")
    patch = api(people["ops"]).patch(
        f"{URL}/{started.pk}/variables", {"variables": {"a": 1}}, format="json"
    )
    assert "can no longer change" in assert_problem(patch, 409, "conflict")["detail"]


def test_cancel_is_for_the_starter_or_staff(api, started, people):
    response = api(people["bob"]).post(f"{URL}/{started.pk}/cancel", {}, format="json")
    assert_problem(response, 403, "permission-denied")
    too_long = api(people["ops"]).post(
        f"{URL}/{started.pk}/cancel", {"reason": "x" * 1001}, format="json"
    )
    assert assert_problem(too_long, 400)["errors"][0]["field"] == "reason"
    ok = api(people["ops"]).post(f"{URL}/{started.pk}/cancel", {}, format="json")
    assert ok.status_code == 200
    assert ProcessInstance.objects.get(pk=started.pk).state == "cancelled"


def test_history_is_for_the_starter_or_staff(api, started, people):
    response = api(people["alice"]).get(f"{URL}/{started.pk}/history")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0]["eventType"] == "instance_started" and rows[0]["user"] == "alice"
    assert "task_created" in [row["eventType"] for row in rows]
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    assert api(people["ops"]).get(f"{URL}/{started.pk}/history").status_code == 200
    assert_problem(api(people["bob"]).get(f"{URL}/{started.pk}/history"), 403)


def test_integer_filters_refuse_decimals_and_numbers_past_64_bits(api, started, people):
    client = api(people["ops"])
    assert ids(client.get(f"{URL}?definitionId={started.definition_id}")) == [started.pk]
    for bad in ("1.5", str(2**63), "abc"):
        body = assert_problem(client.get(f"{URL}?definitionId={bad}"), 400, "validation-error")
        assert body["errors"][0]["field"] == "definitionId"
