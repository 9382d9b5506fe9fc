"""Process definitions: list and filter, get, XML, start by id and by key."""

from __future__ import annotations

import pytest

from bpmn_engine.models import ProcessInstance, UserTask
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/process-definitions"


def test_filters_by_key_name_version_and_latest(api, deployed, make_user):
    deployed("services/user_task")
    deployed("services/user_task_v2")
    deployed("services/two_processes", key="buyer")
    client = api(make_user("reader"))

    def keys(query: str) -> list[tuple[str, int]]:
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return [(d["key"], d["version"]) for d in response.json()["results"]]

    assert keys("key=user_task") == [("user_task", 2), ("user_task", 1)]
    assert keys("key=user_task&latest=true") == [("user_task", 2)]
    assert keys("key=user_task&version=1") == [("user_task", 1)]
    assert ("buyer", 1) in keys("latest=true") and ("user_task", 1) not in keys("latest=true")
    assert keys("name=approval") == [("user_task", 2), ("user_task", 1)]


def test_a_bad_filter_value_is_a_field_error(api, make_user):
    body = assert_problem(api(make_user("reader")).get(f"{URL}?version=abc"), 400)
    assert body["errors"][0]["field"] == "version"


def test_get_by_id_and_by_key_and_xml(api, deployed, make_user, load_diagram):
    definition = deployed("services/user_task")
    client = api(make_user("reader"))
    assert client.get(f"{URL}/{definition.pk}").json()["key"] == "user_task"
    assert client.get(f"{URL}/key/user_task").json()["id"] == definition.pk
    xml = client.get(f"{URL}/{definition.pk}/xml")
    assert xml["Content-Type"].startswith("application/xml")
    assert xml.content == load_diagram("services/user_task")
    assert_problem(client.get(f"{URL}/key/nope"), 404, "not-found")
    assert_problem(client.get(f"{URL}/12345678901234567890123"), 404)


def test_start_by_key_with_variables_and_business_key(api, deployed, make_user):
    definition = deployed("services/user_task")
    client = api(make_user("alice"))
    response = client.post(
        f"{URL}/key/user_task/start",
        {"variables": {"reviewer": "bob"}, "businessKey": "PO-1"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["definitionId"], body["businessKey"], body["startedBy"]) == (
        definition.pk,
        "PO-1",
        "alice",
    )
    assert body["state"] == "active"
    task = UserTask.objects.get(instance_id=body["id"])
    assert {c.user for c in task.candidates.all()} >= {"bob"}


def test_start_by_id_starts_that_version(api, deployed, make_user):
    first = deployed("services/user_task")
    deployed("services/user_task_v2")
    response = api(make_user("alice")).post(f"{URL}/{first.pk}/start", {}, format="json")
    assert response.status_code == 201, response.content
    assert ProcessInstance.objects.get(pk=response.json()["id"]).definition_id == first.pk


def test_only_candidate_starters_may_start(api, deployed_api, make_user):
    definition = deployed_api("restricted_start")
    refused = api(make_user("mallory")).post(f"{URL}/{definition.pk}/start", {}, format="json")
    assert "may not start" in assert_problem(refused, 403, "not-permitted")["detail"]
    allowed = api(make_user("sam", "starters")).post(
        f"{URL}/key/restricted_start/start", {}, format="json"
    )
    assert allowed.status_code == 201
    assert ProcessInstance.objects.count() == 1


def test_bad_start_input(api, deployed, make_user):
    deployed("services/user_task")
    deployed("services/two_processes", key="seller")
    client = api(make_user("alice"))
    body = assert_problem(
        client.post(f"{URL}/key/user_task/start", {"variables": [1, 2]}, format="json"),
        400,
        "validation-error",
    )
    assert body["errors"][0]["field"] == "variables"
    body = assert_problem(
        client.post(f"{URL}/key/user_task/start", {"variables": {"_x": 1}}, format="json"),
        400,
        "invalid-input",
    )
    assert "Invalid variable name '_x'" in body["detail"]
    body = assert_problem(client.post(f"{URL}/key/seller/start", {}, format="json"), 400)
    assert "not executable" in body["detail"]
    assert_problem(client.post(f"{URL}/key/nope/start", {}, format="json"), 404, "not-found")
    assert_problem(
        client.post(f"{URL}/key/user_task/start", "{", content_type="application/json"),
        400,
        "parse-error",
    )
    assert ProcessInstance.objects.count() == 0
