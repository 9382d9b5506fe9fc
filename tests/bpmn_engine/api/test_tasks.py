"""Tasks: the inbox and its filters, one task with its form schema, claim, unclaim, complete."""

from __future__ import annotations

import jsonschema
import pytest

from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/tasks"


@pytest.fixture
def people(make_user):
    return {
        "alice": make_user("alice"),
        "bob": make_user("bob", "managers"),
        "carol": make_user("carol"),
        "eve": make_user("eve"),
        "ops": make_user("ops", superuser=True),
    }


@pytest.fixture
def task(deployed, people):
    instance = instance_start(
        definition=deployed("services/user_task"),
        variables={"reviewer": "carol"},
        business_key="PO-9",
        user=people["alice"],
    )
    return UserTask.objects.get(instance=instance)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_is_the_inbox_for_non_staff_and_everything_for_staff(api, task, people):
    assert ids(api(people["bob"]).get(URL)) == [task.pk]  # candidate group
    assert ids(api(people["carol"]).get(URL)) == [task.pk]  # candidate user
    assert ids(api(people["alice"]).get(URL)) == []  # the starter has nothing to do
    assert ids(api(people["eve"]).get(URL)) == []
    task_complete(task_id=task.pk, user=people["bob"])
    assert ids(api(people["bob"]).get(URL)) == []  # no longer open
    assert ids(api(people["ops"]).get(f"{URL}?state=completed")) == [task.pk]


def test_list_filters(api, task, people, deployed):
    other = instance_start(
        definition=deployed("services/user_task"), variables={"reviewer": "x"}, business_key="B"
    )
    client = api(people["ops"])
    assert ids(client.get(f"{URL}?candidateUser=carol")) == [task.pk]
    assert set(ids(client.get(f"{URL}?candidateGroup=managers"))) == {
        task.pk,
        UserTask.objects.get(instance=other).pk,
    }
    assert ids(client.get(f"{URL}?businessKey=PO-9")) == [task.pk]
    assert len(ids(client.get(f"{URL}?processDefinitionKey=user_task&priority=50"))) == 2
    assert ids(client.get(f"{URL}?minPriority=51")) == []
    assert ids(client.get(f"{URL}?assignee=nobody")) == []
    assert ids(client.get(f"{URL}?dueBefore=2100-01-01T00:00:00Z")) == []  # no due dates
    assert_problem(client.get(f"{URL}?dueBefore=tomorrow"), 400, "validation-error")


def test_get_shows_the_task_to_candidates_and_the_starter_only(api, task, people):
    body = api(people["bob"]).get(f"{URL}/{task.pk}").json()
    assert (body["name"], body["businessKey"], body["processDefinitionKey"]) == (
        "Approve",
        "PO-9",
        "user_task",
    )
    assert body["candidateGroups"] == ["managers"] and body["candidateUsers"] == ["carol"]
    assert body["form"]["properties"] == {}
    assert api(people["alice"]).get(f"{URL}/{task.pk}").status_code == 200
    assert_problem(api(people["eve"]).get(f"{URL}/{task.pk}"), 404, "not-found")
    assert_problem(api(people["eve"]).get(f"{URL}/999999"), 404, "not-found")


def test_the_form_is_a_json_schema_of_the_form_fields(api, deployed_api, people):
    instance = instance_start(definition=deployed_api("form_task"), user=people["alice"])
    task = UserTask.objects.get(instance=instance)
    form = api(people["alice"]).get(f"{URL}/{task.pk}").json()["form"]
    jsonschema.Draft202012Validator.check_schema(form)
    assert form["required"] == ["decision"]
    props = form["properties"]
    assert props["decision"] == {
        "title": "Decision",
        "type": "string",
        "oneOf": [
            {"const": "approve", "title": "Approve"},
            {"const": "reject", "title": "Reject"},
        ],
        "default": "approve",
    }
    assert props["amount"] == {
        "title": "Amount",
        "type": "integer",
        "minimum": 1,
        "maximum": 5000,
        "default": 10,
    }
    assert props["urgent"] == {"title": "Urgent", "type": "boolean", "default": True}
    assert props["paidOn"] == {"title": "Paid on", "type": "string", "format": "date"}
    assert props["reference"] == {
        "title": "Reference",
        "type": "string",
        "maxLength": 20,
        "readOnly": True,
    }
    validator = jsonschema.Draft202012Validator(form)
    assert validator.is_valid({"decision": "approve", "amount": 5})
    assert not validator.is_valid({"decision": "maybe"})
    assert not validator.is_valid({"amount": 0})


def test_claim_and_unclaim(api, task, people):
    response = api(people["bob"]).post(f"{URL}/{task.pk}/claim")
    assert response.status_code == 200, response.content
    assert response.json()["assignee"] == "bob"
    taken = api(people["carol"]).post(f"{URL}/{task.pk}/claim")
    assert "already claimed by bob" in assert_problem(taken, 409, "conflict")["detail"]
    refused = api(people["carol"]).post(f"{URL}/{task.pk}/unclaim")
    assert "Only the assignee" in assert_problem(refused, 403, "not-permitted")["detail"]
    back = api(people["bob"]).post(f"{URL}/{task.pk}/unclaim")
    assert back.status_code == 200 and back.json()["assignee"] == ""


def test_claim_by_someone_who_may_not_see_the_task_is_404(api, task, people):
    assert_problem(api(people["eve"]).post(f"{URL}/{task.pk}/claim"), 404, "not-found")
    assert_problem(api(people["eve"]).post(f"{URL}/{task.pk}/complete", {}, format="json"), 404)
    refused = api(people["alice"]).post(f"{URL}/{task.pk}/claim")  # sees it, cannot act
    assert_problem(refused, 403, "not-permitted")
    assert UserTask.objects.get(pk=task.pk).assignee == ""


def test_complete_with_variables_moves_the_instance_on(api, task, people):
    response = api(people["bob"]).post(
        f"{URL}/{task.pk}/complete", {"variables": {"approved": True}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "completed" and response.json()["completedBy"] == "bob"
    assert ProcessInstance.objects.get(pk=task.instance_id).state == "completed"


def test_a_task_completed_meanwhile_is_a_409_not_a_second_completion(api, task, people):
    task_complete(task_id=task.pk, user=people["carol"])
    response = api(people["bob"]).post(f"{URL}/{task.pk}/complete", {}, format="json")
    body = assert_problem(response, 409, "conflict")
    assert body["detail"] == "Task 'Approve' was already completed"
    assert UserTask.objects.get(pk=task.pk).completed_by == "carol"


def test_bad_completion_input_is_refused_and_changes_nothing(api, task, people):
    client = api(people["bob"])
    body = assert_problem(
        client.post(f"{URL}/{task.pk}/complete", {"variables": "yes"}, format="json"), 400
    )
    assert body["errors"][0]["field"] == "variables"
    body = assert_problem(
        client.post(f"{URL}/{task.pk}/complete", {"variables": {"1x": 1}}, format="json"),
        400,
        "invalid-input",
    )
    assert "Invalid variable name '1x'" in body["detail"]
    assert UserTask.objects.get(pk=task.pk).state == "open"
