"""Celery entry points of the webhooks (listed in ``CELERY_IMPORTS``): a beat sweep that
collects and dispatches due deliveries, and one task per delivery."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from bpmn_engine.models import WebhookSubscription
from bpmn_engine.services.webhooks import webhook_deliver, webhooks_collect, webhooks_due

logger = logging.getLogger(__name__)


@shared_task(name="bpmn_engine.api.tasks.sweep_webhooks")
def sweep_webhooks() -> int:
    """With no subscription (the usual case) no transaction or row lock is taken."""
    if not WebhookSubscription.objects.filter(active=True).exists():
        return 0
    webhooks_collect()
    due = webhooks_due()
    transaction.on_commit(lambda: [_dispatch(pk) for pk in due])  # type: ignore[func-returns-value]
    return len(due)


@shared_task(name="bpmn_engine.api.tasks.deliver_webhook")
def deliver_webhook(delivery_id: int) -> str:
    return webhook_deliver(delivery_id=delivery_id)


def _dispatch(delivery_id: int) -> None:
    """A lost message is harmless: the delivery's lease runs out and the sweep resends."""
    try:
        deliver_webhook.delay(delivery_id)
    except Exception:
        logger.exception("Could not dispatch webhook delivery %s", delivery_id)
