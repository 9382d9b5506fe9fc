"""Call activities at run time: start, cancel and return from called (child) instances.

Design (lock order is ancestors first, never the other way round):

* Start: the parent's step holds the parent lock; ``EffectWriter`` creates the child row
  and runs it to its first wait states with ``instance_create`` in the SAME transaction.
  The child row is new, so nobody else can hold its lock.
* Cancel: the parent's step (cancel, terminate) cancels its children in the same
  transaction: parent lock, then child lock, then grandchildren: ancestors first.
* Return: a child's step ends it while holding the child lock, and the caller's waiting
  token must be completed. Three cases, none of which ever WAITS for the caller's lock
  while holding a child's (that wait could close a cycle with a caller that is cancelling
  this child, parent -> child):
  1. the child ended inside the caller's own step (no wait state in the child): the
     return is queued and run by ``call_after_step`` right after the caller's step has
     written everything, still in the same transaction;
  2. the caller's row can be locked at once (``SKIP LOCKED``): continue it now, in the
     child's transaction (the usual case: one transaction, one commit);
  3. the caller is locked by someone else: ``call_resume`` runs after commit
     (``transaction.on_commit``) in its own transaction, taking only the caller's lock.
  The ended child row with ``parent_token_id`` is the durable record of a pending return:
  if the follow-up is lost (a crash) or the caller was suspended, ``calls_sweep`` finds
  and finishes it. ``call_resume`` is idempotent (a second run finds the token moved on).
* Incidents in a child are recorded on the caller as a ``call_incident`` history event
  (same three cases), and ``call_queries.instance_call_incidents`` lists the open
  incidents of all descendants for the caller's page.
* A child cancelled on its own (not by its caller) parks the call activity with an
  incident; retrying it starts a new child.
"""

from __future__ import annotations

import logging
import uuid

from django.db import transaction

from bpmn_engine import clock
from bpmn_engine.interpreter import effects as fx
from bpmn_engine.interpreter.state import TokenState
from bpmn_engine.models import Incident, ProcessDefinition, ProcessInstance, Token
from bpmn_engine.services.errors import EngineError, InvalidInput, NotFound

logger = logging.getLogger(__name__)

MAX_CALL_DEPTH = 32
"""A process that calls itself with no wait state would otherwise recurse forever."""

ENDED = (ProcessInstance.State.COMPLETED, ProcessInstance.State.TERMINATED)
LIVE = (ProcessInstance.State.ACTIVE, ProcessInstance.State.SUSPENDED)


# --- start and cancel (inside the parent's step) --------------------------------------


def call_definition(
    *, parent: ProcessInstance, key: str, binding: str, version: int | None
) -> ProcessDefinition:
    """The definition a call activity starts: the key's latest version, its version in
    the caller's own deployment, or a given version."""
    found = ProcessDefinition.objects.filter(key=key)
    if binding == "deployment":
        own = ProcessDefinition.objects.filter(pk=parent.definition_id).values("deployment_id")
        found = found.filter(deployment_id__in=own)
    elif binding == "version" and version is not None:
        found = found.filter(version=version)
    definition = found.order_by("-version").first()
    if definition is None:
        where = {"deployment": " in the caller's deployment", "version": f" version {version}"}
        raise NotFound(f"No process definition with key {key!r}{where.get(binding, '')}")
    if not definition.is_executable:
        raise InvalidInput(f"Process {key!r} is not executable (isExecutable=false)")
    return definition


def call_start(*, parent: ProcessInstance, effect: fx.StartCalledInstance, user: str) -> str | None:
    """Start the child for a call activity's token, in the parent's transaction.

    Returns None on success, else the incident message for the call activity.
    """
    from bpmn_engine.services.call_returns import caller_stepping
    from bpmn_engine.services.instances import instance_create

    if _depth(parent) >= MAX_CALL_DEPTH:
        return f"Call activity '{effect.element_id}': calls nested deeper than {MAX_CALL_DEPTH}"
    try:
        definition = call_definition(
            parent=parent, key=effect.process_key, binding=effect.binding, version=effect.version
        )
        with transaction.atomic(), caller_stepping(parent):  # savepoint: no half child
            instance_create(
                definition=definition,
                variables=dict(effect.variables),
                business_key=(
                    parent.business_key if effect.inherit_business_key else effect.business_key
                )
                or "",
                username=user,
                parent=parent,
                parent_token_id=effect.token_id,
            )
    except EngineError as error:
        return f"Call activity '{effect.element_id}' cannot start {effect.process_key!r}: {error}"
    return None


def _depth(instance: ProcessInstance) -> int:
    depth, parent_id = 0, instance.parent_id
    while parent_id is not None and depth < MAX_CALL_DEPTH:
        depth += 1
        parent_id = ProcessInstance.objects.filter(pk=parent_id).values_list(
            "parent_id", flat=True
        )[0]
    return depth


def call_cancel(*, parent: ProcessInstance, token_id: str, reason: str, user: str) -> None:
    """Cancel the live children of a call activity's token (parent lock held: ancestors
    first). Each child cancels its own children the same way."""
    from bpmn_engine.services.call_returns import caller_stepping
    from bpmn_engine.services.runtime import instance_step

    children = ProcessInstance.objects.filter(
        parent=parent, parent_token_id=uuid.UUID(token_id), state__in=LIVE
    ).values_list("pk", flat=True)
    for child_id in list(children):
        with caller_stepping(parent):
            instance_step(
                child_id,
                lambda interpreter, state: interpreter.cancel(
                    state, reason=reason or "caller cancelled"
                ),
                user=user,
                require_active=False,
            )


def fail_call_token(
    instance: ProcessInstance, *, token_id: str, element_id: str, message: str
) -> None:
    """Park the (WAITING) call activity token as FAILED with an incident; a retry of the
    incident enters the call activity again and starts a new child. The caller holds
    the instance lock and saves ``open_incidents`` from the row object."""
    Incident.objects.create(
        instance=instance,
        token_id=uuid.UUID(token_id),
        element_id=element_id,
        message=message,
        created_at=clock.now(),
    )
    instance.open_incidents += 1
    Token.objects.filter(instance=instance, id=uuid.UUID(token_id)).update(
        state=TokenState.FAILED.value
    )
