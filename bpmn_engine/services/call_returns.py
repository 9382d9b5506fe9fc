"""Call activities: returning from an ended child to its caller (see ``services.calls``
for the whole design and the lock order).

Never wait for the caller's lock while holding a child's: a caller cancelling its child
holds the caller's lock and waits for the child's, so that wait could close a cycle.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef

from bpmn_engine import clock
from bpmn_engine.interpreter import effects as fx
from bpmn_engine.interpreter.behaviors.call_activity import out_variables
from bpmn_engine.interpreter.context import ElementError
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.model import CallActivity
from bpmn_engine.models import HistoryEvent, ProcessInstance, Token
from bpmn_engine.persistence.batch import Batch
from bpmn_engine.persistence.steps import InstanceRef, StateRead
from bpmn_engine.services.call_delivery import (
    CallerQueue,
    Route,
    after_commit,
    caller_route,
    waiting_call,
)
from bpmn_engine.services.call_delivery import caller_stepping as caller_stepping
from bpmn_engine.services.calls import ENDED, LIVE, fail_call_token
from bpmn_engine.services.models_cache import definition_model

_RETURNS = CallerQueue("baton_calls_pending")
"""Caller id -> returns of children that ended inside the caller's step."""


def call_after_step(instance: ProcessInstance, effects: Sequence[fx.Effect]) -> None:
    """Hook run by ``runtime.persist`` after every step (see the module docstring).

    First finishes the returns of children that ended inside this very step (a child
    with no wait state). Then, for a called instance that ended or raised incidents,
    tells its caller: now when the caller's lock is ours or free, else after commit.
    """
    from bpmn_engine.services.call_errors import errors_after_step
    from bpmn_engine.services.call_escalations import escalations_after_step

    escalations_after_step(instance, effects)  # events2: before any return, see there
    errors_after_step(instance, effects)  # an error a call activity catches cancels us
    _RETURNS.drain(instance)
    if instance.parent_id is None:
        return
    notes = [
        partial(
            call_incident_note, child_id=instance.pk, element_id=e.element_id, message=e.message
        )
        for e in effects
        if isinstance(e, fx.RaiseIncident)
    ]
    ended = not instance.is_active
    if not notes and not ended:
        return
    parent_id, child_id = instance.parent_id, instance.pk
    route = caller_route(parent_id)
    for note in notes:
        if route is Route.AFTER_COMMIT:
            after_commit(note)
        else:
            note()
    if ended:
        _RETURNS.send(parent_id, lambda: call_resume(child_id=child_id), route)


def call_incident_note(*, child_id: int, element_id: str, message: str) -> None:
    """Record a child's incident on its parent (an insert only: no lock needed)."""
    child = ProcessInstance.objects.filter(pk=child_id).first()
    if child is None or child.parent_id is None or child.parent_token_id is None:
        return
    call_element = Token.objects.filter(id=child.parent_token_id).values_list(
        "element_id", flat=True
    )
    HistoryEvent.objects.create(
        instance_id=child.parent_id,
        event="call_incident",
        element_id=call_element.first() or "",
        token_id=child.parent_token_id,
        data={"child_id": child_id, "child_element_id": element_id, "message": message},
        timestamp=clock.now(),
    )


def call_resume(*, child_id: int) -> str:
    """Continue the call activity that waits for an ended child; returns what happened.

    Safe to run twice: the second run finds the parent token gone on and does nothing.
    """
    with transaction.atomic():
        call = waiting_call(child_id)
        if isinstance(call, str):
            return call
        child, parent, token_id = call.child, call.parent, call.token_id
        node = definition_model(parent.definition_id).nodes.get(call.token.element_id)
        if not isinstance(node, CallActivity) or child.state in LIVE:
            return "stale"
        if parent.state != ProcessInstance.State.ACTIVE:
            return "parent not active"  # calls_sweep returns once it is active again
        try:
            values = _returned_variables(child, node)
        except ElementError as error:
            return _fail(parent, token_id, node.id, error.message)

        def complete(interpreter: Any, state: Any) -> Any:
            return interpreter.complete(state, token_id=token_id, variables=values)

        call.step(complete, "call_returned", {"child_id": child_id, "outcome": child.state})
    return "resumed"


def _returned_variables(child: ProcessInstance, node: CallActivity) -> dict[str, Any]:
    if child.state not in ENDED:
        raise ElementError(
            f"Call activity '{node.id}': called instance #{child.pk} was {child.state}"
        )
    batch = Batch()
    read = StateRead(batch, InstanceRef.by_id(child.pk))
    batch.run()
    return out_variables(node, read.state().root.variables)


def _fail(parent: ProcessInstance, token_id: str, element_id: str, message: str) -> str:
    fail_call_token(parent, token_id=token_id, element_id=element_id, message=message)
    ProcessInstance.objects.filter(pk=parent.pk).update(open_incidents=parent.open_incidents)
    HistoryEvent.objects.create(
        instance_id=parent.pk,
        event="incident",
        element_id=element_id,
        token_id=uuid.UUID(token_id),
        data={"message": message},
        timestamp=clock.now(),
    )
    return "incident"


def calls_sweep(*, batch: int = 200) -> int:
    """Finish returns whose after-commit follow-up was lost (a crash, a suspended parent).

    Meant for the beat sweeper next to ``jobs_sweep``; returns how many were resumed.
    """
    waiting = Token.objects.filter(
        instance_id=OuterRef("parent_id"),
        id=OuterRef("parent_token_id"),
        state=TokenState.WAITING.value,
    )
    pending = (
        ProcessInstance.objects.filter(
            parent__state=ProcessInstance.State.ACTIVE, state__in=(*ENDED, "cancelled")
        )
        .filter(Exists(waiting))
        .values_list("pk", flat=True)[:batch]
    )
    return sum(1 for child_id in list(pending) if call_resume(child_id=child_id) != "stale")
