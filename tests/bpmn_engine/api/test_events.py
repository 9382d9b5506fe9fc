"""POST /messages and /signals: who received it, 404 when nobody waits, staff only."""

from __future__ import annotations

import pytest

from bpmn_engine.models import ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db


def test_a_message_reaches_the_waiting_instance_with_its_business_key(api, deployed, make_user):
    definition = deployed("events/message_catch")
    other = instance_start(definition=definition, business_key="B-2")
    waiting = instance_start(definition=definition, business_key="B-1")
    client = api(make_user("ops", superuser=True))
    response = client.post(
        "/api/v1/messages",
        {"name": "PaymentReceived", "businessKey": "B-1", "variables": {"paid": 10}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "instanceId": waiting.pk,
        "elementId": "WaitPayment",
        "started": False,
    }
    assert UserTask.objects.get().instance_id == waiting.pk
    assert not UserTask.objects.filter(instance=other).exists()


def test_a_message_start_event_starts_an_instance(api, deployed, make_user):
    deployed("events/message_start")
    response = api(make_user("ops", superuser=True)).post(
        "/api/v1/messages", {"name": "NewOrder"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["started"] is True and body["elementId"] == "OrderReceived"
    assert ProcessInstance.objects.filter(pk=body["instanceId"]).exists()


def test_a_message_nobody_waits_for_is_a_404_problem(api, deployed, make_user):
    deployed("events/message_catch")
    response = api(make_user("ops", superuser=True)).post(
        "/api/v1/messages", {"name": "PaymentReceived", "businessKey": "none"}, format="json"
    )
    body = assert_problem(response, 404, "not-found")
    assert (
        "No process instance or start event waits for message 'PaymentReceived'" in body["detail"]
    )


def test_messages_and_signals_are_for_staff_and_need_a_name(api, make_user):
    client = api(make_user("alice"))
    assert_problem(client.post("/api/v1/messages", {"name": "x"}, format="json"), 403)
    assert_problem(client.post("/api/v1/signals", {"name": "x"}, format="json"), 403)
    staff = api(make_user("ops", superuser=True))
    body = assert_problem(staff.post("/api/v1/messages", {}, format="json"), 400)
    assert body["errors"][0]["field"] == "name"
    assert_problem(api().post("/api/v1/signals", {"name": "x"}, format="json"), 401)


def test_a_signal_reaches_every_waiting_instance(api, deployed, make_user):
    definition = deployed("events/signal_catch")
    first = instance_start(definition=definition)
    second = instance_start(definition=definition)
    response = api(make_user("ops", superuser=True)).post(
        "/api/v1/signals", {"name": "Alarm"}, format="json"
    )
    assert response.status_code == 200, response.content
    received = {d["instanceId"] for d in response.json()["deliveries"]}
    assert received == {first.pk, second.pk}
    nobody = api(make_user("ops2", superuser=True)).post(
        "/api/v1/signals", {"name": "Nobody"}, format="json"
    )
    assert nobody.json() == {"deliveries": []}
