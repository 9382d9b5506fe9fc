"""BPMN errors that leave a called instance uncaught go to its caller's call activity.

BPMN 2.0 (10.3.6, call activities): an error thrown in the called process and not caught
there can be caught by an error boundary event on the call activity. The interpreter
parks the thrower with an incident, as for any uncaught error, and marks it with an
``ErrorToCaller`` effect. After the child's step this hook asks the caller whether the
call activity (or a scope around it) catches the code; only then is the error thrown
there (``Interpreter.throw_error``). The catching boundary is interrupting, so the call
activity is cancelled and with it the child, incident and all. An error the caller cannot
catch either changes nothing: it stays the one incident on the child, visible on the
caller (``call_returns.call_incident_note``).

Delivery follows the lock rules of ``call_escalations`` (never wait for the caller's
lock while holding a child's): queued when the child failed inside the caller's own
step, delivered now when the caller's row is free, else after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from functools import partial
from typing import Any

from django.db import transaction

from bpmn_engine.interpreter import effects as fx
from bpmn_engine.interpreter.behaviors.errors import error_catchable
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.models import ProcessInstance
from bpmn_engine.persistence.steps import InstanceRef

_pending: ContextVar[dict[int, list[tuple[int, str | None, str | None]]] | None] = ContextVar(
    "baton_call_errors_pending", default=None
)
"""Caller id -> (child id, code, message) thrown inside the caller's step, delivered
after it."""


def errors_after_step(instance: ProcessInstance, effects: Sequence[fx.Effect]) -> None:
    """Deliver the errors queued for ``instance`` as a caller, then offer its own."""
    from bpmn_engine.services.call_returns import _busy, _lock_without_waiting

    _drain(instance)
    if instance.parent_id is None:
        return
    errors = [e for e in effects if isinstance(e, fx.ErrorToCaller)]
    if not errors:
        return
    # The first uncaught error decides; the child is cancelled if caught.
    code, message = errors[0].code, errors[0].message
    parent_id, child_id = instance.parent_id, instance.pk
    if parent_id in _busy.get():
        _queue().setdefault(parent_id, []).append((child_id, code, message))
    elif _lock_without_waiting(parent_id):
        call_error(child_id=child_id, code=code, message=message)
    else:
        transaction.on_commit(partial(_error_quietly, child_id, code, message), robust=True)


def _error_quietly(child_id: int, code: str | None, message: str | None) -> None:
    call_error(child_id=child_id, code=code, message=message)


def _queue() -> dict[int, list[tuple[int, str | None, str | None]]]:
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
    for child_id, code, message in queued:
        call_error(child_id=child_id, code=code, message=message)
    instance.refresh_from_db(fields=["version", "state", "ended_at", "open_incidents"])


def call_error(*, child_id: int, code: str | None, message: str | None = None) -> str:
    """Throw ``code`` (with the child's error ``message``) on the call activity that
    waits for ``child_id``; what happened."""
    from bpmn_engine.services.models_cache import definition_model
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
        if not error_catchable(definition_model(parent.definition_id), state, token, code):
            return "uncaught"
        data = {"child_id": child_id, "code": code}
        note = ("call_error", token.element_id, token_id, data)

        def throw(interpreter: Any, state: Any) -> Any:
            return interpreter.throw_error(
                state, token_id=token_id, code=code, message=message or ""
            )

        step_locked(parent, state, throw, user=child.started_by, history=[note])
    return "caught"
