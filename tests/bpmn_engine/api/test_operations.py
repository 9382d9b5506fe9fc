"""Incidents (staff) and history events (staff, or the instance's starter)."""

from __future__ import annotations

import pytest

from bpmn_engine.models import Incident, ProcessInstance
from bpmn_engine.services.instances import instance_cancel, instance_start
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_user):
    return {
        "alice": make_user("alice"),
        "eve": make_user("eve"),
        "ops": make_user("ops", superuser=True),
    }


@pytest.fixture
def broken(deployed, people):
    """An instance stopped by a condition that reads a missing variable: one incident."""
    return instance_start(definition=deployed("services/condition_error"), user=people["alice"])


def test_staff_list_incidents_with_filters(api, broken, people):
    client = api(people["ops"])
    body = client.get("/api/v1/incidents?state=open").json()
    [row] = body["results"]
    assert (row["processInstanceId"], row["elementId"]) == (broken.pk, "big")
    assert "amount" in row["message"]
    assert client.get("/api/v1/incidents?state=resolved").json()["count"] == 0
    assert client.get(f"/api/v1/incidents/{row['id']}").json()["state"] == "open"


def test_incidents_are_for_staff_only(api, broken, people):
    assert_problem(api(people["alice"]).get("/api/v1/incidents"), 403, "permission-denied")
    incident = Incident.objects.get(instance=broken)
    retry = api(people["alice"]).post(f"/api/v1/incidents/{incident.pk}/retry")
    assert_problem(retry, 403)


def test_retry_after_fixing_the_variable_resumes_the_instance(api, broken, people):
    client = api(people["ops"])
    fixed = client.patch(
        f"/api/v1/process-instances/{broken.pk}/variables",
        {"variables": {"amount": 5000}},
        format="json",
    )
    assert fixed.status_code == 200, fixed.content
    incident = Incident.objects.get(instance=broken)
    response = client.post(f"/api/v1/incidents/{incident.pk}/retry")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "resolved"
    broken.refresh_from_db()
    assert (broken.state, broken.open_incidents) == ("completed", 0)


def test_retry_of_an_unknown_incident_is_404_and_of_a_resolved_one_changes_nothing(
    api, broken, people
):
    client = api(people["ops"])
    assert_problem(client.post("/api/v1/incidents/424242/retry"), 404, "not-found")
    incident = Incident.objects.get(instance=broken)
    instance_cancel(instance_id=broken.pk)  # takes its incidents with it
    response = client.post(f"/api/v1/incidents/{incident.pk}/retry")
    assert response.status_code == 200 and response.json()["state"] == "resolved"
    assert ProcessInstance.objects.get(pk=broken.pk).state == "cancelled"


def test_history_events_filter_by_instance_and_type(api, broken, people, deployed):
    other = instance_start(definition=deployed("services/user_task"), variables={"reviewer": "x"})
    client = api(people["ops"])
    rows = client.get(f"/api/v1/history-events?processInstanceId={broken.pk}").json()["results"]
    assert rows and {r["processInstanceId"] for r in rows} == {broken.pk}
    incidents = client.get("/api/v1/history-events?eventType=incident").json()["results"]
    assert [r["processInstanceId"] for r in incidents] == [broken.pk]
    started = client.get("/api/v1/history-events?eventType=instance_started").json()
    assert {r["processInstanceId"] for r in started["results"]} == {broken.pk, other.pk}


def test_non_staff_see_only_the_history_of_instances_they_started(api, broken, people, deployed):
    instance_start(definition=deployed("services/user_task"), variables={"reviewer": "eve"})
    mine = api(people["alice"]).get("/api/v1/history-events").json()["results"]
    assert mine and {r["processInstanceId"] for r in mine} == {broken.pk}
    assert api(people["eve"]).get("/api/v1/history-events").json()["count"] == 0
    assert_problem(api(people["eve"]).get("/api/v1/history-events?processInstanceId=x"), 400)
