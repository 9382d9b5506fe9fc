"""Escalations that leave a called instance uncaught go to its caller's call activity.

The interpreter marks such an escalation with an ``EscalateToCaller`` effect; this hook,
run first in ``call_returns.call_after_step`` after every step, throws it on the call
activity in the caller (``Interpreter.escalate``). It uses the lock rules of returns
(``services.calls``, ``call_delivery``): never wait for the caller's lock while holding a child's:

1. the child escalated inside the caller's own step (no wait state before the throw):
   queued, and delivered right after the caller's step, in the same transaction;
2. the caller's row can be locked at once: delivered now, in the child's transaction;
3. the caller is locked by someone else: delivered after commit.

An escalation is delivered before the child's return, so a non-interrupting boundary on
the call activity fires while the call activity still waits. Unlike a return, an
escalation lost to a crash in case 3 is not retried by a sweeper: the child's history
keeps an ``escalation_uncaught`` row for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction

from bpmn_engine.interpreter import effects as fx
from bpmn_engine.models import ProcessInstance
from bpmn_engine.services.call_delivery import CallerQueue, waiting_call

_ESCALATIONS = CallerQueue("baton_call_escalations_pending")
"""Caller id -> escalations thrown inside the caller's step, delivered after it."""


def escalations_after_step(instance: ProcessInstance, effects: Sequence[fx.Effect]) -> None:
    """Deliver the escalations queued for ``instance`` as a caller, then pass on its own."""
    _ESCALATIONS.drain(instance)
    if instance.parent_id is None:
        return
    codes = [e.code for e in effects if isinstance(e, fx.EscalateToCaller)]
    parent_id, child_id = instance.parent_id, instance.pk
    for code in codes:
        _ESCALATIONS.send(parent_id, partial(call_escalate, child_id=child_id, code=code))


def call_escalate(*, child_id: int, code: str | None) -> str:
    """Throw ``code`` on the call activity that waits for ``child_id``; what happened."""
    with transaction.atomic():
        call = waiting_call(child_id)
        if isinstance(call, str):
            return call
        if call.parent.state != ProcessInstance.State.ACTIVE:
            return "parent not active"
        token_id = call.token_id

        def escalate(interpreter: Any, state: Any) -> Any:
            return interpreter.escalate(state, token_id=token_id, code=code)

        call.step(escalate, "call_escalated", {"child_id": child_id, "code": code})
    return "escalated"
