"""POST /condition: Camunda's "evaluate start conditions" over supplied variables."""

from __future__ import annotations

import pytest

from bpmn_engine.models import UserTask
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db


def test_condition_starts_the_processes_whose_start_condition_holds(api, deployed, make_user):
    deployed("events3/conditional_start")
    client = api(make_user("ops", superuser=True))
    quiet = client.post("/api/v1/condition", {"variables": {"amount": 3}}, format="json")
    assert quiet.status_code == 200, quiet.content
    assert quiet.json() == {"started": []}

    response = client.post(
        "/api/v1/condition",
        {"variables": {"amount": 3000}, "businessKey": "B-9"},
        format="json",
    )
    assert response.status_code == 200, response.content
    [started] = response.json()["started"]
    assert started["elementId"] == "BigOrder"
    task = UserTask.objects.get(instance_id=started["instanceId"])
    assert (task.element_id, task.instance.business_key) == ("Review", "B-9")


def test_condition_is_for_staff(api, make_user):
    client = api(make_user("alice"))
    assert_problem(client.post("/api/v1/condition", {"variables": {}}, format="json"), 403)
