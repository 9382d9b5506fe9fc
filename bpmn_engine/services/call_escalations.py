"""Escalations that leave a called instance uncaught go to its caller's call activity.

The interpreter marks such an escalation with an ``EscalateToCaller`` effect; this hook,
run first in ``call_returns.call_after_step`` after every step, throws it on the call
activity in the caller (``Interpreter.escalate``). It uses the same lock rules as returns
(``services.calls``): never wait for the caller's lock while holding a child's:

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
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.db import transaction

from bpmn_engine.interpreter import effects as fx
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.models import ProcessInstance
from bpmn_engine.persistence.steps import InstanceRef

_pending: ContextVar[dict[int, list[tuple[int, str | None]]] | None] = ContextVar(
    "baton_call_escalations_pending", default=None
)
"""Caller id -> (child id, code) thrown inside the caller's step, delivered after it."""


def escalations_after_step(instance: ProcessInstance, effects: Sequence[fx.Effect]) -> None:
    """Deliver the escalations queued for ``instance`` as a caller, then pass on its own."""
    from bpmn_engine.services.call_returns import _busy, _lock_without_waiting

    _drain(instance)
    if instance.parent_id is None:
        return
    codes = [e.code for e in effects if isinstance(e, fx.EscalateToCaller)]
    parent_id, child_id = instance.parent_id, instance.pk
    for code in codes:
        if parent_id in _busy.get():
            _queue().setdefault(parent_id, []).append((child_id, code))
        elif _lock_without_waiting(parent_id):
            call_escalate(child_id=child_id, code=code)
        else:
            transaction.on_commit(partial(_escalate_quietly, child_id, code), robust=True)


def _escalate_quietly(child_id: int, code: str | None) -> None:
    call_escalate(child_id=child_id, code=code)


def _queue() -> dict[int, list[tuple[int, str | None]]]:
    pending = _pending.get()
    if pending is None:
        pending = {}
        _pending.set(pending)
    return pending


def _drain(instance: ProcessInstance) -> None:
    pending = _pending.get()
    queued = pending.pop(instance.pk, None) if pending else None
    if not queued:
        return
    for child_id, code in queued:
        call_escalate(child_id=child_id, code=code)
    instance.refresh_from_db(fields=["version", "state", "ended_at", "open_incidents"])


def call_escalate(*, child_id: int, code: str | None) -> str:
    """Throw ``code`` on the call activity that waits for ``child_id``; what happened."""
    from bpmn_engine.services.runtime import load_locked, step_locked

    with transaction.atomic():
        child = ProcessInstance.objects.filter(pk=child_id).first()
        if child is None or child.parent_id is None or child.parent_token_id is None:
            return "gone"
        parent, state = load_locked(InstanceRef.by_id(child.parent_id))
        token_id = child.parent_token_id.hex
        token = state.tokens.get(token_id) if state is not None else None
        if parent is None or state is None or token is None:
            return "stale"
        if token.state is not TokenState.WAITING:
            return "stale"
        if parent.state != ProcessInstance.State.ACTIVE:
            return "parent not active"
        data = {"child_id": child_id, "code": code}
        note = ("call_escalated", token.element_id, token_id, data)

        def escalate(interpreter: Any, state: Any) -> Any:
            return interpreter.escalate(state, token_id=token_id, code=code)

        step_locked(parent, state, escalate, user=child.started_by, history=[note])
    return "escalated"
