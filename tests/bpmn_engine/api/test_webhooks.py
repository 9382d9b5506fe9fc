"""Webhooks against a real HTTP server on 127.0.0.1: signed deliveries of the subscribed
events, retried with backoff after a failure, with a delivery log in the API."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from bpmn_engine import clock
from bpmn_engine.models import UserTask, WebhookDelivery
from bpmn_engine.services.instances import instance_start
from bpmn_engine.services.tasks import task_complete
from bpmn_engine.services.webhooks import (
    SETTLE_SECONDS,
    webhook_deliver,
    webhooks_collect,
    webhooks_due,
)
from tests.bpmn_engine.api.helpers import assert_problem

pytestmark = pytest.mark.django_db
URL = "/api/v1/webhooks"


class Receiver:
    """A local endpoint that records what it gets and answers with queued statuses."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


def send_due() -> list[str]:
    clock.advance(SETTLE_SECONDS + 1)
    webhooks_collect()
    return [webhook_deliver(delivery_id=pk) for pk in webhooks_due()]


def test_subscribed_events_are_delivered_signed_and_logged(api, deployed, make_user, receiver):
    ops = api(make_user("ops", superuser=True))
    created = ops.post(
        URL,
        {"url": receiver.url, "eventTypes": ["instance.started", "task.completed"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    bob = make_user("bob")
    instance_start(definition=deployed("services/user_task"), variables={"reviewer": "bob"})
    task_complete(task_id=UserTask.objects.get().pk, user=bob, variables={})
    assert send_due() == ["delivered", "delivered"]
    events = [json.loads(r["body"])["event"] for r in receiver.received]
    assert events == ["instance.started", "task.completed"], "task.created was not subscribed"
    first = receiver.received[0]
    expected = hmac.new(
        secret.encode(),
        first["headers"]["X-Baton-Timestamp"].encode() + b"." + first["body"],
        hashlib.sha256,
    ).hexdigest()
    assert first["headers"]["X-Baton-Signature"] == f"sha256={expected}"
    log = ops.get(f"{URL}/{created.json()['id']}/deliveries").json()["results"]
    assert {(d["state"], d["responseStatus"]) for d in log} == {("delivered", 204)}
    assert "secret" not in ops.get(f"{URL}/{created.json()['id']}").json()


def test_a_failed_delivery_is_retried_with_backoff(api, deployed, make_user, receiver):
    ops = api(make_user("ops", superuser=True))
    ops.post(URL, {"url": receiver.url, "eventTypes": ["instance.started"]}, format="json")
    receiver.statuses = [500]
    instance_start(definition=deployed("services/user_task"), variables={"reviewer": "x"})
    assert send_due() == ["pending"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.last_error) == (1, "HTTP 500")
    assert webhooks_due() == [], "not before its backoff"
    clock.advance(10)
    assert [webhook_deliver(delivery_id=pk) for pk in webhooks_due()] == ["delivered"]
    assert len(receiver.received) == 2


def test_webhooks_are_for_staff_and_validate_their_input(api, make_user):
    assert_problem(api(make_user("alice")).get(URL), 403)
    ops = api(make_user("ops", superuser=True))
    bad = ops.post(URL, {"url": "ftp://x", "eventTypes": ["nope"]}, format="json")
    assert {e["field"] for e in assert_problem(bad, 400)["errors"]} == {"url", "eventTypes.0"}
