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

Delivery follows the lock rules of ``call_delivery`` (never wait for the caller's
lock while holding a child's): queued when the child failed inside the caller's own
step, delivered now when the caller's row is free, else after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction

from bpmn_engine.interpreter import effects as fx
from bpmn_engine.interpreter.behaviors.errors import error_catchable
from bpmn_engine.models import ProcessInstance
from bpmn_engine.services.call_delivery import CallerQueue, waiting_call

_ERRORS = CallerQueue("baton_call_errors_pending")
"""Caller id -> errors thrown inside the caller's step, delivered after it."""


def errors_after_step(instance: ProcessInstance, effects: Sequence[fx.Effect]) -> None:
    """Deliver the errors queued for ``instance`` as a caller, then offer its own."""
    _ERRORS.drain(instance)
    if instance.parent_id is None:
        return
    errors = [e for e in effects if isinstance(e, fx.ErrorToCaller)]
    if not errors:
        return
    # The first uncaught error decides; the child is cancelled if caught.
    code, message = errors[0].code, errors[0].message
    deliver = partial(call_error, child_id=instance.pk, code=code, message=message)
    _ERRORS.send(instance.parent_id, deliver)


def call_error(*, child_id: int, code: str | None, message: str | None = None) -> str:
    """Throw ``code`` (with the child's error ``message``) on the call activity that
    waits for ``child_id``; what happened."""
    from bpmn_engine.services.models_cache import definition_model

    with transaction.atomic():
        call = waiting_call(child_id)
        if isinstance(call, str):
            return call
        parent, state, token, token_id = call.parent, call.state, call.token, call.token_id
        if parent.state != ProcessInstance.State.ACTIVE:
            return "parent not active"
        if not error_catchable(definition_model(parent.definition_id), state, token, code):
            return "uncaught"

        def throw(interpreter: Any, state: Any) -> Any:
            return interpreter.throw_error(
                state, token_id=token_id, code=code, message=message or ""
            )

        call.step(throw, "call_error", {"child_id": child_id, "code": code})
    return "caught"
