"""Idempotency-Key on start, complete and correlate: a repeat replays the first response."""

from __future__ import annotations

import pytest

from bpmn_engine.models import IdempotencyRecord, ProcessInstance, UserTask
from bpmn_engine.services.instances import instance_start
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
START = "/api/v1/process-definitions/key/user_task/start"


def test_a_repeated_start_returns_the_first_instance_and_starts_nothing_more(
    api, deployed, make_user
):
    deployed("services/user_task")
    client = api(make_user("alice"))
    body = {"variables": {"reviewer": "bob"}, "businessKey": "PO-7"}
    first = client.post(START, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(START, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json()
    assert ProcessInstance.objects.count() == 1
    assert IdempotencyRecord.objects.get().response_status == 201


def test_the_same_key_with_another_body_is_a_422_problem(api, deployed, make_user):
    deployed("services/user_task")
    client = api(make_user("alice"))
    client.post(START, {"businessKey": "A"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post(START, {"businessKey": "B"}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    body = assert_problem(response, 422, "idempotency-key-reused")
    assert "already used for a different request" in body["detail"]
    assert ProcessInstance.objects.count() == 1


def test_keys_belong_to_their_caller(api, deployed, make_user):
    """Two callers may use the same key: each gets their own instance."""
    deployed("services/user_task")
    for name in ("alice", "carol"):
        api(make_user(name)).post(START, {}, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert ProcessInstance.objects.count() == 2


def test_a_failed_request_stores_nothing_so_a_fixed_retry_may_reuse_the_key(
    api, deployed, make_user
):
    deployed("services/user_task")
    client = api(make_user("alice"))
    bad = client.post(
        "/api/v1/process-definitions/key/missing/start",
        {},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    assert_problem(bad, 404)
    assert not IdempotencyRecord.objects.exists()


def test_a_repeated_complete_replays_the_first_completion(api, deployed, make_user):
    definition = deployed("services/user_task")
    bob = make_user("bob")
    instance_start(definition=definition, variables={"reviewer": "bob"})
    task = UserTask.objects.get()
    client = api(bob)
    url = f"/api/v1/tasks/{task.pk}/complete"
    first = client.post(url, {"variables": {"ok": True}}, format="json", HTTP_IDEMPOTENCY_KEY="c")
    again = client.post(url, {"variables": {"ok": True}}, format="json", HTTP_IDEMPOTENCY_KEY="c")
    assert first.status_code == again.status_code == 200, again.content
    assert again.json() == first.json()
    without_key = client.post(url, {"variables": {"ok": True}}, format="json")
    assert_problem(without_key, 409)


def test_a_repeated_correlation_delivers_the_message_once(api, deployed, make_user):
    deployed("events/message_start")
    client = api(make_user("ops", superuser=True))
    body = {"name": "NewOrder", "businessKey": "O-1"}
    first = client.post("/api/v1/messages", body, format="json", HTTP_IDEMPOTENCY_KEY="m")
    again = client.post("/api/v1/messages", body, format="json", HTTP_IDEMPOTENCY_KEY="m")
    assert first.status_code == again.status_code == 201, again.content
    assert again.json() == first.json()
    assert ProcessInstance.objects.count() == 1
