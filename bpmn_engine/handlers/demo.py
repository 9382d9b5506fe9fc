"""Handlers for the shipped demo diagram, ``diagrams/purchase_request.bpmn``.

Each handler is a pure function of its context: it reads the instance's variables and
returns the variables to merge. A Celery redelivery may run a handler twice for one job,
so nothing here depends on how often it ran: the order number is derived from the
instance id, and the notice's log line carries the job's idempotency key so a mail
gateway (or a person reading the log) can drop the duplicate.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from bpmn_engine.handlers.registry import HandlerContext, service_task

logger = logging.getLogger(__name__)

BUDGET_LIMIT = 50_000
"""The largest amount the demo budget covers."""


def _amount(variables: Mapping[str, Any]) -> int:
    value = variables.get("amount", 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value)


@service_task("check-budget")
def check_budget(context: HandlerContext) -> dict[str, Any]:
    """Record whether the cost center's budget covers the amount (a fixed limit here)."""
    return {"budgetChecked": True, "budgetAvailable": _amount(context.variables) <= BUDGET_LIMIT}


@service_task("place-order")
def place_order(context: HandlerContext) -> dict[str, Any]:
    """Give the request an order number; one per instance, so a rerun gives the same one."""
    return {"orderNumber": f"PO-{context.instance_id:06d}"}


@service_task("send-notice")
def send_notice(context: HandlerContext) -> dict[str, Any]:
    """Tell the requester what happened to their request (logged; the demo sends no mail)."""
    variables = context.variables
    outcome = "approved" if variables.get("approved") else "rejected"
    logger.info(
        "Notice [%s] to %s: purchase request #%s (%s) was %s%s",
        context.idempotency_key,
        variables.get("requester") or "the requester",
        context.instance_id,
        context.business_key or "no business key",
        outcome,
        f", order {variables['orderNumber']}" if variables.get("orderNumber") else "",
    )
    return {"noticeSent": True}
