"""Webhooks: engine events POSTed, signed, to subscribed URLs, retried with backoff.

Events come from the history table, which every step already writes in its own
transaction: a sweep (Celery beat) reads each subscription's history after its cursor and
turns matching events into ``WebhookDelivery`` rows, so an event is announced only once
its step committed, and none is lost or doubled. The delivery row is the source of truth
for retries (its ``next_attempt_at``), as Job rows are for service work.

Each POST carries ``X-Baton-Event``, ``X-Baton-Delivery``, ``X-Baton-Timestamp`` and
``X-Baton-Signature: sha256=<hex>``, the HMAC-SHA256 with the subscription's secret of
``"<timestamp>." + body``: the receiver recomputes it and rejects old timestamps.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.models import HistoryEvent, WebhookDelivery, WebhookSubscription
from bpmn_engine.services.errors import InvalidInput

logger = logging.getLogger(__name__)
EventType = WebhookSubscription.EventType
HISTORY_TO_EVENT = {
    "instance_started": EventType.INSTANCE_STARTED,
    "instance_completed": EventType.INSTANCE_ENDED,
    "instance_terminated": EventType.INSTANCE_ENDED,
    "instance_cancelled": EventType.INSTANCE_ENDED,
    "task_created": EventType.TASK_CREATED,
    "task_claimed": EventType.TASK_ASSIGNED,
    "task_delegated": EventType.TASK_ASSIGNED,
    "task_reassigned": EventType.TASK_ASSIGNED,
    "task_completed": EventType.TASK_COMPLETED,
    "incident": EventType.INCIDENT,
}
MAX_ATTEMPTS = 8
FIRST_RETRY_SECONDS = 10
MAX_RETRY_SECONDS = 3600
DISPATCH_LEASE_SECONDS = 60
TIMEOUT_SECONDS = 10
BATCH = 200


def webhook_subscribe(
    *, owner: AbstractBaseUser, url: str, event_types: list[str]
) -> WebhookSubscription:
    """Subscribe ``url``; it receives events that happen from now on."""
    unknown = sorted(set(event_types) - set(EventType.values))
    if unknown or not event_types:
        raise InvalidInput(
            f"Unknown event types {unknown}; choose from {sorted(EventType.values)}"
            if unknown
            else "Choose at least one event type"
        )
    if not url.startswith(("http://", "https://")):
        raise InvalidInput("A webhook URL must be http:// or https://")
    last = HistoryEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    return WebhookSubscription.objects.create(
        owner_id=owner.pk,
        url=url,
        event_types=sorted(set(event_types)),
        secret=secrets.token_hex(32),
        history_cursor=last,
        created_at=clock.now(),
    )


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def _payload(event: HistoryEvent, event_type: str) -> dict[str, Any]:
    return {
        "event": event_type,
        "historyEventId": event.pk,
        "historyEvent": event.event,
        "processInstanceId": event.instance_id,
        "elementId": event.element_id,
        "user": event.user,
        "timestamp": event.timestamp.isoformat(),
        "data": event.data,
    }


SETTLE_SECONDS = 2
"""History ids are taken at insert but committed in any order: a sweep reads only events
older than this, so a slower transaction's lower id is not skipped by the cursor."""


def _settled(events: Any, now: Any) -> list[HistoryEvent]:
    cutoff = now - timedelta(seconds=SETTLE_SECONDS)
    settled: list[HistoryEvent] = []
    for event in events:
        if event.timestamp > cutoff:
            break
        settled.append(event)
    return settled


def webhooks_collect() -> int:
    """Turn new history events into deliveries, per subscription; returns how many."""
    created = 0
    now = clock.now()
    with transaction.atomic():
        subscriptions = WebhookSubscription.objects.select_for_update(skip_locked=True).filter(
            active=True
        )
        for sub in subscriptions:
            events = _settled(
                HistoryEvent.objects.filter(id__gt=sub.history_cursor).order_by("id")[:BATCH], now
            )
            if not events:
                continue
            rows = [
                WebhookDelivery(
                    subscription=sub,
                    event_type=HISTORY_TO_EVENT[e.event],
                    history_event_id=e.pk,
                    payload=_payload(e, HISTORY_TO_EVENT[e.event]),
                    next_attempt_at=now,
                    created_at=now,
                )
                for e in events
                if HISTORY_TO_EVENT.get(e.event) in sub.event_types
            ]
            WebhookDelivery.objects.bulk_create(rows)
            created += len(rows)
            sub.history_cursor = events[-1].pk
            sub.save(update_fields=["history_cursor"])
    return created


def webhooks_due() -> list[int]:
    """Take the due deliveries for sending: each gets a short lease (its next attempt
    moves on), so the next sweep does not send it again while a worker holds it."""
    now = clock.now()
    with transaction.atomic():
        due = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(state=WebhookDelivery.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:BATCH]
        )
        WebhookDelivery.objects.filter(pk__in=due).update(
            next_attempt_at=now + timedelta(seconds=DISPATCH_LEASE_SECONDS)
        )
    return due


def retry_delay(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, ... capped at an hour."""
    return timedelta(
        seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    )


def _post(sub: WebhookSubscription, delivery: WebhookDelivery) -> int:
    body = json.dumps(delivery.payload, sort_keys=True, default=str).encode()
    timestamp = str(int(clock.now().timestamp()))
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked on subscribe
        sub.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Baton-Webhooks/1",
            "X-Baton-Event": delivery.event_type,
            "X-Baton-Delivery": str(delivery.pk),
            "X-Baton-Timestamp": timestamp,
            "X-Baton-Signature": sign(sub.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def webhook_deliver(*, delivery_id: int) -> str:
    """Send one delivery; record the outcome, and the next attempt when it failed."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"
        delivery.attempts += 1
        try:
            status: int | None = _post(delivery.subscription, delivery)
            error = "" if 200 <= (status or 0) < 300 else f"HTTP {status}"
        except (OSError, ValueError) as exc:
            status, error = None, f"{type(exc).__name__}: {exc}"
        delivery.response_status = status
        delivery.last_error = error
        now = clock.now()
        if not error:
            delivery.state = WebhookDelivery.State.DELIVERED
            delivery.delivered_at = now
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.state = WebhookDelivery.State.FAILED
        else:
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.save()
    return str(delivery.state)
